-- Statement events: the speaker's country towards each other country named inside the
-- statement's content (a country word, or an actor coded to a country), scored by the tone
-- of its wording (VADER compound). Verbal cooperation (quad class 1) when the tone is
-- >= 0.05, verbal conflict (3) when <= -0.05, else no quad class. Every statement kind
-- counts (a ministry that "warned that ..." is evidence too), except a statement whose cue
-- is itself a coded action event ("condemned Iceland over the arrests"): counted once,
-- as the action.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles() }}",
    )
}}

with

speakers as (
    select * from {{ ref('int_statement_speakers') }}
    {{ changed_articles_filter() }}
),

statements as (
    select * exclude (run_date) from {{ ref('stg_news__statements') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

tones as (
    select * exclude (run_date) from {{ ref('stg_news__tones') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

actions as (
    select * from {{ ref('int_events_coded') }}
    {{ changed_articles_filter() }}
),

cued_by_an_action as (
    select distinct statements.statement_id
    from statements
    inner join actions
        on
            statements.article_id = actions.article_id
            and statements.cue_start < actions.evidence_end
            and statements.cue_end > actions.evidence_start
),

targets as (
    select
        speakers.statement_id,
        mentions.iso3 as target_iso3,
        mentions.mention_id as target_mention_id,
        mentions.actor_id as target_actor_id,
        mentions.sector as target_sector,
        mentions.start_char as target_start,
        mentions.end_char as target_end
    from speakers
    inner join mentions
        on
            speakers.article_id = mentions.article_id
            and speakers.content_start <= mentions.start_char
            and speakers.content_end >= mentions.end_char
    where
        speakers.speaker_iso3 is not null
        and mentions.iso3 is not null
        and mentions.iso3 <> speakers.speaker_iso3
        and speakers.statement_id not in (
            select cued_by_an_action.statement_id from cued_by_an_action
        )
    -- two mentions starting together ("Japan" and "Japanese firms"): the longer, then the
    -- id, so every build picks the same one
    qualify row_number() over (
        partition by speakers.statement_id, mentions.iso3
        order by mentions.start_char asc, mentions.end_char desc, mentions.mention_id asc
    ) = 1
),

final as (
    select
        targets.statement_id || ':' || targets.target_iso3 as event_id,
        'statement' as event_kind,
        targets.statement_id,
        speakers.article_id,
        statements.sentence_id,
        statements.sentence_index,
        speakers.speaker_actor_id as source_actor_id,
        speakers.speaker_mention_id as source_mention_id,
        speakers.speaker_iso3 as source_iso3,
        speakers.speaker_sector as source_sector,
        targets.target_actor_id,
        targets.target_mention_id,
        targets.target_iso3,
        targets.target_sector,
        lower(statements.cue) as lemma,
        statements.cue as verb_text,
        false as is_negated,
        'STATEMENT' as event_type,
        case
            when coalesce(tones.tone, 0) >= 0.05 then 1
            when coalesce(tones.tone, 0) <= -0.05 then 3
        end as quad_class,
        null::integer as intensity,
        coalesce(tones.tone, 0) as tone,
        coalesce(tones.tone, 0) as score,
        statements.content_start as evidence_start,
        statements.content_end as evidence_end,
        statements.speaker_start as source_start,
        statements.speaker_end as source_end,
        targets.target_start,
        targets.target_end,
        'quote' as parse_link
    from targets
    inner join speakers on targets.statement_id = speakers.statement_id
    inner join statements on targets.statement_id = statements.statement_id
    left join tones on targets.statement_id = tones.span_id and tones.span_kind = 'statement'
)

select * from final
