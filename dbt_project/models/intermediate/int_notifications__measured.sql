-- fct_missing_notifications as it accumulates night after night, one row per notification, with
-- the child's person id: a nightly build replaces the rows of the children in
-- its scope (macros/build_scope.sql), a full build makes it anew. Its as_of is
-- the night's that last worked a row out; the mart shows the current one.
with

windows as (

    select * from {{ ref('int_notifications__windows') }}

),

states as (

    select * from {{ ref('int_notifications__states') }}

),

working_hours as (

    select * from {{ ref('int_notifications__working_hours') }}

),

child_facts as (

    select * from {{ ref('int_notifications__child_facts') }}

),

child_keys as (

    select * from {{ ref('int_notifications__child_keys') }}

),

iros as (

    select * from {{ ref('int_professionals__iros') }}

),

reviewed as (

    select * from {{ ref('int_notifications__reviewed') }}

),

final as (

    select
        cast(windows.notification_key as text) as notification_key,
        cast(windows.notification_id as text) as notification_id,
        cast(windows.missing_episode_id as text) as missing_episode_id,
        cast(child_keys.child_key as text) as child_key,
        cast(windows.episode_type as text) as episode_type,
        windows.is_notified,
        cast(windows.iro_professional_id as text) as iro_professional_id,
        cast(iros.professional_name as text) as iro_name,
        cast(coalesce(windows.iro_involvement_team, iros.department) as text) as iro_team,
        cast(windows.episode_start_at as timestamp) as episode_start_at,
        cast(windows.episode_end_at as timestamp) as episode_end_at,
        cast(windows.notified_at as timestamp) as notified_at,
        cast(windows.clock_start_at as timestamp) as clock_start_at,
        cast(windows.clock_start_date as date) as period_date,
        {{ month_of('windows.clock_start_date') }} as period_month,
        cast(case
            when windows.is_notified
                then {{ hours_from_seconds(seconds_between('windows.episode_start_at', 'windows.notified_at')) }}
        end as numeric(12, 2)) as notification_delay_hours,
        cast(windows.due_at as timestamp) as due_at,
        cast(windows.horizon_at as timestamp) as horizon_at,
        cast(reviewed.footprint_category as text) as footprint_category,
        reviewed.is_awaiting_footprint,
        reviewed.is_overdue,
        reviewed.is_final,
        cast(states.footprint_at as timestamp) as footprint_at,
        cast(working_hours.working_hours_to_footprint as numeric(12, 2)) as working_hours_to_footprint,
        cast(states.evidence_source as text) as evidence_source,
        cast(states.evidence_id as text) as evidence_id,
        cast(states.evidence_at as timestamp) as evidence_at,
        cast(states.evidence_basis as text) as evidence_basis,
        cast(child_facts.child_sex as text) as child_sex,
        cast(child_facts.child_age_at_notification as integer) as child_age_at_notification,
        child_facts.get_safe_open,
        cast(child_facts.missing_episodes_prior_90d as integer) as missing_episodes_prior_90d,
        {{ criteria_version() }} as criteria_version,
        cast(states.as_of as timestamp) as as_of,
        cast(reviewed.computed_category as text) as computed_category,
        reviewed.is_reviewed,
        cast(reviewed.reviewed_category as text) as reviewed_category,
        cast(reviewed.review_reason_code as text) as review_reason_code,
        cast(reviewed.reviewed_by as text) as reviewed_by,
        cast(reviewed.reviewed_at as timestamp) as reviewed_at,
        reviewed.review_is_stale,
        cast(windows.person_id as text) as person_id
    from windows
    inner join states
        on windows.notification_key = states.notification_key
    inner join reviewed
        on windows.notification_key = reviewed.notification_key
    inner join working_hours
        on windows.notification_key = working_hours.notification_key
    inner join child_facts
        on windows.notification_key = child_facts.notification_key
    left join child_keys
        on windows.notification_key = child_keys.notification_key
    left join iros
        on windows.iro_professional_id = iros.professional_id

)

select * from final
