-- Every version of every case note, one row per (note, modified_at): the
-- spec's "when a note counts" rule needs to know which version first made a
-- note about an episode. Each night repeats the notes of the last 14 days,
-- so the same version arrives many times; the later night's copy is kept.
-- A nightly build reads the notes its new nights changed (every version of
-- each), not the children in scope: their keyword matches accumulate
-- (int_case_note_versions__keyword_matches), so a note's text is read again
-- only on a night that changes the note.
with

accepted_rows as (

    {{ accepted_rows(source('lcs', 'case_notes'), scope_by_record='cano_casenote_id') }}

),

typed as (

    select
        {{ parse_id('cano_casenote_id') }} as case_note_id,
        {{ parse_id('cano_person_id') }} as person_id,
        {{ parse_text('cano_type_code') }} as note_type_code,
        {{ parse_text('cano_type_desc') }} as note_type_desc,
        {{ parse_timestamp('cano_event_date') }} as event_at,
        {{ parse_timestamp('cano_created_date') }} as created_at,
        {{ parse_id('cano_created_by_professional_id') }} as author_professional_id,
        {{ parse_id('cano_linked_missing_id') }} as linked_missing_episode_id,
        {{ parse_flag('cano_child_seen') }} as is_child_seen,
        {{ parse_text('cano_subject') }} as subject,
        {{ parse_text('cano_text') }} as note_text,
        {{ event_file_columns() }}
    from accepted_rows

),

one_copy_per_version as (

    select
        *,
        {{ latest_version_rank(['case_note_id', 'modified_at']) }} as copy_rank
    from typed

),

versions as (

    select * from one_copy_per_version
    where copy_rank = 1

),

numbered as (

    select
        *,
        row_number() over (
            partition by case_note_id order by modified_at
        ) as version_number,
        count(*) over (partition by case_note_id) as version_count
    from versions

),

flagged as (

    select
        *,
        (version_number = version_count) as is_current_version
    from numbered

),

final as (

    select
        case_note_id,
        modified_at,
        version_number,
        version_count,
        is_current_version,
        is_deleted,
        person_id,
        note_type_code,
        note_type_desc,
        event_at,
        created_at,
        author_professional_id,
        linked_missing_episode_id,
        is_child_seen,
        subject,
        note_text,
        extract_date
    from flagged

)

select * from final
