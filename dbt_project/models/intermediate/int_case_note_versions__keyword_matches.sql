-- Which missing keyword, if any, each version of each IRO's case note
-- contains as a whole word or phrase in its subject or text, ignoring case,
-- once the exclusion phrases are removed. Matching per version (not only the current
-- one) lets the "when a note counts" rule find the version that first made
-- a note about an episode. The free text stops here: nothing downstream
-- carries it. It accumulates across nights: a nightly build matches again
-- the notes its new nights changed, and keeps the others' matches.
with

case_note_versions as (

    select * from {{ ref('int_case_note_versions__by_iros') }}

),

search_texts as (

    select
        case_note_id,
        modified_at,
        {{ keyword_search_text(['subject', 'note_text']) }} as search_text
    from case_note_versions

),

without_exclusions as (

    select
        case_note_id,
        modified_at,
        {{ remove_keyword_exclusions('search_text') }} as search_text
    from search_texts

),

matches as (

    select
        case_note_id,
        modified_at,
        {{ first_matched_keyword('search_text') }} as matched_keyword
    from without_exclusions

),

final as (

    select
        case_note_versions.case_note_id,
        case_note_versions.modified_at,
        case_note_versions.version_number,
        case_note_versions.version_count,
        case_note_versions.is_current_version,
        case_note_versions.is_deleted,
        case_note_versions.person_id,
        case_note_versions.note_type_code,
        case_note_versions.event_at,
        case_note_versions.created_at,
        case_note_versions.author_professional_id,
        case_note_versions.linked_missing_episode_id,
        case_note_versions.is_child_seen,
        matches.matched_keyword
    from case_note_versions
    inner join matches
        on
            case_note_versions.case_note_id = matches.case_note_id
            and case_note_versions.modified_at = matches.modified_at

)

select * from final
