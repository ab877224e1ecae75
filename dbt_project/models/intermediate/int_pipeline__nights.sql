-- What each night means for readers: which stage rejected it, whether it is
-- the night the marts reflect, and, for a rejected night, the first night
-- accepted after it. The event files carry every change of the last
-- extract_window_days days (the contract's 14), so an accepted night within
-- that window brings the rejected night's changes again: the rejection is
-- made good. Counts and dates only.
with

extract_nights as (

    select * from {{ ref('stg_pipeline__extract_nights') }}

),

as_of as (

    select * from {{ ref('stg_pipeline__as_of') }}

),

accepted as (

    select extract_date
    from extract_nights
    where status = 'accepted'

),

later_accepted as (

    select
        rejected.extract_date,
        min(accepted.extract_date) as later_accepted_extract_date
    from extract_nights as rejected
    inner join accepted
        on rejected.extract_date < accepted.extract_date
    where rejected.status = 'rejected'
    group by rejected.extract_date

),

final as (

    select
        extract_nights.extract_date,
        extract_nights.produced_at,
        extract_nights.source_system,
        extract_nights.load_type,
        extract_nights.status,
        case
            when extract_nights.status = 'rejected'
                then coalesce(extract_nights.failed_stage, 'quality gate')
        end as rejected_stage,
        extract_nights.gate_errors,
        extract_nights.gate_warnings,
        extract_nights.gate_expectations,
        extract_nights.rows_loaded,
        coalesce(
            extract_nights.status = 'accepted'
            and extract_nights.extract_date = (select max(accepted.extract_date) from accepted),
            false
        ) as is_latest_accepted,
        later_accepted.later_accepted_extract_date,
        coalesce(
            later_accepted.later_accepted_extract_date
            <= extract_nights.extract_date + {{ var('extract_window_days', 14) }},
            false
        ) as is_made_good,
        as_of.as_of
    from extract_nights
    left join later_accepted
        on extract_nights.extract_date = later_accepted.extract_date
    left join as_of
        on true

)

select * from final
