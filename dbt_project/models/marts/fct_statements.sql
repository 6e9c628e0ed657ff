{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_articles(extra=speakers_recoded(), date_column='article_date') }}",
    )
}}
-- depends_on: {{ ref('int_touched_keys') }}
with

statements as (
    select * from {{ ref('int_statements_attributed') }}
    {{ touched_articles_filter() }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

actors as (
    select * from {{ ref('dim_actors') }}
),

final as (
    select
        statements.statement_id,
        statements.article_id,
        articles.article_date,
        statements.sentence_id,
        statements.sentence_index,
        statements.quote_text,
        statements.statement_kind,
        statements.cue,
        statements.speaker_text,
        statements.speaker_name,
        statements.speaker_actor_id,
        actors.actor_type as speaker_actor_type,
        actors.country_iso3 as speaker_country_iso3,
        actors.primary_sector as speaker_sector,
        statements.countries_in_quote,
        statements.content_start,
        statements.content_end,
        statements.cue_start,
        statements.cue_end,
        statements.speaker_start,
        statements.speaker_end
    from statements
    inner join articles on statements.article_id = articles.article_id
    left join actors on statements.speaker_actor_id = actors.actor_id
)

select * from final
