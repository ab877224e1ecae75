-- An event file: the latest modified_at wins, a tie goes to the later night,
-- and a notification whose latest version is a deletion is gone. A nightly
-- build reads the notifications of the scoped children's episodes only (the
-- episode, not the email, says whose a notification is).
with

accepted_rows as (

    {{ accepted_rows(source('lcs', 'missing_notifications'), scope_through={
        'key': 'mino_notification_id', 'link': 'mino_missing_id',
        'relation': source('lcs', 'ssd_missing'), 'linked_key': 'miss_table_id',
        'linked_person': 'miss_person_id'}) }}

),

typed as (

    select
        {{ parse_id('mino_notification_id') }} as notification_id,
        {{ parse_id('mino_missing_id') }} as missing_episode_id,
        {{ parse_id('mino_person_id') }} as person_id,
        {{ parse_timestamp('mino_sent_date') }} as sent_at,
        {{ parse_id('mino_sent_by_professional_id') }} as sent_by_professional_id,
        {{ event_file_columns() }}
    from accepted_rows

),

ranked as (

    select
        *,
        {{ latest_version_rank('notification_id') }} as recency_rank
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
