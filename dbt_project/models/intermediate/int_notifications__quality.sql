-- The quality reading of each footprint drawn or graded: whether it was in a
-- sample, and its latest grade. A grade given outside any sample still counts
-- as graded: the PM read it.
with

samples as (

    select * from {{ ref('stg_review__quality_samples') }}

),

grades as (

    select * from {{ ref('stg_review__quality_grades') }}

),

read_for_quality as (

    select notification_key from samples
    union
    select notification_key from grades

),

final as (

    select
        read_for_quality.notification_key,
        grades.quality,
        (samples.notification_key is not null) as is_sampled
    from read_for_quality
    left join samples
        on read_for_quality.notification_key = samples.notification_key
    left join grades
        on read_for_quality.notification_key = grades.notification_key

)

select * from final
