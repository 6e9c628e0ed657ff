{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_articles(['int_article_stories'], date_column='article_date') }}",
    )
}}
-- One row per coded event (int_events_coded: actions from the parse and the event
-- dictionary; int_statement_events: a speaker towards a country named in the quote), with
-- its article, story and date, and the statement it sits in when it was said rather than done.
with

actions as (
    select * from {{ ref('int_events_coded') }}
    {{ touched_articles_filter(['int_article_stories']) }}
),

statement_events as (
    select * from {{ ref('int_statement_events') }}
    {{ touched_articles_filter(['int_article_stories']) }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

stories as (
    select * from {{ ref('int_article_stories') }}
),

statements as (
    select * exclude (run_date) from {{ ref('stg_news__statements') }}
),

events as (
    select * from actions
    union all by name
    select * from statement_events
),

-- The statement an action was said in: the quote or reported speech holding its verb
-- ("Russia warned it would strike Ukraine" vs "Russia struck Ukraine").
said_in as (
    select
        events.event_id,
        statements.statement_id
    from events
    inner join statements
        on
            events.article_id = statements.article_id
            and events.evidence_start >= statements.content_start
            and events.evidence_start < statements.content_end
    where events.event_kind = 'action'
    qualify row_number() over (
        partition by events.event_id
        -- the id breaks a tie: every build picks the same statement
        order by statements.content_end - statements.content_start asc, statements.statement_id asc
    ) = 1
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
        events.source_agent_id,
        events.source_iso3 as source_country_iso3,
        events.source_sector,
        events.target_actor_id,
        events.target_agent_id,
        events.target_iso3 as target_country_iso3,
        events.target_sector,
        least(events.source_iso3, events.target_iso3) as country_a,
        greatest(events.source_iso3, events.target_iso3) as country_b,
        events.cameo_code,
        events.plover_type,
        events.plover_mode,
        events.pattern_key,
        events.mood,
        coalesce(events.statement_id, said_in.statement_id) as statement_id,
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
    left join said_in on events.event_id = said_in.event_id
)

select * from final
