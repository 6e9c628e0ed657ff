{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_run_months() }}",
    )
}}
-- Partial aggregate of dim_actor_aliases (macros/incremental.sql): one row per canonical
-- actor, name form and run month.
with

articles as (
    select * from {{ ref('stg_news__articles') }}
    {{ changed_run_months_filter() }}
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    where actor_id is not null
),

forms as (
    select
        mentions.actor_id,
        {{ name_form('mentions.mention_text') }} as name_form,
        strftime(articles.run_date, '%Y-%m') as run_month,
        mentions.article_id,
        mentions.article_date
    from mentions
    -- The same date on both sides (int_mentions_resolved takes the article's): DuckDB
    -- pushes the month's date range into the scan, whose zone maps skip the other months.
    inner join articles
        on
            mentions.article_id = articles.article_id
            and mentions.article_date = articles.article_date
),

final as (
    select
        actor_id,
        name_form,
        run_month,
        count(*) as n_mentions,
        count(distinct article_id) as n_articles,
        min(article_date) as first_seen_date,
        max(article_date) as last_seen_date
    from forms
    group by actor_id, name_form, run_month
)

select * from final
