{{ config(materialized='table' if is_scoped_build() else 'view') }}
-- The IROs' case note versions a build works out the notes about each episode
-- from: on a nightly build, every version of the notes any version of which
-- is on the file of a child in scope (the matches accumulate for every child);
-- on a full build, all of them.
with

case_note_versions as (

    select * from {{ ref('int_case_note_versions__keyword_matches') }}

),

{% if is_scoped_build() %}
notes_in_scope as (

    select distinct case_note_id
    from case_note_versions
    where {{ in_build_scope('person_id') }}

),

final as (

    select case_note_versions.*
    from case_note_versions
    inner join notes_in_scope
        on case_note_versions.case_note_id = notes_in_scope.case_note_id

)
{% else %}
final as (

    select * from case_note_versions

)
{% endif %}

select * from final
