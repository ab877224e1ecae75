-- The windows evidence is looked for in, per notification: footprint window
-- [clock start, due), evidence window [clock start, horizon] where the
-- horizon is evidence_horizon_days x 24 hours later, and the activity
-- window from the episode start (but no earlier than activity_lookback_days
-- before the notification) to the horizon.
{%- set horizon_days = criterion_count('evidence_horizon_days') %}
{%- set lookback_days = criterion_count('activity_lookback_days') %}
with

clock_starts as (

    select * from {{ ref('int_notifications__clock_starts') }}

),

expected_iro as (

    select * from {{ ref('int_notifications__expected_iro') }}

),

due as (

    select * from {{ ref('int_notifications__due') }}

),

final as (

    select
        clock_starts.notification_key,
        clock_starts.notification_id,
        clock_starts.missing_episode_id,
        clock_starts.person_id,
        clock_starts.episode_type,
        clock_starts.episode_start_at,
        clock_starts.episode_end_at,
        clock_starts.is_notified,
        clock_starts.notified_at,
        clock_starts.clock_start_at,
        clock_starts.clock_start_date,
        expected_iro.iro_professional_id,
        expected_iro.iro_involvement_id,
        expected_iro.iro_involvement_team,
        due.due_date,
        due.due_at,
        cast(
            {{ dbt.dateadd('day', horizon_days, 'clock_starts.clock_start_at') }} as timestamp
        ) as horizon_at,
        cast(
            greatest(
                clock_starts.episode_start_at,
                {{ dbt.dateadd('day', -lookback_days, 'clock_starts.clock_start_at') }}
            ) as timestamp
        ) as activity_from_at
    from clock_starts
    inner join expected_iro
        on clock_starts.notification_key = expected_iro.notification_key
    inner join due
        on clock_starts.notification_key = due.notification_key

)

select * from final
