-- Every record of an IRO's on the child's file that could bear on a
-- notification, with what it would mean on its own (qualifies_as) and why.
-- This is the audit trail `footprint explain` prints; the category is then
-- a plain choice among these rows. Rules applied here: which authors count
-- (footprint_author_scope), which records are about the episode (link, else
-- keyword), the footprint, evidence and activity windows, "records after
-- now are ignored", and "cancelled reviews are not activity".
{%- set author_scope = criterion_choice('footprint_author_scope', ['allocated_iro', 'any_iro']) %}
{#- allocated_iro: only the expected IRO's records; any_iro: any IRO's
    (records are already limited to IROs' ones), but a notification with no
    IRO allocated has nobody whose records count. #}
{%- set author_in_scope = {
    'allocated_iro': 'coalesce(records.author_professional_id = windows.iro_professional_id, false)',
    'any_iro': '(windows.iro_professional_id is not null)',
}[author_scope] %}
with

windows as (

    select * from {{ ref('int_notifications__windows') }}

),

case_note_versions as (

    select * from {{ ref('int_case_note_versions__keyword_matches') }}

),

about_missing_since as (

    select * from {{ ref('int_case_notes__about_missing_since') }}

),

cla_reviews as (

    select * from {{ ref('int_cla_reviews__keyword_matches') }}

),

iros as (

    select * from {{ ref('int_professionals__iros') }}

),

as_of as (

    select * from {{ ref('stg_pipeline__as_of') }}

),

iro_notes as (

    select
        case_note_versions.case_note_id,
        case_note_versions.person_id,
        case_note_versions.author_professional_id,
        case_note_versions.note_type_code,
        case_note_versions.linked_missing_episode_id,
        case_note_versions.is_child_seen,
        case_note_versions.matched_keyword,
        case_note_versions.version_number,
        case_note_versions.version_count,
        case_note_versions.modified_at,
        case_note_versions.created_at,
        {{ note_counted_time('case_note_versions.created_at', 'case_note_versions.event_at') }} as recorded_at
    from case_note_versions
    inner join iros
        on case_note_versions.author_professional_id = iros.professional_id
    where case_note_versions.is_current_version and not case_note_versions.is_deleted

),

iro_reviews as (

    select cla_reviews.*
    from cla_reviews
    inner join iros
        on cla_reviews.chair_professional_id = iros.professional_id
    where cla_reviews.review_at is not null

),

note_pairs as (

    -- A version counts no earlier than the note's own time, so a note
    -- recorded after the horizon can never fall in a window; earlier ones
    -- can, through a later rewrite.
    select
        windows.notification_key,
        windows.missing_episode_id,
        iro_notes.case_note_id,
        iro_notes.author_professional_id,
        iro_notes.note_type_code,
        iro_notes.linked_missing_episode_id,
        iro_notes.is_child_seen,
        iro_notes.matched_keyword,
        iro_notes.version_number,
        iro_notes.version_count,
        iro_notes.modified_at,
        iro_notes.created_at,
        iro_notes.recorded_at
    from windows
    inner join iro_notes
        on
            windows.person_id = iro_notes.person_id
            and windows.horizon_at >= iro_notes.recorded_at

),

note_candidates as (

    select
        note_pairs.notification_key,
        'case_note' as record_source,
        note_pairs.case_note_id as record_id,
        note_pairs.author_professional_id,
        note_pairs.note_type_code as record_type,
        note_pairs.recorded_at,
        note_pairs.created_at as entered_at,
        note_pairs.version_number as current_version_number,
        note_pairs.modified_at as current_version_modified_at,
        note_pairs.version_count,
        note_pairs.is_child_seen,
        false as is_cancelled,
        note_pairs.linked_missing_episode_id,
        note_pairs.matched_keyword,
        case
            when note_pairs.linked_missing_episode_id = note_pairs.missing_episode_id
                then 'linked to this episode'
            when note_pairs.linked_missing_episode_id is not null
                then 'linked to another episode'
            when note_pairs.matched_keyword is not null
                then 'keyword'
            else 'no link and no keyword'
        end as about_basis,
        link_since.about_since_at as link_since_at,
        link_since.about_since_version_number as link_since_version_number,
        link_since.about_since_version_modified_at as link_since_version_modified_at,
        keyword_since.about_since_at as keyword_since_at,
        keyword_since.about_since_version_number as keyword_since_version_number,
        keyword_since.about_since_version_modified_at as keyword_since_version_modified_at
    from note_pairs
    left join about_missing_since as link_since
        on
            note_pairs.case_note_id = link_since.case_note_id
            and link_since.about_basis = 'link'
            and note_pairs.missing_episode_id = link_since.about_missing_episode_id
    left join about_missing_since as keyword_since
        on
            note_pairs.case_note_id = keyword_since.case_note_id
            and keyword_since.about_basis = 'keyword'

),

note_candidates_timed as (

    -- The note counts from the first version that made it about this
    -- episode, by link or by keyword, whichever came first.
    select
        *,
        (link_since_at is not null and (keyword_since_at is null or link_since_at <= keyword_since_at))
            as is_counted_from_link_version
    from note_candidates
    where about_basis in ('linked to this episode', 'keyword')

    union all

    select
        *,
        false as is_counted_from_link_version
    from note_candidates
    where about_basis not in ('linked to this episode', 'keyword')

),

note_candidates_final as (

    select
        notification_key,
        record_source,
        record_id,
        author_professional_id,
        record_type,
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
        case
            when about_basis not in ('linked to this episode', 'keyword') then cast(null as timestamp)
            when is_counted_from_link_version then link_since_at
            else keyword_since_at
        end as counts_from_at,
        case
            when about_basis not in ('linked to this episode', 'keyword') then cast(null as bigint)
            when is_counted_from_link_version then link_since_version_number
            else keyword_since_version_number
        end as counts_from_version_number,
        case
            when about_basis not in ('linked to this episode', 'keyword') then cast(null as timestamp)
            when is_counted_from_link_version then link_since_version_modified_at
            else keyword_since_version_modified_at
        end as counts_from_version_modified_at
    from note_candidates_timed

),

review_candidates as (

    select
        windows.notification_key,
        'cla_review' as record_source,
        iro_reviews.cla_review_id as record_id,
        iro_reviews.chair_professional_id as author_professional_id,
        'CLA review' as record_type,
        iro_reviews.review_at as recorded_at,
        iro_reviews.review_at as entered_at,
        cast(null as bigint) as current_version_number,
        iro_reviews.modified_at as current_version_modified_at,
        cast(null as bigint) as version_count,
        false as is_child_seen,
        iro_reviews.is_cancelled,
        cast(null as text) as linked_missing_episode_id,
        iro_reviews.matched_keyword,
        case when iro_reviews.matched_keyword is not null then 'keyword' else 'no keyword' end as about_basis,
        case when iro_reviews.matched_keyword is not null then iro_reviews.review_at end as counts_from_at,
        cast(null as bigint) as counts_from_version_number,
        cast(null as timestamp) as counts_from_version_modified_at
    from windows
    inner join iro_reviews
        on
            windows.person_id = iro_reviews.person_id
            and windows.horizon_at >= iro_reviews.review_at
            and least(windows.activity_from_at, windows.clock_start_at) <= iro_reviews.review_at

),

records as (

    select * from note_candidates_final
    union all
    select * from review_candidates

),

scored as (

    select
        records.*,
        windows.iro_professional_id as expected_iro_professional_id,
        coalesce(records.author_professional_id = windows.iro_professional_id, false)
            as is_by_expected_iro,
        {{ author_in_scope }} as is_author_in_scope,
        (
            records.record_source = 'case_note'
            and coalesce(records.record_type in {{ sql_list(var('footprint_note_types')) }}, false)
        ) as is_footprint_note_type,
        (records.about_basis in ('linked to this episode', 'keyword')) as is_about_episode,
        (records.recorded_at > as_of.as_of) as is_recorded_after_as_of,
        coalesce(records.counts_from_at > as_of.as_of, false) as is_counted_after_as_of,
        -- A record counting from after "now" is not evidence yet.
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
    from scored

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
        -- The spec's precedence: a timely footprint first; otherwise the
        -- earliest record about the episode, a review before a note with the
        -- child seen before any other note at the same moment; otherwise
        -- any activity.
        case qualifies_as
            when 'timely_footprint' then 1
            when 'discussed_at_review' then 2
            when 'discussed_with_child' then 3
            when 'late_footprint' then 4
            when 'contact_not_about_missing' then 5
        end as category_precedence,
        case
            when qualifies_as = 'timely_footprint' then 1
            when qualifies_as in ('discussed_at_review', 'discussed_with_child', 'late_footprint') then 2
            when qualifies_as = 'contact_not_about_missing' then 3
        end as decision_step,
        case
            when qualifies_as = 'contact_not_about_missing' then recorded_at
            else counts_from_at
        end as decision_at,
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
    -- Records in none of the windows say nothing about this notification.
    where is_in_activity_window or is_in_evidence_window
)

select * from final
