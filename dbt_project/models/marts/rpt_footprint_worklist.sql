-- The PM's chase list as of "now": every notification awaiting its
-- footprint and every overdue one, with its due time. Never-notified
-- episodes are not on it: there was no notification to answer.
with

notifications as (

    select * from {{ ref('fct_missing_notifications') }}

),

on_the_list as (

    select * from notifications
    where is_notified and (is_awaiting_footprint or is_overdue)

),

final as (

    select
        notification_key,
        notification_id,
        missing_episode_id,
        child_key,
        iro_professional_id,
        iro_name,
        iro_team,
        notified_at,
        due_at,
        horizon_at,
        cast(case when is_awaiting_footprint then 'awaiting' else 'overdue' end as text) as worklist_status,
        footprint_category,
        case
            when is_awaiting_footprint
                then {{ hours_from_seconds(seconds_between('as_of', 'due_at')) }}
        end as hours_until_due,
        case
            when is_overdue
                then {{ hours_from_seconds(seconds_between('due_at', 'as_of')) }}
        end as hours_overdue,
        criteria_version,
        as_of
    from on_the_list

)

select * from final
