{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_run_months() }}",
    )
}}
-- Partial aggregate of dim_countries (macros/incremental.sql): one row per country and run
-- month.
with

articles as (
    select * from {{ ref('stg_news__articles') }}
    {{ changed_run_months_filter() }}
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    where iso3 is not null
),

final as (
    select
        mentions.iso3,
        strftime(articles.run_date, '%Y-%m') as run_month,
        count(*) as n_mentions,
        count(distinct mentions.article_id) as n_articles,
        min(articles.article_date) as first_seen_date,
        max(articles.article_date) as last_seen_date
    from mentions
    -- The same date on both sides (int_mentions_resolved takes the article's): DuckDB
    -- pushes the month's date range into the scan, whose zone maps skip the other months.
    inner join articles
        on
            mentions.article_id = articles.article_id
            and mentions.article_date = articles.article_date
    group by mentions.iso3, strftime(articles.run_date, '%Y-%m')
)

select * from final
