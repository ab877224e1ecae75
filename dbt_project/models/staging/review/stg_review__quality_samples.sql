-- Each footprint drawn for quality reading, once, whatever number of draws
-- picked it.
with

quality_samples as (

    select * from {{ source('review', 'quality_samples') }}

),

ranked as (

    select
        cast(notification_key as text) as notification_key,
        cast(period_month as date) as sampled_month,
        cast(drawn_at as timestamp) as first_drawn_at,
        row_number() over (
            partition by notification_key
            order by drawn_at, sample_id
        ) as draw_rank
    from quality_samples

),

final as (

    select
        notification_key,
        sampled_month,
        first_drawn_at
    from ranked
    where draw_rank = 1

)

select * from final
