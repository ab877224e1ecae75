-- Per IRO (and one 'unallocated' row) and month of notification: the
-- figures individual learning is discussed from. Never-notified episodes
-- are counted apart (not_notified) and stay out of every other figure: an
-- IRO cannot answer a notification that was not sent.
with

notifications as (

    select * from {{ ref('fct_missing_notifications') }}

),

attributed as (

    select
        *,
        coalesce(iro_professional_id, 'unallocated') as iro_key
    from notifications

),

labels as (

    -- The IRO's name and team as on their latest notification of the month.
    select
        iro_key,
        period_month,
        iro_name,
        iro_team,
        row_number() over (
            partition by iro_key, period_month
            order by clock_start_at desc, notification_key desc
        ) as recency_rank
    from attributed

),

figures as (

    select
        iro_key,
        period_month,
        max(iro_professional_id) as iro_professional_id,
        max(as_of) as as_of,
        sum(case when is_notified then 1 else 0 end) as notifications,
        {{ compliance_figures() }}
    from attributed
    group by iro_key, period_month

),

final as (

    select
        cast(figures.iro_key as text) as iro_key,
        cast(figures.iro_professional_id as text) as iro_professional_id,
        cast(labels.iro_name as text) as iro_name,
        cast(labels.iro_team as text) as iro_team,
        cast(figures.period_month as date) as period_month,
        cast(figures.notifications as bigint) as notifications,
        {%- for category in footprint_categories() %}
        cast(figures.{{ category }} as bigint) as {{ category }},
        {%- endfor %}
        cast(figures.awaiting_footprint as bigint) as awaiting_footprint,
        cast(figures.overdue as bigint) as overdue,
        cast(figures.not_notified as bigint) as not_notified,
        {{ ratio('figures.timely_footprint', 'figures.notifications - figures.awaiting_footprint') }}
            as timely_rate,
        cast(figures.median_working_hours_to_footprint as numeric(12, 2)) as median_working_hours_to_footprint,
        {{ criteria_version() }} as criteria_version,
        cast(figures.as_of as timestamp) as as_of,
        cast(figures.reviewed as bigint) as reviewed
    from figures
    inner join labels
        on
            figures.iro_key = labels.iro_key
            and figures.period_month = labels.period_month
            and labels.recency_rank = 1

)

select * from final
