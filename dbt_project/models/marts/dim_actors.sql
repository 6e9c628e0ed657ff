{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_keys('actor_id', 'actor') }}",
    )
}}
-- depends_on: {{ ref('fct_actor_mentions') }}
-- depends_on: {{ ref('int_touched_keys') }}
-- One row per canonical actor (country, named person, body or place). Generic agents and
-- things are not actors (dim_agents counts the agents).
with

-- Per actor, run month and value (int_mention_value_months), for the touched actors only:
-- a few rows per month, not every mention (macros/incremental.sql).
partials as (
    select * from {{ ref('int_mention_value_months') }}
    {{ touched_key_filter('actor_id', 'actor', "key_kind = 'actor'", key_column='key_id') }}
),

totals as (
    select
        key_id as actor_id,
        sum(n_mentions)::bigint as n_mentions,
        -- An article is in one run, so in one month: the months' distinct counts add up.
        sum(n_articles)::bigint as n_articles,
        min(first_seen_date) as first_seen_date,
        max(last_seen_date) as last_seen_date
    from partials
    where attribute_name = 'all'
    group by key_id
),

per_value as (
    select
        key_id as actor_id,
        attribute_name,
        attribute_value,
        sum(n_mentions) as n_mentions
    from partials
    where attribute_name != 'all'
    group by key_id, attribute_name, attribute_value
),

per_attribute as (
    select
        actor_id,
        -- KB and country names are one per actor; other names the most frequent spelling.
        -- The most frequent value, ties broken alphabetically (as mode(x order by x)); the
        -- country and sector each mention is coded to for its own day.
        first(attribute_value order by n_mentions desc, attribute_value asc)
        filter (where attribute_name = 'name') as actor_name,
        first(attribute_value order by n_mentions desc, attribute_value asc)
        filter (where attribute_name = 'type') as actor_type,
        min(attribute_value) filter (where attribute_name = 'kb') as kb_id,
        first(attribute_value order by n_mentions desc, attribute_value asc)
        filter (where attribute_name = 'country') as country_iso3,
        first(attribute_value order by n_mentions desc, attribute_value asc)
        filter (where attribute_name = 'sector') as primary_sector,
        count(*) filter (where attribute_name = 'form') as n_name_forms
    from per_value
    group by actor_id
),

per_actor as (
    select
        totals.actor_id,
        per_attribute.kb_id,
        per_attribute.actor_name,
        per_attribute.actor_type,
        per_attribute.country_iso3,
        per_attribute.primary_sector,
        totals.n_mentions,
        totals.n_articles,
        coalesce(per_attribute.n_name_forms, 0) as n_name_forms,
        totals.first_seen_date,
        totals.last_seen_date
    from totals
    left join per_attribute on totals.actor_id = per_attribute.actor_id
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
