-- About the episode, for CLA reviews: each review an IRO chaired on the
-- child's file, held from the start of a notification's activity window
-- (or its clock start, if earlier) up to its horizon, beside that
-- notification, and whether it is about the episode. A review has no link
-- to an episode: a keyword in its summary makes it about every episode in
-- whose windows it falls, from the review's date. Cancelled reviews stay
-- here, marked, so the audit trail can say why they do not count.
with

windows as (

    select * from {{ ref('int_notifications__windows') }}

),

cla_reviews as (

    select * from {{ ref('int_cla_reviews__keyword_matches') }}

),

iros as (

    select * from {{ ref('int_professionals__iros') }}

),

iro_reviews as (

    select cla_reviews.*
    from cla_reviews
    inner join iros
        on cla_reviews.chair_professional_id = iros.professional_id
    where cla_reviews.review_at is not null

),

final as (

    select
        windows.notification_key,
        iro_reviews.cla_review_id as record_id,
        iro_reviews.chair_professional_id as author_professional_id,
        iro_reviews.review_at as recorded_at,
        iro_reviews.review_at as entered_at,
        iro_reviews.modified_at as current_version_modified_at,
        iro_reviews.is_cancelled,
        iro_reviews.matched_keyword,
        'cla_review' as record_source,
        'CLA review' as record_type,
        false as is_child_seen,
        cast(null as bigint) as current_version_number,
        cast(null as bigint) as version_count,
        cast(null as text) as linked_missing_episode_id,
        cast(null as bigint) as counts_from_version_number,
        cast(null as timestamp) as counts_from_version_modified_at,
        case when iro_reviews.matched_keyword is not null then 'keyword' else 'no keyword' end as about_basis,
        (iro_reviews.matched_keyword is not null) as is_about_episode,
        case when iro_reviews.matched_keyword is not null then iro_reviews.review_at end as counts_from_at
    from windows
    inner join iro_reviews
        on
            windows.person_id = iro_reviews.person_id
            and windows.horizon_at >= iro_reviews.review_at
            and least(windows.activity_from_at, windows.clock_start_at) <= iro_reviews.review_at

)

select * from final
