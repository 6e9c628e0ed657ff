{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_keys('agent_id', 'agent') }}",
    )
}}
-- depends_on: {{ ref('fct_actor_mentions') }}
-- One row per generic agent: a country x sector ("Iranian officials", "the government" of
-- an article about Syria, "migrants"), the way ICEWS / Phoenix code role nouns. The agent's
-- mentions are in fct_actor_mentions (mention_kind = 'agent').
with

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ touched_key_filter('agent_id', 'agent', "mention_kind = 'agent'") }}
),

per_agent as (
    select
        agent_id,
        any_value(iso3) as country_iso3,
        any_value(sector) as sector,
        -- The most frequent role word, ties alphabetically: a readable label.
        mode(role order by role) filter (where role is not null) as top_role,
        count(*) as n_mentions,
        count(distinct article_id) as n_articles,
        min(article_date) as first_seen_date,
        max(article_date) as last_seen_date
    from mentions
    group by agent_id
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
