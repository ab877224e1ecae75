-- When a note counts: from the moment it was entered, as it stood then. A
-- version is about an episode through its link (that episode only) or, when
-- unlinked, through a keyword (any episode whose windows it falls in). For
-- each note still present (not deleted) and each such basis, this finds the
-- first version that had it: the earliest version counts from the note's
-- own time (footprint_time_field), a later one from its modified_at, so a
-- note rewritten weeks later to mention the episode counts from the rewrite.
with

case_note_versions as (

    select * from {{ ref('int_case_note_versions__in_build_scope') }}

),

present_notes as (

    select case_note_id
    from case_note_versions
    where is_current_version and not is_deleted

),

version_times as (

    select
        case_note_versions.case_note_id,
        case_note_versions.modified_at,
        case_note_versions.version_number,
        case_note_versions.linked_missing_episode_id,
        case_note_versions.matched_keyword,
        case
            when case_note_versions.version_number = 1
                then {{ note_counted_time('case_note_versions.created_at', 'case_note_versions.event_at') }}
            else greatest(
                {{ note_counted_time('case_note_versions.created_at', 'case_note_versions.event_at') }},
                case_note_versions.modified_at
            )
        end as version_counts_from_at
    from case_note_versions
    inner join present_notes
        on case_note_versions.case_note_id = present_notes.case_note_id
    where not case_note_versions.is_deleted

),

about_bases as (

    select
        case_note_id,
        'link' as about_basis,
        linked_missing_episode_id as about_missing_episode_id,
        matched_keyword,
        modified_at,
        version_number,
        version_counts_from_at
    from version_times
    where linked_missing_episode_id is not null

    union all

    select
        case_note_id,
        'keyword' as about_basis,
        cast(null as text) as about_missing_episode_id,
        matched_keyword,
        modified_at,
        version_number,
        version_counts_from_at
    from version_times
    where linked_missing_episode_id is null and matched_keyword is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by case_note_id, about_basis, about_missing_episode_id
            order by version_number
        ) as first_rank
    from about_bases

),

final as (

    select
        case_note_id,
        about_basis,
        about_missing_episode_id,
        version_counts_from_at as about_since_at,
        version_number as about_since_version_number,
        modified_at as about_since_version_modified_at,
        matched_keyword as about_since_matched_keyword
    from ranked
    where first_rank = 1

)

select * from final
