-- The spec's "now" for the marts, one row: the rows that accumulate across
-- nights keep the as_of of the night that last worked them out, and the
-- marts show them all as of the latest accepted night.
with

as_of as (

    select * from {{ ref('stg_pipeline__as_of') }}

),

final as (

    select
        as_of,
        latest_extract_date
    from as_of

)

select * from final
