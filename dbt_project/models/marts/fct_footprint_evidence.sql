-- Why each notification got its category (`footprint explain`). Grain: one
-- row per notification and candidate record, or one row with empty record
-- columns when there is none, each repeating its notification's facts and
-- any review. No free text, person id or date of birth.
with

measured as (

    select * from {{ ref('int_footprint_evidence__measured') }}
    {%- if is_incremental() %}
    where {{ in_build_scope('person_id') }}
    {%- endif %}

),

as_of as (

    select * from {{ ref('int_pipeline__now') }}

),

-- A row the night did not work out again keeps its figures: only "now" moves.
final as (

    select
        measured.evidence_key,
        measured.notification_key,
        measured.notification_id,
        measured.missing_episode_id,
        measured.child_key,
        measured.episode_type,
        measured.episode_start_at,
        measured.episode_end_at,
        measured.is_notified,
        measured.notified_at,
        measured.clock_start_at,
        measured.iro_professional_id,
        measured.iro_name,
        measured.iro_involvement_id,
        measured.iro_involvement_team,
        measured.open_iro_allocations,
        measured.due_date,
        measured.due_at,
        measured.horizon_at,
        measured.activity_from_at,
        measured.footprint_category,
        measured.category_so_far,
        measured.is_awaiting_footprint,
        measured.is_overdue,
        measured.is_final,
        measured.evidence_source_so_far,
        measured.evidence_id_so_far,
        measured.evidence_at_so_far,
        measured.evidence_version_number_so_far,
        measured.evidence_basis_so_far,
        measured.footprint_at_so_far,
        measured.working_hours_to_footprint,
        measured.record_source,
        measured.record_id,
        measured.record_type,
        measured.author_professional_id,
        measured.is_by_expected_iro,
        measured.is_author_in_scope,
        measured.is_footprint_note_type,
        measured.recorded_at,
        measured.entered_at,
        measured.current_version_number,
        measured.current_version_modified_at,
        measured.version_count,
        measured.is_child_seen,
        measured.is_cancelled,
        measured.linked_missing_episode_id,
        measured.matched_keyword,
        measured.about_basis,
        measured.is_about_episode,
        measured.counts_from_at,
        measured.counts_from_version_number,
        measured.counts_from_version_modified_at,
        measured.is_recorded_after_as_of,
        measured.is_in_footprint_window,
        measured.is_in_evidence_window,
        measured.is_in_activity_window,
        measured.qualifies_as,
        measured.decision_reason,
        measured.criteria_version,
        cast(as_of.as_of as timestamp) as as_of,
        measured.computed_category,
        measured.is_reviewed,
        measured.reviewed_category,
        measured.review_reason_code,
        measured.reviewed_by,
        measured.reviewed_at,
        measured.review_is_stale
    from measured
    cross join as_of

)

select * from final
