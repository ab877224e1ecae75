-- A snapshot file: the latest accepted night's file is the whole truth.
with

latest_night_rows as (

    {{ accepted_rows(source('lcs', 'ssd_professionals'), latest_night_only=true) }}

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
