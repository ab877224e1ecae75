-- Staging reads a night's rows only once the quality gate accepted the
-- night: a rejected (or not yet gated) night stays in raw, unread. A base
-- model: every stg_ model joins it (macro accepted_rows), so staging models
-- depend on sources and base models only, never on each other.
with

extract_nights as (

    select * from {{ source('pipeline', 'extract_nights') }}

),

accepted as (

    select
        cast(extract_date as date) as extract_date,
        cast(produced_at as timestamp) as produced_at,
        cast(source_system as text) as source_system,
        cast(load_type as text) as load_type
    from extract_nights
    where status = 'accepted'

),

final as (

    select
        extract_date,
        produced_at,
        source_system,
        load_type,
        -- The snapshot files of this night are the whole truth.
        (extract_date = max(extract_date) over ()) as is_latest_night
    from accepted

)

select * from final
