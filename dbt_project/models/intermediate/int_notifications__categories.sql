-- Each notification's footprint category by the spec's precedence, with the
-- record that decided it: a timely footprint (step 1); otherwise the
-- earliest record about the episode from the notification to the horizon,
-- ties in the order review, child seen, other note (step 2); otherwise any
-- activity in the activity window (step 3); otherwise no_footprint. With no
-- IRO allocated there is nobody whose footprint could count. The steps and
-- the tie order come from footprint_decision_order() (macros/categories.sql).
{%- set decision_order = footprint_decision_order() %}
with

windows as (

    select * from {{ ref('int_notifications__windows') }}

),

candidates as (

    select * from {{ ref('int_footprint_candidates') }}

),

stepped as (

    select
        *,
        case qualifies_as
            {%- for category, step in decision_order if step < 4 %}
            when '{{ category }}' then {{ step }}
            {%- endfor %}
        end as decision_step,
        -- The tie order at one moment.
        case qualifies_as
            {%- for category, step in decision_order if step < 4 %}
            when '{{ category }}' then {{ loop.index }}
            {%- endfor %}
        end as category_precedence,
        -- Within a step the earliest record decides: activity by when it
        -- was made, a record about the episode by when it counts from.
        case
            when qualifies_as = 'contact_not_about_missing' then recorded_at
            else counts_from_at
        end as decision_at
    from candidates
    where qualifies_as is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by notification_key
            order by decision_step, decision_at, category_precedence, record_source, record_id
        ) as decision_rank
    from stepped

),

deciding as (

    select
        *,
        case
            when about_basis = 'keyword' then 'keyword: ' || matched_keyword
            else about_basis
        end as evidence_basis,
        -- Only a record about the episode is a footprint; activity is not.
        case when decision_step in (1, 2) then counts_from_at end as footprint_at
    from ranked
    where decision_rank = 1

),

decided as (

    select
        windows.notification_key,
        windows.iro_professional_id,
        deciding.qualifies_as,
        deciding.record_source,
        deciding.record_id,
        deciding.decision_at,
        deciding.counts_from_version_number,
        deciding.counts_from_version_modified_at,
        deciding.evidence_basis,
        deciding.footprint_at
    from windows
    left join deciding
        on
            windows.notification_key = deciding.notification_key
            and windows.iro_professional_id is not null

),

categorised as (

    select
        *,
        coalesce(qualifies_as, 'no_footprint') as category_so_far
    from decided

),

final as (

    select
        notification_key,
        category_so_far,
        record_source as evidence_source,
        record_id as evidence_id,
        decision_at as evidence_at,
        counts_from_version_number as evidence_version_number,
        counts_from_version_modified_at as evidence_version_modified_at,
        evidence_basis,
        footprint_at
    from categorised

)

select * from final
