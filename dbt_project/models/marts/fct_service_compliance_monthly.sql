-- The same figures for the whole service, month by month: the re-audit as
-- a trend. Computed from the notification rows, because a median cannot be
-- summed from the per-IRO table.
with

notifications as (

    select * from {{ ref('fct_missing_notifications') }}

),

figures as (

    select
        period_month,
        max(as_of) as as_of,
        sum(case when is_notified then 1 else 0 end) as notifications,
        sum(case when is_notified and iro_professional_id is null then 1 else 0 end) as unallocated_notifications,
        count(distinct case when is_notified then iro_professional_id end) as iros_notified,
        {{ compliance_figures() }},
        {{ median_hours("case when is_notified then notification_delay_hours end") }}
            as median_notification_delay_hours
    from notifications
    group by period_month

),

final as (

    select
        cast(period_month as date) as period_month,
        cast(notifications as bigint) as notifications,
        cast(unallocated_notifications as bigint) as unallocated_notifications,
        cast(iros_notified as bigint) as iros_notified,
        {%- for category in footprint_categories() %}
        cast({{ category }} as bigint) as {{ category }},
        {%- endfor %}
        cast(awaiting_footprint as bigint) as awaiting_footprint,
        cast(overdue as bigint) as overdue,
        cast(not_notified as bigint) as not_notified,
        {{ ratio('timely_footprint', 'notifications - awaiting_footprint') }} as timely_rate,
        cast(median_working_hours_to_footprint as numeric(12, 2)) as median_working_hours_to_footprint,
        cast(median_notification_delay_hours as numeric(12, 2)) as median_notification_delay_hours,
        {{ criteria_version() }} as criteria_version,
        cast(as_of as timestamp) as as_of,
        cast(reviewed as bigint) as reviewed
    from figures

)

select * from final
