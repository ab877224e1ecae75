-- A snapshot file: the latest accepted night's file is the whole truth, so
-- a child absent from it is gone.
with

latest_night_rows as (

    {{ accepted_rows(
        source('lcs', 'ssd_person'),
        latest_night_only=true,
        scope_by=['pers_person_id', 'pers_person_id']
    ) }}

),

final as (

    select
        {{ parse_id('pers_person_id') }} as person_id,
        {{ parse_text('pers_sex') }} as sex,
        {{ parse_date('pers_dob') }} as date_of_birth,
        {{ parse_text('pers_ethnicity') }} as ethnicity
    from latest_night_rows

)

select * from final
