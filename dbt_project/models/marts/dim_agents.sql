{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_keys('agent_id', 'agent') }}",
    )
}}
-- depends_on: {{ ref('fct_actor_mentions') }}
-- depends_on: {{ ref('int_touched_keys') }}
-- One row per generic agent: a country x sector ("Iranian officials", "the government" of
-- an article about Syria, "migrants"), the way ICEWS / Phoenix code role nouns. The agent's
-- mentions are in fct_actor_mentions (mention_kind = 'agent').
with

-- Per agent, run month and value (int_mention_value_months), for the touched agents only.
partials as (
    select * from {{ ref('int_mention_value_months') }}
    {{ touched_key_filter('agent_id', 'agent', "key_kind = 'agent'", key_column='key_id') }}
),

totals as (
    select
        key_id as agent_id,
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
        key_id as agent_id,
        attribute_name,
        attribute_value,
        sum(n_mentions) as n_mentions
    from partials
    where attribute_name != 'all'
    group by key_id, attribute_name, attribute_value
),

per_attribute as (
    select
        agent_id,
        -- Country and sector are one per agent (its key is made of them).
        min(attribute_value) filter (where attribute_name = 'country') as country_iso3,
        min(attribute_value) filter (where attribute_name = 'sector') as sector,
        -- The most frequent role word, ties alphabetically (as mode(x order by x)).
        first(attribute_value order by n_mentions desc, attribute_value asc)
        filter (where attribute_name = 'role') as top_role
    from per_value
    group by agent_id
),

per_agent as (
    select
        totals.agent_id,
        per_attribute.country_iso3,
        per_attribute.sector,
        per_attribute.top_role,
        totals.n_mentions,
        totals.n_articles,
        totals.first_seen_date,
        totals.last_seen_date
    from totals
    left join per_attribute on totals.agent_id = per_attribute.agent_id
),

final as (
    select
        agent_id,
        country_iso3,
        sector,
        coalesce(country_iso3, 'unknown country') || ' ' || coalesce(sector, 'unknown sector')
            as agent_name,
        top_role,
        n_mentions,
        n_articles,
        first_seen_date,
        last_seen_date
    from per_agent
)

select * from final
