-- An event file: the latest modified_at wins, a tie goes to the later night,
-- and a review whose latest version is a deletion is gone.
with

accepted_rows as (

    {{ accepted_rows(source('lcs', 'ssd_cla_reviews'), scope_by=['clar_cla_review_id', 'clar_cla_person_id']) }}

),

typed as (

    select
        {{ parse_id('clar_cla_review_id') }} as cla_review_id,
        {{ parse_id('clar_cla_person_id') }} as person_id,
        {{ parse_date('clar_cla_review_due_date') }} as review_due_date,
        {{ parse_timestamp('clar_cla_review_date') }} as review_at,
        {{ parse_flag('clar_cla_review_cancelled') }} as is_cancelled,
        {{ parse_id('clar_chair_professional_id') }} as chair_professional_id,
        {{ parse_text('clar_review_summary') }} as review_summary,
        {{ event_file_columns() }}
    from accepted_rows

),

ranked as (

    select
        *,
        {{ latest_version_rank('cla_review_id') }} as recency_rank
    from typed

),

final as (

    select
        cla_review_id,
        person_id,
        review_due_date,
        review_at,
        is_cancelled,
        chair_professional_id,
        review_summary,
        modified_at
    from ranked
    where recency_rank = 1 and not is_deleted

)

select * from final
