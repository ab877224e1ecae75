-- A snapshot file: the latest accepted night's file is the whole truth.
with

source as (

    select * from {{ source('lcs', 'ssd_professionals') }}

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
        {{ parse_id('prof_professional_id') }} as professional_id,
        {{ parse_text('prof_professional_name') }} as professional_name,
        {{ parse_text('prof_professional_job_title') }} as job_title,
        {{ parse_text('prof_professional_department') }} as department
    from latest_night_rows

)

select * from final
