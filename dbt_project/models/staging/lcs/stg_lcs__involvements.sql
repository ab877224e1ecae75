-- A snapshot file: the latest accepted night's file is the whole truth, so
-- an allocation absent from it never happened as far as the audit knows.
with

latest_night_rows as (

    {{ accepted_rows(
        source('lcs', 'ssd_involvements'),
        latest_night_only=true,
        scope_by=['invo_involvements_id', 'invo_person_id']
    ) }}

),

final as (

    select
        {{ parse_id('invo_involvements_id') }} as involvement_id,
        {{ parse_id('invo_person_id') }} as person_id,
        {{ parse_id('invo_professional_id') }} as professional_id,
        {{ parse_text('invo_professional_role_id') }} as professional_role,
        {{ parse_text('invo_professional_team') }} as professional_team,
        {{ parse_timestamp('invo_involvement_start_date') }} as involvement_start_at,
        {{ parse_timestamp('invo_involvement_end_date') }} as involvement_end_at
    from latest_night_rows

)

select * from final
