-- Expected IRO: the IRO allocation open on the date of the notification.
-- Both ends of an allocation are included, compared as dates (an
-- allocation ending that day is still open); of two open ones, the one that
-- started last wins; none open means no IRO.
with

clock_starts as (

    select * from {{ ref('int_notifications__clock_starts') }}

),

involvements as (

    select * from {{ ref('stg_lcs__involvements') }}

),

iro_allocations as (

    select * from involvements
    where professional_role = {{ sql_string(var('iro_role_description')) }}

),

open_allocations as (

    select
        clock_starts.notification_key,
        iro_allocations.involvement_id,
        iro_allocations.professional_id,
        iro_allocations.professional_team,
        row_number() over (
            partition by clock_starts.notification_key
            order by iro_allocations.involvement_start_at desc, iro_allocations.involvement_id desc
        ) as start_recency_rank,
        count(*) over (partition by clock_starts.notification_key) as open_allocation_count
    from clock_starts
    inner join iro_allocations
        on
            clock_starts.person_id = iro_allocations.person_id
            and cast(iro_allocations.involvement_start_at as date) <= clock_starts.clock_start_date
            and (
                iro_allocations.involvement_end_at is null
                or cast(iro_allocations.involvement_end_at as date) >= clock_starts.clock_start_date
            )

),

final as (

    select
        clock_starts.notification_key,
        open_allocations.professional_id as iro_professional_id,
        open_allocations.involvement_id as iro_involvement_id,
        open_allocations.professional_team as iro_involvement_team,
        cast(coalesce(open_allocations.open_allocation_count, 0) as integer) as open_iro_allocations
    from clock_starts
    left join open_allocations
        on
            clock_starts.notification_key = open_allocations.notification_key
            and open_allocations.start_recency_rank = 1

)

select * from final
