-- The latest action per notification: a set review stands, a cleared one is
-- gone. The note is never selected: judgement reaches the marts as a
-- category and a reason code, never as free text.
with

category_reviews as (

    select * from {{ source('review', 'category_reviews') }}

),

ranked as (

    select
        cast(notification_key as text) as notification_key,
        cast(action as text) as review_action,
        cast(reviewed_category as text) as reviewed_category,
        cast(reason_code as text) as review_reason_code,
        cast(computed_category as text) as computed_category_at_review,
        cast(reviewed_by as text) as reviewed_by,
        cast(reviewed_at as timestamp) as reviewed_at,
        row_number() over (
            partition by notification_key
            order by reviewed_at desc, review_id desc
        ) as recency_rank
    from category_reviews

),

final as (

    select
        notification_key,
        reviewed_category,
        review_reason_code,
        computed_category_at_review,
        reviewed_by,
        reviewed_at
    from ranked
    where recency_rank = 1 and review_action = 'set'

)

select * from final
