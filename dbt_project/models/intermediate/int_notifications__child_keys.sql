-- The child of each notification as the marts may name it: child_key, the
-- loader's keyed hash of the person id (computed outside SQL, so the key
-- never reaches dbt). The person id stays beside it for the restricted
-- worklist alone; every other mart carries child_key only.
with

clock_starts as (

    select * from {{ ref('int_notifications__clock_starts') }}

),

child_pseudonyms as (

    select * from {{ ref('stg_pipeline__child_pseudonyms') }}

),

final as (

    select
        clock_starts.notification_key,
        clock_starts.person_id,
        child_pseudonyms.child_key
    from clock_starts
    left join child_pseudonyms
        on clock_starts.person_id = child_pseudonyms.person_id

)

select * from final
