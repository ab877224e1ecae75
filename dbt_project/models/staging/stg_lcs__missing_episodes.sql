-- An event file: each night carries the rows changed in the last 14 days,
-- so a record comes many times. The latest modified_at wins, a tie goes to
-- the later night, and a record whose latest version is a deletion is gone.
with

source as (

    select * from {{ source('lcs', 'ssd_missing') }}

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
        {{ parse_id('miss_table_id') }} as missing_episode_id,
        {{ parse_id('miss_person_id') }} as person_id,
        {{ parse_timestamp('miss_missing_episode_start_date') }} as episode_start_at,
        {{ parse_text('miss_missing_episode_type') }} as episode_type,
        {{ parse_timestamp('miss_missing_episode_end_date') }} as episode_end_at,
        {{ parse_text('miss_missing_rhi_offered') }} as rhi_offered,
        {{ parse_text('miss_missing_rhi_accepted') }} as rhi_accepted,
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
            partition by missing_episode_id
            order by modified_at desc, extract_date desc, source_row desc
        ) as recency_rank
    from typed

),

final as (

    select
        missing_episode_id,
        person_id,
        episode_start_at,
        episode_type,
        episode_end_at,
        rhi_offered,
        rhi_accepted,
        modified_at
    from ranked
    where recency_rank = 1 and not is_deleted

)

select * from final
