{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_articles(['int_article_stories'], date_column='article_date') }}",
    )
}}
-- Article-level relations: every unordered pair of countries the article's actors are coded
-- to (computed per article in int_article_country_pairs), with the article's date and the
-- story it belongs to (which a later copy of the story can change, so joined here).
with

pairs as (
    select * from {{ ref('int_article_country_pairs') }}
    {{ touched_articles_filter(['int_article_stories']) }}
),

stories as (
    select * from {{ ref('int_article_stories') }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

final as (
    select
        pairs.article_id,
        articles.article_date,
        stories.story_id,
        stories.is_story_original,
        stories.n_copies,
        pairs.country_a,
        pairs.country_b,
        pairs.n_sentences,
        pairs.n_events,
        pairs.n_statements,
        pairs.n_cooperation,
        pairs.n_conflict,
        pairs.n_cooperation_a_to_b,
        pairs.n_cooperation_b_to_a,
        pairs.n_conflict_a_to_b,
        pairs.n_conflict_b_to_a,
        pairs.mean_intensity,
        pairs.tone,
        pairs.score,
        pairs.polarity,
        pairs.evidence_sentence_ids
    from pairs
    inner join articles on pairs.article_id = articles.article_id
    inner join stories on pairs.article_id = stories.article_id
)

select * from final
