{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_keys('iso3', 'country') }}",
    )
}}
-- depends_on: {{ ref('fct_actor_mentions') }}
-- depends_on: {{ ref('int_touched_keys') }}
with

countries as (
    select * from {{ ref('country_gazetteer') }}
    {{ touched_key_filter('iso3', 'country') }}
),

-- Per country and run month (int_country_mention_months), for the touched countries only.
partials as (
    select * from {{ ref('int_country_mention_months') }}
    {{ touched_key_filter('iso3', 'country') }}
),

mention_stats as (
    select
        iso3,
        sum(n_mentions)::bigint as n_mentions,
        -- An article is in one run, so in one month: the months' distinct counts add up.
        sum(n_articles)::bigint as n_articles,
        min(first_seen_date) as first_seen_date,
        max(last_seen_date) as last_seen_date
    from partials
    group by iso3
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
