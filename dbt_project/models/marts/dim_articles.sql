{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles(date_column='run_date') }}",
    )
}}

with

articles as (
    select * from {{ ref('stg_news__articles') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

final as (
    select
        article_id,
        article_date,
        run_date,
        source_path,
        title,
        n_chars::bigint as n_chars,
        article_text
    from articles
)

select * from final
