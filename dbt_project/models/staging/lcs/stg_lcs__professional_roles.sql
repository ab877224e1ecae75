-- A snapshot file, read whole: which roles each worker holds in the latest
-- accepted night's allocations, across every child. Who is an IRO is a fact
-- about the service, not about one child, so a nightly build reads it for
-- all children (a cover IRO's note on another child's file still counts as
-- an IRO's), and a change to it rebuilds everything
-- (footprint.transform.incremental).
with

latest_night_rows as (

    {{ accepted_rows(source('lcs', 'ssd_involvements'), latest_night_only=true) }}

),

final as (

    select distinct
        {{ parse_id('invo_professional_id') }} as professional_id,
        {{ parse_text('invo_professional_role_id') }} as professional_role
    from latest_night_rows

)

select * from final
