{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_run_months() }}",
    )
}}
-- Partial aggregate of dim_actor_roles' text versions (macros/incremental.sql): one row per
-- canonical actor, country, sector, title (role) and run month, for mentions with any of
-- the three.
with

articles as (
    select * from {{ ref('stg_news__articles') }}
    {{ changed_run_months_filter() }}
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    where
        actor_id is not null
        and (iso3 is not null or sector is not null or role is not null)
),

final as (
    select
        mentions.actor_id,
        mentions.iso3,
        mentions.sector,
        mentions.role,
        strftime(articles.run_date, '%Y-%m') as run_month,
        min(mentions.article_date) as first_seen_date,
        max(mentions.article_date) as last_seen_date,
        count(*) as n_mentions
    from mentions
    -- The same date on both sides (int_mentions_resolved takes the article's): DuckDB
    -- pushes the month's date range into the scan, whose zone maps skip the other months.
    inner join articles
        on
            mentions.article_id = articles.article_id
            and mentions.article_date = articles.article_date
    group by
        mentions.actor_id,
        mentions.iso3,
        mentions.sector,
        mentions.role,
        strftime(articles.run_date, '%Y-%m')
)

select * from final
