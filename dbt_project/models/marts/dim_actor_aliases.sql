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
-- One row per canonical actor and name form seen in the articles ("Putin", "Vladimir
-- Putin", "Russian President Vladimir Putin" are three forms of one actor), with counts.
with

-- Per actor, name form and run month (int_actor_form_months), for the touched actors only:
-- a few rows per month, not every mention (macros/incremental.sql).
partials as (
    select * from {{ ref('int_actor_form_months') }}
    {{ touched_key_filter('actor_id', 'actor') }}
),

per_form as (
    select
        actor_id,
        name_form,
        sum(n_mentions)::bigint as n_mentions,
        -- An article is in one run, so in one month: the months' distinct counts add up.
        sum(n_articles)::bigint as n_articles,
        min(first_seen_date) as first_seen_date,
        max(last_seen_date) as last_seen_date
    from partials
    group by actor_id, name_form
),

final as (
    select
        md5(actor_id || '|' || name_form) as actor_alias_id,
        actor_id,
        name_form,
        n_mentions,
        n_articles,
        first_seen_date,
        last_seen_date
    from per_form
)

select * from final
