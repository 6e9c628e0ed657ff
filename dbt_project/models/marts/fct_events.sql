with

actions as (
    select * from {{ ref('int_events_coded') }}
),

statements as (
    select * from {{ ref('int_statement_events') }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

stories as (
    select * from {{ ref('int_article_stories') }}
),

events as (
    select * from actions
    union all by name
    select * from statements
),

final as (
    select
        events.event_id,
        events.event_kind,
        events.article_id,
        articles.article_date,
        stories.story_id,
        events.sentence_id,
        events.sentence_index,
        events.source_actor_id,
        events.source_iso3 as source_country_iso3,
        events.source_sector,
        events.target_actor_id,
        events.target_iso3 as target_country_iso3,
        events.target_sector,
        least(events.source_iso3, events.target_iso3) as country_a,
        greatest(events.source_iso3, events.target_iso3) as country_b,
        events.event_type,
        events.quad_class,
        events.intensity,
        events.lemma,
        events.verb_text,
        events.is_negated,
        events.tone,
        events.score,
        case
            when events.score > 0 then 'cooperation'
            when events.score < 0 then 'conflict'
            else 'neutral'
        end as polarity,
        events.evidence_start,
        events.evidence_end,
        events.source_start,
        events.source_end,
        events.target_start,
        events.target_end,
        events.parse_link
    from events
    inner join articles on events.article_id = articles.article_id
    inner join stories on events.article_id = stories.article_id
)

select * from final
