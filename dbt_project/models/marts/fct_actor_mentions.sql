{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles() }}",
    )
}}

with

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ changed_articles_filter() }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

final as (
    select
        mentions.mention_id,
        mentions.article_id,
        articles.article_date,
        mentions.sentence_id,
        mentions.sentence_index,
        mentions.actor_id,
        mentions.actor_type,
        mentions.iso3 as country_iso3,
        mentions.sector,
        mentions.role,
        mentions.country_cue,
        mentions.entity_label,
        mentions.mention_text,
        mentions.start_char,
        mentions.end_char
    from mentions
    inner join articles on mentions.article_id = articles.article_id
)

select * from final
