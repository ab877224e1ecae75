-- About the episode, for case notes: each IRO's note on the child's file
-- (current version, not deleted) beside each notification of the child whose
-- windows it can fall in, and whether and why it is about that episode: a link
-- decides, for the linked episode only; an unlinked note with a keyword is
-- about every episode of the child. It counts from the first version that made
-- it so (int_case_notes__about_missing_since), by link or keyword, whichever
-- first. A pair made before the activity window and about the episode from
-- before its clock start, or not at all, is in none: on long files, most pairs.
with

windows as (

    select * from {{ ref('int_notifications__windows') }}

),

case_note_versions as (

    select * from {{ ref('int_case_note_versions__in_build_scope') }}

),

about_missing_since as (

    select * from {{ ref('int_case_notes__about_missing_since') }}

),

iros as (

    select * from {{ ref('int_professionals__iros') }}

),

iro_notes as (

    select
        case_note_versions.*,
        {{ note_counted_time('case_note_versions.created_at', 'case_note_versions.event_at') }} as recorded_at
    from case_note_versions
    inner join iros
        on case_note_versions.author_professional_id = iros.professional_id
    where case_note_versions.is_current_version and not case_note_versions.is_deleted

),

note_pairs as (

    -- A version counts no earlier than the note's own time, so a note
    -- recorded after the horizon can never fall in a window; earlier ones
    -- can, through a later rewrite.
    select
        iro_notes.*,
        windows.notification_key,
        windows.missing_episode_id,
        windows.clock_start_at,
        windows.activity_from_at,
        case
            when iro_notes.linked_missing_episode_id = windows.missing_episode_id
                then 'linked to this episode'
            when iro_notes.linked_missing_episode_id is not null
                then 'linked to another episode'
            when iro_notes.matched_keyword is not null
                then 'keyword'
            else 'no link and no keyword'
        end as about_basis
    from windows
    inner join iro_notes
        on
            windows.person_id = iro_notes.person_id
            and windows.horizon_at >= iro_notes.recorded_at

),

since as (

    select
        note_pairs.*,
        link_since.about_since_at as link_since_at,
        link_since.about_since_version_number as link_since_version_number,
        link_since.about_since_version_modified_at as link_since_version_modified_at,
        keyword_since.about_since_at as keyword_since_at,
        keyword_since.about_since_version_number as keyword_since_version_number,
        keyword_since.about_since_version_modified_at as keyword_since_version_modified_at,
        (note_pairs.about_basis in ('linked to this episode', 'keyword')) as is_about_episode,
        -- The note counts from the first version that made it about this
        -- episode, by link or by keyword, whichever came first.
        (
            link_since.about_since_at is not null
            and (keyword_since.about_since_at is null or link_since.about_since_at <= keyword_since.about_since_at)
        ) as is_counted_from_link_version
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
    -- It counts from the earlier of the two.
    where
        note_pairs.recorded_at >= note_pairs.activity_from_at
        or (
            note_pairs.about_basis in ('linked to this episode', 'keyword')
            and least(link_since.about_since_at, keyword_since.about_since_at) >= note_pairs.clock_start_at
        )

),

final as (

    select
        notification_key,
        'case_note' as record_source,
        case_note_id as record_id,
        author_professional_id,
        note_type_code as record_type,
        recorded_at,
        created_at as entered_at,
        version_number as current_version_number,
        modified_at as current_version_modified_at,
        version_count,
        is_child_seen,
        false as is_cancelled,
        linked_missing_episode_id,
        matched_keyword,
        about_basis,
        is_about_episode,
        case
            when not is_about_episode then cast(null as timestamp)
            when is_counted_from_link_version then link_since_at
            else keyword_since_at
        end as counts_from_at,
        case
            when not is_about_episode then cast(null as bigint)
            when is_counted_from_link_version then link_since_version_number
            else keyword_since_version_number
        end as counts_from_version_number,
        case
            when not is_about_episode then cast(null as timestamp)
            when is_counted_from_link_version then link_since_version_modified_at
            else keyword_since_version_modified_at
        end as counts_from_version_modified_at
    from since

)

select * from final
