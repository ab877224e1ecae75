-- The pipeline's health for readers, one row per night: accepted or
-- rejected (and by which stage), the gate's error and warning counts, rows
-- loaded, and whether a later night made a rejection good. No value from
-- the extract and no finding of the gate: counts and dates only. No wall-clock
-- time of the machine either (when a load ran): the same nights give the same mart.
with

nights as (

    select * from {{ ref('int_pipeline__nights') }}

),

final as (

    select
        cast(nights.extract_date as date) as extract_date,
        cast(nights.produced_at as timestamp) as produced_at,
        cast(nights.source_system as text) as source_system,
        cast(nights.load_type as text) as load_type,
        cast(nights.status as text) as status,
        cast(nights.rejected_stage as text) as rejected_stage,
        cast(nights.gate_errors as integer) as gate_errors,
        cast(nights.gate_warnings as integer) as gate_warnings,
        cast(nights.gate_expectations as integer) as gate_expectations,
        cast(nights.rows_loaded as bigint) as rows_loaded,
        nights.is_latest_accepted,
        cast(nights.later_accepted_extract_date as date) as later_accepted_extract_date,
        nights.is_made_good,
        {{ criteria_version() }} as criteria_version,
        cast(nights.as_of as timestamp) as as_of
    from nights

)

select * from final
