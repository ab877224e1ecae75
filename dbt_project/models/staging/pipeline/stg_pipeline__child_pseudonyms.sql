-- The loader computes child_key (a keyed hash) outside SQL so the key never
-- reaches dbt; marts carry child_key, never the source person id.
with

child_pseudonyms as (

    select * from {{ source('pipeline', 'child_pseudonyms') }}

),

final as (

    select
        {{ parse_id('person_id') }} as person_id,
        cast(child_key as text) as child_key
    from child_pseudonyms

)

select * from final
