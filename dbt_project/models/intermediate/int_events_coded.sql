-- Verb events: each source -> predicate -> target span of the parse whose lemma is in the
-- event_verbs seed (the verb's own, else its event-noun object's) and whose two actors are
-- coded to different countries. A first-person pronoun ("I", "we") inside a quote stands
-- for the quote's speaker. Score: the seed's
-- intensity / 10 (cooperation > 0 > conflict); a negated cooperation verb ("would not
-- allow") is conflict of the same strength, a negated conflict verb scores 0.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles() }}",
    )
}}

with

spans as (
    select * from {{ ref('stg_news__event_spans') }}
    {{ changed_articles_filter() }}
),

verbs as (
    select * from {{ ref('event_verbs') }}
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ changed_articles_filter() }}
),

speakers as (
    select * from {{ ref('int_statement_speakers') }}
    {{ changed_articles_filter() }}
),

tones as (
    select * from {{ ref('stg_news__tones') }}
    {{ changed_articles_filter() }}
),

sides as (
    select
        event_span_id,
        article_id,
        'source' as side,
        source_mention_id as mention_id,
        source_start as start_char,
        source_end as end_char
    from spans
    union all
    select
        event_span_id,
        article_id,
        'target' as side,
        target_mention_id as mention_id,
        target_start as start_char,
        target_end as end_char
    from spans
),

participants as (
    select
        sides.event_span_id,
        sides.side,
        coalesce(mentions.mention_id, speakers.speaker_mention_id) as mention_id,
        coalesce(mentions.actor_id, speakers.speaker_actor_id) as actor_id,
        coalesce(mentions.iso3, speakers.speaker_iso3) as iso3,
        coalesce(mentions.sector, speakers.speaker_sector) as sector
    from sides
    left join mentions on sides.mention_id = mentions.mention_id
    left join speakers
        on
            sides.mention_id is null
            and sides.article_id = speakers.article_id
            and sides.start_char >= speakers.content_start
            and sides.end_char <= speakers.content_end
    qualify row_number() over (
        partition by sides.event_span_id, sides.side
        order by speakers.content_start desc nulls last
    ) = 1
),

coded as (
    select
        spans.*,
        verbs.event_type,
        verbs.quad_class,
        verbs.intensity,
        src.mention_id as source_mention_id_resolved,
        src.actor_id as source_actor_id,
        src.iso3 as source_iso3,
        src.sector as source_sector,
        tgt.mention_id as target_mention_id_resolved,
        tgt.actor_id as target_actor_id,
        tgt.iso3 as target_iso3,
        tgt.sector as target_sector,
        coalesce(tones.tone, 0) as tone
    from spans
    inner join verbs on spans.lemma = verbs.lemma
    inner join participants as src
        on spans.event_span_id = src.event_span_id and src.side = 'source'
    inner join participants as tgt
        on spans.event_span_id = tgt.event_span_id and tgt.side = 'target'
    left join tones
        on spans.sentence_id = tones.span_id and tones.span_kind = 'sentence'
    where
        src.iso3 is not null
        and tgt.iso3 is not null
        and src.iso3 <> tgt.iso3
    -- One event per source, verb and target: the verb's own lemma before the lemmas of its
    -- event-noun object ("renewed negotiations"), the first the seed knows.
    qualify row_number() over (
        partition by spans.article_id, spans.verb_start, spans.source_start, spans.target_start
        order by spans.parse_link like 'nominal:%', spans.event_index
    ) = 1
),

final as (
    select
        event_span_id as event_id,
        'action' as event_kind,
        article_id,
        sentence_id,
        sentence_index,
        source_actor_id,
        source_mention_id_resolved as source_mention_id,
        source_iso3,
        source_sector,
        target_actor_id,
        target_mention_id_resolved as target_mention_id,
        target_iso3,
        target_sector,
        lemma,
        verb_text,
        is_negated,
        event_type,
        quad_class,
        intensity,
        tone,
        case
            when is_negated and quad_class in (3, 4) then 0.0
            when is_negated then -abs(intensity) / 10.0
            else intensity / 10.0
        end as score,
        verb_start as evidence_start,
        verb_end as evidence_end,
        source_start,
        source_end,
        target_start,
        target_end,
        parse_link
    from coded
)

select * from final
