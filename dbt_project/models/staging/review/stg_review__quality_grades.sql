-- The latest grade of each footprint read for quality.
with

quality_grades as (

    select * from {{ source('review', 'quality_grades') }}

),

ranked as (

    select
        cast(notification_key as text) as notification_key,
        cast(quality as text) as quality,
        cast(graded_by as text) as graded_by,
        cast(graded_at as timestamp) as graded_at,
        row_number() over (
            partition by notification_key
            order by graded_at desc, grade_id desc
        ) as recency_rank
    from quality_grades

),

final as (

    select
        notification_key,
        quality,
        graded_by,
        graded_at
    from ranked
    where recency_rank = 1

)

select * from final
