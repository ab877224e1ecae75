-- One row per missing notification, plus one per measured episode never
-- notified: the row every other figure is counted from. Its category is the
-- programme manager's reviewed one where there is a review, else the rule's
-- (computed_category, kept beside it). No free text, no
-- person id, no date of birth: the child is child_key, the evidence a
-- record id with the reason it counted.
with

measured as (

    select * from {{ ref('int_notifications__measured') }}
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
        measured.notification_key,
        measured.notification_id,
        measured.missing_episode_id,
        measured.child_key,
        measured.episode_type,
        measured.is_notified,
        measured.iro_professional_id,
        measured.iro_name,
        measured.iro_team,
        measured.episode_start_at,
        measured.episode_end_at,
        measured.notified_at,
        measured.clock_start_at,
        measured.period_date,
        measured.period_month,
        measured.notification_delay_hours,
        measured.due_at,
        measured.horizon_at,
        measured.footprint_category,
        measured.is_awaiting_footprint,
        measured.is_overdue,
        measured.is_final,
        measured.footprint_at,
        measured.working_hours_to_footprint,
        measured.evidence_source,
        measured.evidence_id,
        measured.evidence_at,
        measured.evidence_basis,
        measured.child_sex,
        measured.child_age_at_notification,
        measured.get_safe_open,
        measured.missing_episodes_prior_90d,
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
