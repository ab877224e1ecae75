-- The programme manager's judgement over the rule's: where a notification
-- has a current review, its reviewed category is the footprint category
-- every figure uses, and it is neither awaiting nor overdue (the PM has
-- decided it); elsewhere the rule's category and states stand. A review is
-- stale when the rule's category has changed since it was made (a
-- correction arrived): it still stands, and is listed for the PM.
with

states as (

    select * from {{ ref('int_notifications__states') }}

),

reviews as (

    select * from {{ ref('stg_review__category_reviews') }}

),

joined as (

    select
        states.notification_key,
        states.as_of,
        states.footprint_category as computed_category,
        states.is_awaiting_footprint as is_computed_awaiting,
        states.is_overdue as is_computed_overdue,
        states.is_final as is_computed_final,
        reviews.reviewed_category,
        reviews.review_reason_code,
        reviews.reviewed_by,
        reviews.reviewed_at,
        reviews.computed_category_at_review,
        (reviews.notification_key is not null) as is_reviewed
    from states
    left join reviews
        on states.notification_key = reviews.notification_key

),

final as (

    select
        notification_key,
        as_of,
        computed_category,
        is_reviewed,
        reviewed_category,
        review_reason_code,
        reviewed_by,
        reviewed_at,
        coalesce(reviewed_category, computed_category) as footprint_category,
        (is_computed_awaiting and not is_reviewed) as is_awaiting_footprint,
        (is_computed_overdue and not is_reviewed) as is_overdue,
        (is_computed_final or is_reviewed) as is_final,
        (
            is_reviewed
            and coalesce(computed_category_at_review, '(awaiting)') <> coalesce(computed_category, '(awaiting)')
        ) as review_is_stale
    from joined

)

select * from final
