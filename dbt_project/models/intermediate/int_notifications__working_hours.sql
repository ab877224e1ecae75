-- Working hours from the notification to its footprint: only the hours
-- that fall on working days count. Each moment is placed on a running
-- count of working seconds (whole working days before its day, plus the
-- time since midnight when its day is a working day), and the two counts
-- are subtracted. Wall clock, so a clock change can put it an hour out,
-- which the spec accepts.
with

states as (

    select * from {{ ref('int_notifications__states') }}

),

working_days as (

    select * from {{ ref('int_calendar__working_days') }}

),

positioned as (

    select
        states.notification_key,
        states.footprint_at,
        start_day.working_days_before * 86400
        + case
            when start_day.is_working_day
                then {{ seconds_between(start_of_day('states.clock_start_at'), 'states.clock_start_at') }}
            else 0
        end as start_working_seconds,
        footprint_day.working_days_before * 86400
        + case
            when footprint_day.is_working_day
                then {{ seconds_between(start_of_day('states.footprint_at'), 'states.footprint_at') }}
            else 0
        end as footprint_working_seconds
    from states
    left join working_days as start_day
        on cast(states.clock_start_at as date) = start_day.calendar_date
    left join working_days as footprint_day
        on cast(states.footprint_at as date) = footprint_day.calendar_date

),

final as (

    select
        notification_key,
        cast(footprint_working_seconds - start_working_seconds as bigint) as working_seconds_to_footprint,
        {{ hours_from_seconds('footprint_working_seconds - start_working_seconds') }}
            as working_hours_to_footprint
    from positioned

)

select * from final
