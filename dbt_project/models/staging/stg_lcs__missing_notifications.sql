-- An event file: the latest modified_at wins, a tie goes to the later night,
-- and a notification whose latest version is a deletion is gone.
with

source as (

    select * from {{ source('lcs', 'missing_notifications') }}

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
        {{ parse_id('mino_notification_id') }} as notification_id,
        {{ parse_id('mino_missing_id') }} as missing_episode_id,
        {{ parse_id('mino_person_id') }} as person_id,
        {{ parse_timestamp('mino_sent_date') }} as sent_at,
        {{ parse_id('mino_sent_by_professional_id') }} as sent_by_professional_id,
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
            partition by notification_id
            order by modified_at desc, extract_date desc, source_row desc
        ) as recency_rank
    from typed

),

final as (

    select
        notification_id,
        missing_episode_id,
        person_id,
        sent_at,
        sent_by_professional_id,
        modified_at
    from ranked
    where recency_rank = 1 and not is_deleted

)

select * from final
