-- Due: the end of the N-th working day after the calendar day of the
-- notification (N = footprint_due_working_days), counted from that day even
-- when it is a weekend or bank holiday; N = 0 is the end of that same day.
-- "The end of a day" is the first moment of the next day, exclusive.
{%- set due_working_days = criterion_count('footprint_due_working_days') %}
with

clock_starts as (

    select * from {{ ref('int_notifications__clock_starts') }}

),

working_days as (

    select * from {{ ref('int_calendar__working_days') }}

),

notification_days as (

    select
        clock_starts.notification_key,
        clock_starts.clock_start_date,
        working_days.working_days_through
    from clock_starts
    left join working_days
        on clock_starts.clock_start_date = working_days.calendar_date

),

due_days as (

    {%- if due_working_days == 0 %}

    select
        notification_key,
        clock_start_date as due_date
    from notification_days

    {%- else %}

    -- The N-th working day after a day is the working day whose running
    -- count is N more than that day's.
    select
        notification_days.notification_key,
        working_days.calendar_date as due_date
    from notification_days
    left join working_days
        on
            notification_days.working_days_through + {{ due_working_days }} = working_days.working_days_through
            and working_days.is_working_day

    {%- endif %}

),

final as (

    select
        notification_key,
        cast(due_date as date) as due_date,
        cast({{ dbt.dateadd('day', 1, start_of_day('due_date')) }} as timestamp) as due_at
    from due_days

)

select * from final
