{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_keys('actor_id', 'actor') }}",
    )
}}
-- depends_on: {{ ref('fct_actor_mentions') }}
-- One row per canonical actor and name form seen in the articles ("Putin", "Vladimir
-- Putin", "Russian President Vladimir Putin" are three forms of one actor), with counts.
with

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ touched_key_filter('actor_id', 'actor', 'actor_id is not null') }}
),

forms as (
    select
        actor_id,
        regexp_replace(
            regexp_replace(trim(mention_text), '^(?i:the)\s+', ''), '[''’]s$', ''
        ) as name_form,
        article_id,
        article_date
    from mentions
),

per_form as (
    select
        actor_id,
        name_form,
        count(*) as n_mentions,
        count(distinct article_id) as n_articles,
        min(article_date) as first_seen_date,
        max(article_date) as last_seen_date
    from forms
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
