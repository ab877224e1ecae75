-- Per IRO and month of notification: how many footprints were drawn for
-- quality reading, how many were graded, and each grade. Counts only: no
-- free text, no child.
with

notifications as (

    select * from {{ ref('fct_missing_notifications') }}

),

quality as (

    select * from {{ ref('int_notifications__quality') }}

),

read_rows as (

    select
        notifications.iro_professional_id,
        notifications.iro_name,
        notifications.period_month,
        notifications.clock_start_at,
        notifications.notification_key,
        notifications.as_of,
        quality.is_sampled,
        quality.quality,
        coalesce(notifications.iro_professional_id, 'unallocated') as iro_key
    from notifications
    inner join quality
        on notifications.notification_key = quality.notification_key

),

figures as (

    select
        iro_key,
        period_month,
        max(iro_professional_id) as iro_professional_id,
        max(as_of) as as_of,
        sum(case when is_sampled then 1 else 0 end) as sampled,
        sum(case when quality is not null then 1 else 0 end) as graded,
        sum(case when quality = 'good' then 1 else 0 end) as good,
        sum(case when quality = 'adequate' then 1 else 0 end) as adequate,
        sum(case when quality = 'poor' then 1 else 0 end) as poor
    from read_rows
    group by iro_key, period_month

),

labels as (

    select
        iro_key,
        period_month,
        iro_name,
        row_number() over (
            partition by iro_key, period_month
            order by clock_start_at desc, notification_key desc
        ) as recency_rank
    from read_rows

),

final as (

    select
        cast(figures.iro_key as text) as iro_key,
        cast(figures.iro_professional_id as text) as iro_professional_id,
        cast(labels.iro_name as text) as iro_name,
        cast(figures.period_month as date) as period_month,
        cast(figures.sampled as bigint) as sampled,
        cast(figures.graded as bigint) as graded,
        cast(figures.good as bigint) as good,
        cast(figures.adequate as bigint) as adequate,
        cast(figures.poor as bigint) as poor,
        {{ criteria_version() }} as criteria_version,
        cast(figures.as_of as timestamp) as as_of
    from figures
    inner join labels
        on
            figures.iro_key = labels.iro_key
            and figures.period_month = labels.period_month
            and labels.recency_rank = 1

)

select * from final
