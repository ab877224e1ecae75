-- The candidate union: the IROs' notes and the reviews they chaired, in one
-- shape, beside each notification of the child, with whose record it is.
-- Under footprint_author_scope = allocated_iro only the expected IRO's
-- records count (a cover IRO's note is neither a footprint nor activity);
-- under any_iro any IRO's do (records are already limited to IROs' ones),
-- but a notification with no IRO allocated has nobody whose records count.
-- Only a case note can be of a footprint note type (footprint_note_types).
{%- set author_scope = criterion_choice('footprint_author_scope', ['allocated_iro', 'any_iro']) %}
{#- The record shape both sources give, unioned by name. #}
{%- set record_columns = [
    'notification_key', 'record_source', 'record_id', 'author_professional_id', 'record_type',
    'recorded_at', 'entered_at', 'current_version_number', 'current_version_modified_at', 'version_count',
    'is_child_seen', 'is_cancelled', 'linked_missing_episode_id', 'matched_keyword', 'about_basis',
    'is_about_episode', 'counts_from_at', 'counts_from_version_number', 'counts_from_version_modified_at',
] %}
{%- set author_in_scope = {
    'allocated_iro': 'coalesce(records.author_professional_id = windows.iro_professional_id, false)',
    'any_iro': '(windows.iro_professional_id is not null)',
}[author_scope] %}
with

windows as (

    select * from {{ ref('int_notifications__windows') }}

),

case_notes as (

    select * from {{ ref('int_case_notes__about_the_episode') }}

),

cla_reviews as (

    select * from {{ ref('int_cla_reviews__about_the_episode') }}

),

records as (

    select {{ record_columns | join(', ') }} from case_notes
    union all
    select {{ record_columns | join(', ') }} from cla_reviews

),

final as (

    select
        records.notification_key,
        records.record_source,
        records.record_id,
        records.author_professional_id,
        windows.iro_professional_id as expected_iro_professional_id,
        coalesce(records.author_professional_id = windows.iro_professional_id, false)
            as is_by_expected_iro,
        {{ author_in_scope }} as is_author_in_scope,
        records.record_type,
        (
            records.record_source = 'case_note'
            and coalesce(records.record_type in {{ sql_list(var('footprint_note_types')) }}, false)
        ) as is_footprint_note_type,
        records.recorded_at,
        records.entered_at,
        records.current_version_number,
        records.current_version_modified_at,
        records.version_count,
        records.is_child_seen,
        records.is_cancelled,
        records.linked_missing_episode_id,
        records.matched_keyword,
        records.about_basis,
        records.is_about_episode,
        records.counts_from_at,
        records.counts_from_version_number,
        records.counts_from_version_modified_at
    from records
    inner join windows
        on records.notification_key = windows.notification_key

)

select * from final
