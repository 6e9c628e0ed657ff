{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ log_removed_mentions() }}",
            "{{ delete_changed_articles() }}",
        ],
    )
}}

with

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

final as (
    select
        mention_id,
        article_id,
        article_date,
        sentence_id,
        sentence_index,
        mention_kind,
        actor_id,
        agent_id,
        kb_id,
        actor_type,
        iso3 as country_iso3,
        sector,
        country_source,
        role,
        country_cue,
        entity_label,
        mention_text,
        start_char,
        end_char
    from mentions
)

select * from final
