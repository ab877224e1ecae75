-- A snapshot file: the latest accepted night's file is the whole truth.
with

latest_night_rows as (

    {{ accepted_rows(
        source('lcs', 'service_involvements'),
        latest_night_only=true,
        scope_by=['serv_involvement_id', 'serv_person_id']
    ) }}

),

final as (

    select
        {{ parse_id('serv_involvement_id') }} as service_involvement_id,
        {{ parse_id('serv_person_id') }} as person_id,
        {{ parse_text('serv_service_name') }} as service_name,
        {{ parse_date('serv_start_date') }} as service_start_date,
        {{ parse_date('serv_end_date') }} as service_end_date
    from latest_night_rows

)

select * from final
