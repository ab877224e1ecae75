-- The child's facts read on the date of the notification (an unnotified
-- episode: its start date): sex, age in whole years, whether the
-- get_safe_service_name service was open (a service ending that day is
-- still open), and how many of the child's episodes of either type started
-- in [this episode's start - 90 days, this start], this one included.
with

clock_starts as (

    select * from {{ ref('int_notifications__clock_starts') }}

),

persons as (

    select * from {{ ref('stg_lcs__persons') }}

),

service_involvements as (

    select * from {{ ref('stg_lcs__service_involvements') }}

),

missing_episodes as (

    select * from {{ ref('stg_lcs__missing_episodes') }}

),

get_safe_open as (

    select distinct clock_starts.notification_key
    from clock_starts
    inner join service_involvements
        on
            clock_starts.person_id = service_involvements.person_id
            and service_involvements.service_name = {{ sql_string(var('get_safe_service_name')) }}
            and (
                service_involvements.service_start_date is null
                or clock_starts.clock_start_date >= service_involvements.service_start_date
            )
            and (
                service_involvements.service_end_date is null
                or clock_starts.clock_start_date <= service_involvements.service_end_date
            )

),

prior_episodes as (

    select
        clock_starts.notification_key,
        count(*) as missing_episodes_prior_90d
    from clock_starts
    inner join missing_episodes
        on
            clock_starts.person_id = missing_episodes.person_id
            and clock_starts.episode_start_at >= missing_episodes.episode_start_at
            and {{ dbt.dateadd('day', -90, 'clock_starts.episode_start_at') }} <= missing_episodes.episode_start_at
    group by clock_starts.notification_key

),

final as (

    select
        clock_starts.notification_key,
        persons.sex as child_sex,
        {{ age_in_years('persons.date_of_birth', 'clock_starts.clock_start_date') }} as child_age_at_notification,
        (get_safe_open.notification_key is not null) as get_safe_open,
        cast(coalesce(prior_episodes.missing_episodes_prior_90d, 0) as integer) as missing_episodes_prior_90d
    from clock_starts
    left join persons
        on clock_starts.person_id = persons.person_id
    left join get_safe_open
        on clock_starts.notification_key = get_safe_open.notification_key
    left join prior_episodes
        on clock_starts.notification_key = prior_episodes.notification_key

)

select * from final
