{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_keys('iso3', 'country') }}",
    )
}}
-- depends_on: {{ ref('fct_actor_mentions') }}
with

countries as (
    select * from {{ ref('country_gazetteer') }}
    {{ touched_key_filter('iso3', 'country') }}
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ touched_key_filter('iso3', 'country', 'iso3 is not null') }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

mention_stats as (
    select
        mentions.iso3,
        count(*) as n_mentions,
        count(distinct mentions.article_id) as n_articles,
        min(articles.article_date) as first_seen_date,
        max(articles.article_date) as last_seen_date
    from mentions
    inner join articles on mentions.article_id = articles.article_id
    where mentions.iso3 is not null
    group by mentions.iso3
),

final as (
    select
        countries.iso3,
        countries.name as country_name,
        countries.capital,
        countries.alt_names,
        countries.demonyms,
        coalesce(mention_stats.n_mentions, 0) as n_mentions,
        coalesce(mention_stats.n_articles, 0) as n_articles,
        mention_stats.first_seen_date,
        mention_stats.last_seen_date
    from countries
    left join mention_stats on countries.iso3 = mention_stats.iso3
)

select * from final
