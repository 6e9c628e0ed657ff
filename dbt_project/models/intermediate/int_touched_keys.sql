{{
    config(
        materialized='table',
    )
}}
-- depends_on: {{ ref('fct_actor_mentions') }}
-- The keys the keyed marts re-aggregate on an incremental build (macros/incremental.sql):
-- the actors, agents and countries of the changed runs' mentions now, and of the mentions
-- a rerun removed (logged by fct_actor_mentions' pre-hook, so this runs after it). Computed
-- once per build: each keyed mart's pre-hook and select read this small table instead of
-- scanning int_mentions_resolved for the changed runs' articles (a dozen scans of every
-- mention, which grew with the archive).
with

changed_articles as (
    select
        article_id,
        article_date
    from {{ ref('stg_news__articles') }}
    where run_date in ({{ changed_run_dates() }})
),

resolved as (
    select * from {{ ref('int_mentions_resolved') }}
),

mentions as (
    select
        resolved.actor_id,
        resolved.agent_id,
        resolved.iso3
    from resolved
    -- The same date on both sides (int_mentions_resolved takes the article's): DuckDB
    -- pushes the changed articles' date range into the scan, whose zone maps skip the rest.
    inner join changed_articles
        on
            resolved.article_id = changed_articles.article_id
            and resolved.article_date = changed_articles.article_date
),

current_keys as (
    select
        unnest(['actor', 'agent', 'country']) as key_kind,
        unnest([actor_id, agent_id, iso3]) as key_id
    from mentions
),

removed_keys as (
    {{ logged_mention_keys() }}
),

final as (
    select
        key_kind,
        key_id
    from current_keys
    where key_id is not null
    union
    select
        key_kind,
        key_id
    from removed_keys
)

select * from final
