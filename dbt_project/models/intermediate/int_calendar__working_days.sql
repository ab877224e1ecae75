-- Running counts of working days turn "the N-th working day after" and
-- "working hours between two moments" into equality joins on a date,
-- instead of a range scan of the calendar per notification.
with

calendar_days as (

    select * from {{ ref('calendar_days') }}

),

counted as (

    select
        calendar_date,
        is_working_day,
        holiday_name,
        sum(case when is_working_day then 1 else 0 end) over (
            order by calendar_date
            rows between unbounded preceding and current row
        ) as working_days_through
    from calendar_days

),

final as (

    select
        cast(calendar_date as date) as calendar_date,
        is_working_day,
        holiday_name,
        cast(working_days_through as bigint) as working_days_through,
        cast(
            working_days_through - case when is_working_day then 1 else 0 end
            as bigint
        ) as working_days_before
    from counted

)

select * from final
