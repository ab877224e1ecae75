{{ config(alias='footprint_worklist') }}

-- The PM cannot chase a pseudonymous key: for the worklist's rows only, the
-- source person id the case system knows the child by. Built into
-- `restricted_build`; published to schema `restricted`, which only the IRO
-- service's role reads (never BI, never the marts file). The person id comes
-- from the accumulated rows: a nightly build works out again only some
-- children, and the worklist holds every child still awaited.
with

worklist as (

    select * from {{ ref('rpt_footprint_worklist') }}

),

measured as (

    select * from {{ ref('int_notifications__measured') }}

),

final as (

    select
        worklist.notification_key,
        worklist.notification_id,
        worklist.missing_episode_id,
        measured.person_id,
        worklist.child_key,
        worklist.iro_professional_id,
        worklist.iro_name,
        worklist.iro_team,
        worklist.notified_at,
        worklist.due_at,
        worklist.worklist_status,
        worklist.hours_until_due,
        worklist.hours_overdue,
        worklist.criteria_version,
        worklist.as_of
    from worklist
    inner join measured
        on
            worklist.notification_key = measured.notification_key
            and worklist.child_key = measured.child_key

)

select * from final
