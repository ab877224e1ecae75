-- The unit of measurement: one row per notification, plus one per episode
-- that was never notified, whose clock starts at the episode start. Only
-- the criteria's episode_types are measured.
with

missing_episodes as (

    select * from {{ ref('stg_lcs__missing_episodes') }}

),

missing_notifications as (

    select * from {{ ref('stg_lcs__missing_notifications') }}

),

measured_episodes as (

    select * from missing_episodes
    where episode_type in {{ sql_list(var('episode_types')) }}

),

notified as (

    select
        'notification:' || missing_notifications.notification_id as notification_key,
        missing_notifications.notification_id,
        measured_episodes.missing_episode_id,
        -- The episode, not the email, says whose episode it is.
        measured_episodes.person_id,
        measured_episodes.episode_type,
        measured_episodes.episode_start_at,
        measured_episodes.episode_end_at,
        true as is_notified,
        missing_notifications.sent_at as notified_at,
        missing_notifications.sent_at as clock_start_at
    from missing_notifications
    inner join measured_episodes
        on missing_notifications.missing_episode_id = measured_episodes.missing_episode_id

),

never_notified as (

    select
        'episode:' || measured_episodes.missing_episode_id as notification_key,
        cast(null as text) as notification_id,
        measured_episodes.missing_episode_id,
        measured_episodes.person_id,
        measured_episodes.episode_type,
        measured_episodes.episode_start_at,
        measured_episodes.episode_end_at,
        false as is_notified,
        cast(null as timestamp) as notified_at,
        measured_episodes.episode_start_at as clock_start_at
    from measured_episodes
    where not exists (
        select 1
        from missing_notifications
        where missing_notifications.missing_episode_id = measured_episodes.missing_episode_id
    )

),

unioned as (

    select * from notified
    union all
    select * from never_notified

),

final as (

    select
        notification_key,
        notification_id,
        missing_episode_id,
        person_id,
        episode_type,
        episode_start_at,
        episode_end_at,
        is_notified,
        notified_at,
        clock_start_at,
        -- Periods take a notification by the calendar date it was sent, an
        -- unnotified episode by its start date.
        cast(clock_start_at as date) as clock_start_date
    from unioned

)

select * from final
