-- A snapshot file: the latest accepted night's file is the whole truth, so
-- a child absent from it is gone.
with

source as (

    select * from {{ source('lcs', 'ssd_person') }}

),

accepted_nights as (

    select * from {{ ref('stg_pipeline__accepted_nights') }}

),

latest_night_rows as (

    select source.*
    from source
    inner join accepted_nights
        on source._extract_date = accepted_nights.extract_date
    where accepted_nights.is_latest_night

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
