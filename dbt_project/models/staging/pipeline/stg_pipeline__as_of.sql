-- The spec's "now": time-dependent states use the produced_at of the latest
-- accepted night, never the clock of the machine running the pipeline, so a
-- rerun of an older night cannot turn the marts back in time.
with

accepted_nights as (

    select * from {{ ref('base_pipeline__accepted_nights') }}

),

final as (

    select
        max(produced_at) as as_of,
        max(extract_date) as latest_extract_date,
        count(*) as accepted_nights
    from accepted_nights
    -- No accepted night yet: no "now", and so no rows downstream.
    having count(*) > 0

)

select * from final
