{{ config(materialized='table' if is_scoped_build() else 'view') }}
-- Only an IRO's notes can ever count, under either author scope, and they
-- are a small share of all case notes: keyword matching, the costliest step,
-- runs on these alone. A note is kept whole (every version) when any of its
-- versions was written by an IRO. A view, so the note text is not copied (a
-- table on a nightly build, which holds the notes of its new nights only).
with

case_note_versions as (

    select * from {{ ref('stg_lcs__case_note_versions') }}

),

iros as (

    select * from {{ ref('int_professionals__iros') }}

),

iro_notes as (

    select distinct case_note_versions.case_note_id
    from case_note_versions
    inner join iros
        on case_note_versions.author_professional_id = iros.professional_id

),

final as (

    select case_note_versions.*
    from case_note_versions
    inner join iro_notes
        on case_note_versions.case_note_id = iro_notes.case_note_id

)

select * from final
