-- An event file: the latest modified_at wins, a tie goes to the later night,
-- and a review whose latest version is a deletion is gone.
with

source as (

    select * from {{ source('lcs', 'ssd_cla_reviews') }}

),

accepted_nights as (

    select * from {{ ref('stg_pipeline__accepted_nights') }}

),

accepted_rows as (

    select source.*
    from source
    inner join accepted_nights
        on source._extract_date = accepted_nights.extract_date

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
        {{ parse_timestamp('modified_at') }} as modified_at,
        {{ parse_flag('is_deleted') }} as is_deleted,
        _extract_date as extract_date,
        _source_row as source_row
    from accepted_rows

),

ranked as (

    select
        *,
        row_number() over (
            partition by cla_review_id
            order by modified_at desc, extract_date desc, source_row desc
        ) as recency_rank
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
