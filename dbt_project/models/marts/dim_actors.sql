{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_keys('actor_id', 'actor') }}",
    )
}}
-- depends_on: {{ ref('fct_actor_mentions') }}
-- One row per canonical actor (country, named person, body or place). Generic agents and
-- things are not actors (dim_agents counts the agents).
with

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ touched_key_filter('actor_id', 'actor', 'actor_id is not null') }}
),

per_actor as (
    select
        actor_id,
        any_value(kb_id) as kb_id,
        -- KB and country names are one per actor; other names the most frequent spelling,
        -- ties broken alphabetically.
        mode(actor_name order by actor_name) as actor_name,
        mode(actor_type order by actor_type) as actor_type,
        -- The country and sector the actor is most often coded to (each mention coded for
        -- its own day), ties alphabetically.
        mode(iso3 order by iso3) filter (where iso3 is not null) as country_iso3,
        mode(sector order by sector) filter (where sector is not null) as primary_sector,
        count(*) as n_mentions,
        count(distinct article_id) as n_articles,
        count(distinct mention_text) as n_name_forms,
        min(article_date) as first_seen_date,
        max(article_date) as last_seen_date
    from mentions
    group by actor_id
),

final as (
    select
        actor_id,
        actor_name,
        actor_type,
        kb_id,
        kb_id is not null as is_in_kb,
        country_iso3,
        primary_sector,
        n_mentions,
        n_articles,
        n_name_forms,
        first_seen_date,
        last_seen_date
    from per_actor
)

select * from final
