-- An event file: each night carries the rows changed in the last 14 days,
-- so a record comes many times. The latest modified_at wins, a tie goes to
-- the later night, and a record whose latest version is a deletion is gone.
with

accepted_rows as (

    {{ accepted_rows(source('lcs', 'ssd_missing'), scope_by=['miss_table_id', 'miss_person_id']) }}

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
        {{ event_file_columns() }}
    from accepted_rows

),

ranked as (

    select
        *,
        {{ latest_version_rank('missing_episode_id') }} as recency_rank
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
    -- The episode's child decides whose notification it is: a nightly build keeps its own.
    where recency_rank = 1 and not is_deleted and {{ in_build_scope('person_id') }}

)

select * from final
