-- fct_footprint_evidence as it accumulates night after night, one row per notification and record, with
-- the child's person id: a nightly build replaces the rows of the children in
-- its scope (macros/build_scope.sql), a full build makes it anew. Its as_of is
-- the night's that last worked a row out; the mart shows the current one.
with

windows as (

    select * from {{ ref('int_notifications__windows') }}

),

expected_iro as (

    select * from {{ ref('int_notifications__expected_iro') }}

),

categories as (

    select * from {{ ref('int_notifications__categories') }}

),

reviewed as (

    select * from {{ ref('int_notifications__reviewed') }}

),

working_hours as (

    select * from {{ ref('int_notifications__working_hours') }}

),

child_keys as (

    select * from {{ ref('int_notifications__child_keys') }}

),

iros as (

    select * from {{ ref('int_professionals__iros') }}

),

candidates as (

    select * from {{ ref('int_footprint_candidates') }}

),

final as (

    select
        cast(
            windows.notification_key
            || coalesce(' ' || candidates.record_source || ':' || candidates.record_id, '')
            as text
        ) as evidence_key,
        cast(windows.notification_key as text) as notification_key,
        cast(windows.notification_id as text) as notification_id,
        cast(windows.missing_episode_id as text) as missing_episode_id,
        cast(child_keys.child_key as text) as child_key,
        cast(windows.episode_type as text) as episode_type,
        cast(windows.episode_start_at as timestamp) as episode_start_at,
        cast(windows.episode_end_at as timestamp) as episode_end_at,
        windows.is_notified,
        cast(windows.notified_at as timestamp) as notified_at,
        cast(windows.clock_start_at as timestamp) as clock_start_at,
        cast(windows.iro_professional_id as text) as iro_professional_id,
        cast(iros.professional_name as text) as iro_name,
        cast(windows.iro_involvement_id as text) as iro_involvement_id,
        cast(windows.iro_involvement_team as text) as iro_involvement_team,
        cast(expected_iro.open_iro_allocations as integer) as open_iro_allocations,
        cast(windows.due_date as date) as due_date,
        cast(windows.due_at as timestamp) as due_at,
        cast(windows.horizon_at as timestamp) as horizon_at,
        cast(windows.activity_from_at as timestamp) as activity_from_at,
        cast(reviewed.footprint_category as text) as footprint_category,
        cast(categories.category_so_far as text) as category_so_far,
        reviewed.is_awaiting_footprint,
        reviewed.is_overdue,
        reviewed.is_final,
        cast(categories.evidence_source as text) as evidence_source_so_far,
        cast(categories.evidence_id as text) as evidence_id_so_far,
        cast(categories.evidence_at as timestamp) as evidence_at_so_far,
        cast(categories.evidence_version_number as bigint) as evidence_version_number_so_far,
        cast(categories.evidence_basis as text) as evidence_basis_so_far,
        cast(categories.footprint_at as timestamp) as footprint_at_so_far,
        cast(working_hours.working_hours_to_footprint as numeric(12, 2)) as working_hours_to_footprint,
        cast(candidates.record_source as text) as record_source,
        cast(candidates.record_id as text) as record_id,
        cast(candidates.record_type as text) as record_type,
        cast(candidates.author_professional_id as text) as author_professional_id,
        candidates.is_by_expected_iro,
        candidates.is_author_in_scope,
        candidates.is_footprint_note_type,
        cast(candidates.recorded_at as timestamp) as recorded_at,
        cast(candidates.entered_at as timestamp) as entered_at,
        cast(candidates.current_version_number as bigint) as current_version_number,
        cast(candidates.current_version_modified_at as timestamp) as current_version_modified_at,
        cast(candidates.version_count as bigint) as version_count,
        candidates.is_child_seen,
        candidates.is_cancelled,
        cast(candidates.linked_missing_episode_id as text) as linked_missing_episode_id,
        cast(candidates.matched_keyword as text) as matched_keyword,
        cast(candidates.about_basis as text) as about_basis,
        candidates.is_about_episode,
        cast(candidates.counts_from_at as timestamp) as counts_from_at,
        cast(candidates.counts_from_version_number as bigint) as counts_from_version_number,
        cast(candidates.counts_from_version_modified_at as timestamp) as counts_from_version_modified_at,
        candidates.is_recorded_after_as_of,
        candidates.is_in_footprint_window,
        candidates.is_in_evidence_window,
        candidates.is_in_activity_window,
        cast(candidates.qualifies_as as text) as qualifies_as,
        cast(candidates.decision_reason as text) as decision_reason,
        {{ criteria_version() }} as criteria_version,
        cast(reviewed.as_of as timestamp) as as_of,
        cast(reviewed.computed_category as text) as computed_category,
        reviewed.is_reviewed,
        cast(reviewed.reviewed_category as text) as reviewed_category,
        cast(reviewed.review_reason_code as text) as review_reason_code,
        cast(reviewed.reviewed_by as text) as reviewed_by,
        cast(reviewed.reviewed_at as timestamp) as reviewed_at,
        reviewed.review_is_stale,
        cast(windows.person_id as text) as person_id
    from windows
    inner join expected_iro
        on windows.notification_key = expected_iro.notification_key
    inner join categories
        on windows.notification_key = categories.notification_key
    inner join reviewed
        on windows.notification_key = reviewed.notification_key
    inner join working_hours
        on windows.notification_key = working_hours.notification_key
    left join child_keys
        on windows.notification_key = child_keys.notification_key
    left join iros
        on windows.iro_professional_id = iros.professional_id
    left join candidates
        on windows.notification_key = candidates.notification_key

)

select * from final
