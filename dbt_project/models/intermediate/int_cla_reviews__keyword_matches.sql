-- Which missing keyword, if any, each current CLA review's summary contains,
-- by the same whole-word rule as case notes. A review has no link to an
-- episode: its keywords make it about every episode whose windows it falls in.
with

cla_reviews as (

    select * from {{ ref('stg_lcs__cla_reviews') }}

),

search_texts as (

    select
        cla_review_id,
        {{ keyword_search_text(['review_summary']) }} as search_text
    from cla_reviews

),

without_exclusions as (

    select
        cla_review_id,
        {{ remove_keyword_exclusions('search_text') }} as search_text
    from search_texts

),

matches as (

    select
        cla_review_id,
        {{ first_matched_keyword('search_text') }} as matched_keyword
    from without_exclusions

),

final as (

    select
        cla_reviews.cla_review_id,
        cla_reviews.person_id,
        cla_reviews.review_at,
        cla_reviews.is_cancelled,
        cla_reviews.chair_professional_id,
        cla_reviews.modified_at,
        matches.matched_keyword
    from cla_reviews
    inner join matches
        on cla_reviews.cla_review_id = matches.cla_review_id

)

select * from final
