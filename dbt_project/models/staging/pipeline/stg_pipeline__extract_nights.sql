-- Every night the loader recorded, accepted or not: the pipeline's own
-- bookkeeping, with no value from the extract. The gate's JSON summary is
-- read for its counts only; its findings (file keys, row numbers) are never
-- selected.
with

extract_nights as (

    select * from {{ source('pipeline', 'extract_nights') }}

),

final as (

    select
        cast(extract_date as date) as extract_date,
        cast(produced_at as timestamp) as produced_at,
        cast(source_system as text) as source_system,
        cast(load_type as text) as load_type,
        cast(status as text) as status,
        cast({{ json_sum_of_values('row_counts') }} as bigint) as rows_loaded,
        cast({{ json_text('validation_result', 'errors') }} as integer) as gate_errors,
        cast({{ json_text('validation_result', 'warnings') }} as integer) as gate_warnings,
        cast({{ json_text('validation_result', 'expectations') }} as integer) as gate_expectations,
        -- Set by a failed dbt build (footprint.nightly.build) in place of the gate's summary.
        cast({{ json_text('validation_result', 'stage') }} as text) as failed_stage
    from extract_nights

)

select * from final
