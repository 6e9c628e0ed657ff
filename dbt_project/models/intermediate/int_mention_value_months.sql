{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_run_months() }}",
    )
}}
-- Partial aggregate of dim_actors and dim_agents (macros/incremental.sql): per key (an
-- actor or an agent) and run month, one 'all' row (value '') with the mentions, distinct
-- articles and first / last date, and one row per value of each attribute_name the marts take
-- the most frequent of (or count the distinct values of), with its mentions. The marts sum
-- the touched keys' months: mode() is the value with the most mentions, ties to the
-- smallest, which a sum of per-value counts gives exactly.
with

articles as (
    select * from {{ ref('stg_news__articles') }}
    {{ changed_run_months_filter() }}
),

resolved as (
    select * from {{ ref('int_mentions_resolved') }}
    where actor_id is not null or mention_kind = 'agent'
),

mentions as (
    select
        resolved.*,
        strftime(articles.run_date, '%Y-%m') as run_month
    from resolved
    -- The same date on both sides (int_mentions_resolved takes the article's): DuckDB
    -- pushes the month's date range into the scan, whose zone maps skip the other months.
    inner join articles
        on
            resolved.article_id = articles.article_id
            and resolved.article_date = articles.article_date
),

keyed as (
    select
        'actor' as key_kind,
        actor_id as key_id,
        run_month,
        article_id,
        article_date,
        -- The attributes dim_actors reads (kb: one per actor, its key is the KB id).
        ['name', 'type', 'kb', 'country', 'sector', 'form'] as attribute_names,
        [actor_name, actor_type, kb_id, iso3, sector, mention_text] as attribute_values
    from mentions
    where actor_id is not null
    union all
    select
        'agent' as key_kind,
        agent_id as key_id,
        run_month,
        article_id,
        article_date,
        -- dim_agents': country and sector are one per agent (its key is made of them).
        ['country', 'sector', 'role'] as attribute_names,
        [iso3, sector, role] as attribute_values
    from mentions
    where mention_kind = 'agent'
),

totals as (
    select
        key_kind,
        key_id,
        'all' as attribute_name,
        '' as attribute_value,
        run_month,
        count(*) as n_mentions,
        count(distinct article_id) as n_articles,
        min(article_date) as first_seen_date,
        max(article_date) as last_seen_date
    from keyed
    group by key_kind, key_id, run_month
),

attribute_rows as (
    select
        key_kind,
        key_id,
        run_month,
        unnest(attribute_names) as attribute_name,
        unnest(attribute_values) as attribute_value
    from keyed
),

per_value as (
    select
        key_kind,
        key_id,
        attribute_name,
        attribute_value,
        run_month,
        count(*) as n_mentions,
        null::bigint as n_articles,
        null::date as first_seen_date,
        null::date as last_seen_date
    from attribute_rows
    -- mode() and count(distinct) skip nulls.
    where attribute_value is not null
    group by key_kind, key_id, attribute_name, attribute_value, run_month
),

final as (
    select * from totals
    union all
    select * from per_value
)

select * from final
