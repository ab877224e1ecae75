-- Where each notification stands as of "now" (the latest accepted night's
-- produced_at): awaiting footprint while its due time has not passed and it
-- has no timely footprint yet (category left empty, it is not in the rate);
-- overdue once due has passed with only contact_not_about_missing or
-- no_footprint so far, until the horizon passes; final once timely or past
-- the horizon. Categories are recomputed from current records every night,
-- so "final" means no change expected, not frozen.
with

windows as (

    select * from {{ ref('int_notifications__windows') }}

),

categories as (

    select * from {{ ref('int_notifications__categories') }}

),

as_of as (

    select * from {{ ref('stg_pipeline__as_of') }}

),

flagged as (

    select
        windows.notification_key,
        windows.clock_start_at,
        windows.due_at,
        windows.horizon_at,
        categories.category_so_far,
        categories.evidence_source,
        categories.evidence_id,
        categories.evidence_at,
        categories.evidence_version_number,
        categories.evidence_version_modified_at,
        categories.evidence_basis,
        categories.footprint_at,
        as_of.as_of,
        (as_of.as_of >= windows.due_at) as is_due_passed,
        (as_of.as_of > windows.horizon_at) as is_horizon_passed
    from windows
    inner join categories
        on windows.notification_key = categories.notification_key
    cross join as_of

),

awaiting as (

    select
        *,
        (not is_due_passed and category_so_far <> 'timely_footprint') as is_awaiting_footprint
    from flagged

),

stated as (

    select
        *,
        case when not is_awaiting_footprint then category_so_far end as footprint_category,
        (
            is_due_passed
            and not is_horizon_passed
            and category_so_far in ('contact_not_about_missing', 'no_footprint')
        ) as is_overdue,
        (
            not is_awaiting_footprint
            and (category_so_far = 'timely_footprint' or is_horizon_passed)
        ) as is_final
    from awaiting

),

-- While awaiting, no evidence is shown either: the category is not decided.
final as (

    select
        notification_key,
        as_of,
        is_due_passed,
        is_horizon_passed,
        is_awaiting_footprint,
        footprint_category,
        category_so_far,
        is_overdue,
        is_final,
        clock_start_at,
        case when not is_awaiting_footprint then evidence_source end as evidence_source,
        case when not is_awaiting_footprint then evidence_id end as evidence_id,
        case when not is_awaiting_footprint then evidence_at end as evidence_at,
        case when not is_awaiting_footprint then evidence_version_number end as evidence_version_number,
        case when not is_awaiting_footprint then evidence_version_modified_at end as evidence_version_modified_at,
        case when not is_awaiting_footprint then evidence_basis end as evidence_basis,
        case when not is_awaiting_footprint then footprint_at end as footprint_at
    from stated

)

select * from final
