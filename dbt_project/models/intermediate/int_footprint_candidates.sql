-- The audit trail: every candidate record (int_footprint_candidates__unioned)
-- in one of its notification's windows, with what it would make the category
-- on its own (qualifies_as) and why, in words (decision_reason). The
-- footprint window [clock start, due) and the evidence window [clock start,
-- horizon] judge a record by when it counts from as being about the episode,
-- never after "now"; the activity window [its start, horizon] by when it was
-- made, so activity before the notification counts there (finding 5). A
-- record whose author does not count, a cancelled review and a record made
-- after now qualify as nothing. The category is a choice among these rows
-- (int_notifications__categories). No free text.
{%- set author_scope = criterion_choice('footprint_author_scope', ['allocated_iro', 'any_iro']) %}
with

windows as (

    select * from {{ ref('int_notifications__windows') }}

),

records as (

    select * from {{ ref('int_footprint_candidates__unioned') }}

),

as_of as (

    select * from {{ ref('stg_pipeline__as_of') }}

),

placed as (

    select
        records.*,
        (records.recorded_at > as_of.as_of) as is_recorded_after_as_of,
        coalesce(records.counts_from_at > as_of.as_of, false) as is_counted_after_as_of,
        coalesce(
            records.counts_from_at >= windows.clock_start_at
            and records.counts_from_at < windows.due_at
            and records.counts_from_at <= as_of.as_of,
            false
        ) as is_in_footprint_window,
        coalesce(
            records.counts_from_at >= windows.clock_start_at
            and records.counts_from_at <= windows.horizon_at
            and records.counts_from_at <= as_of.as_of,
            false
        ) as is_in_evidence_window,
        (
            records.recorded_at >= windows.activity_from_at
            and records.recorded_at <= windows.horizon_at
        ) as is_in_activity_window,
        (records.counts_from_at < windows.clock_start_at) as is_about_before_notification
    from records
    inner join windows
        on records.notification_key = windows.notification_key
    cross join as_of

),

qualified as (

    select
        *,
        case
            when not is_author_in_scope or is_cancelled or is_recorded_after_as_of
                then cast(null as text)
            when is_about_episode and is_footprint_note_type and is_in_footprint_window
                then 'timely_footprint'
            when is_about_episode and is_in_evidence_window and record_source = 'cla_review'
                then 'discussed_at_review'
            when is_about_episode and is_in_evidence_window and is_child_seen
                then 'discussed_with_child'
            when is_about_episode and is_in_evidence_window
                then 'late_footprint'
            when is_in_activity_window
                then 'contact_not_about_missing'
        end as qualifies_as
    from placed
    -- Records in none of the windows say nothing about this notification.
    where is_in_activity_window or is_in_evidence_window

),

final as (

    select
        notification_key,
        record_source,
        record_id,
        author_professional_id,
        expected_iro_professional_id,
        is_by_expected_iro,
        is_author_in_scope,
        record_type,
        is_footprint_note_type,
        recorded_at,
        entered_at,
        current_version_number,
        current_version_modified_at,
        version_count,
        is_child_seen,
        is_cancelled,
        linked_missing_episode_id,
        matched_keyword,
        about_basis,
        is_about_episode,
        counts_from_at,
        counts_from_version_number,
        counts_from_version_modified_at,
        is_recorded_after_as_of,
        is_counted_after_as_of,
        is_in_footprint_window,
        is_in_evidence_window,
        is_in_activity_window,
        qualifies_as,
        case
            when expected_iro_professional_id is null
                then 'no IRO allocated at the notification: no_footprint'
            when not is_author_in_scope
                then 'not counted: author is not the allocated IRO ({{ author_scope }})'
            when is_cancelled
                then 'not counted: cancelled review'
            when is_recorded_after_as_of
                then 'not counted: recorded after now'
            when qualifies_as = 'timely_footprint'
                then 'footprint note about the episode, counted before due'
            when qualifies_as = 'discussed_at_review'
                then 'review about the episode, within the horizon'
            when qualifies_as = 'discussed_with_child'
                then 'note about the episode with the child seen, within the horizon'
            when qualifies_as = 'late_footprint' and is_footprint_note_type
                then 'footprint note about the episode, counted after due'
            when qualifies_as = 'late_footprint'
                then 'note about the episode (not a footprint note type), within the horizon'
            when qualifies_as = 'contact_not_about_missing' and is_about_before_notification
                then 'activity: about the episode but counted before the notification'
            when qualifies_as = 'contact_not_about_missing' and is_about_episode
                then 'activity: about the episode but counted after the horizon or after now'
            when qualifies_as = 'contact_not_about_missing'
                then 'activity: not about the episode (' || about_basis || ')'
            else 'not counted: outside the windows'
        end as decision_reason
    from qualified

)

select * from final
