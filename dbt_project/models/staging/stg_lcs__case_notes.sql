-- The current version of each case note; a note whose current version is a
-- deletion no longer counts at all.
with

case_note_versions as (

    select * from {{ ref('stg_lcs__case_note_versions') }}

),

final as (

    select
        case_note_id,
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
        modified_at,
        version_number,
        version_count
    from case_note_versions
    where is_current_version and not is_deleted

)

select * from final
