-- Verb events: each source -> predicate -> target span of the parse (extract/events.py)
-- coded with the event dictionary seeds (scripts/build_event_dictionary.py):
-- * the first of the span's pattern keys (most specific first: "sign agreement", "agree (to
--   ceasefire", "~talk", "agree") found in event_patterns gives the CAMEO code, event_codes
--   its PLOVER type / mode, quad class and intensity;
-- * a threat ("will withdraw ... unless", "warned that it will expel ...")
--   is THREATEN (quad 3), negated or not;
-- * FIGHT against a civilian target (sector CVL, REF, ...) is ASSAULT, unless a weapon or
--   vehicle of an armed force is the source ("an army's jets killed villagers": PLOVER
--   FIGHT is conventional force, ASSAULT unconventional violence);
-- * intent ("would sanction", "would meet"): a cooperative action is AGREE (PLOVER:
--   express intent to cooperate), a material conflict action THREATEN, CAMEO code kept;
-- * negation: a negated cooperative event is REJECT (quad 3) scoring -intensity / 10, a
--   negated conflict event keeps its type and scores 0;
-- * source: an actor mention, or a first-person pronoun inside a quote (the quote's
--   speaker), or none for a passive without its agent; target: an actor mention, or none
--   for the types one actor carries out alone ("rebels surrendered":
--   event_codes.needs_target false); never the same actor; a place
--   ("in Tokyo") only in another country than the source's (a place at home leaves an
--   event that needs no target without one: "lifted the curfew in its capital").
-- Score: |intensity| / 10, negative for conflict (quad class 3, 4 after the rules above);
-- a negated conflict event scores 0.
{% set civilian_sectors %}
'CVL', 'REF', 'JRN', 'MED', 'EDU', 'REL', 'NGO', 'BUS', 'LAB', 'AGR', 'ELI'
{% endset %}
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
    select * exclude (run_date) from {{ ref('stg_news__event_spans') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

patterns as (
    select * from {{ ref('event_patterns') }}
),

codes as (
    select * from {{ ref('event_codes') }}
),

keys as (
    select
        event_span_id,
        unnest(string_split(pattern_keys, '|')) as pattern_key,
        generate_subscripts(string_split(pattern_keys, '|'), 1) as key_rank
    from spans
),

-- The most specific key the dictionary knows, per span.
matched as (
    select
        keys.event_span_id,
        keys.pattern_key,
        codes.cameo_code,
        codes.plover_type,
        codes.plover_mode,
        codes.event_type,
        codes.quad_class,
        codes.needs_target,
        codes.intensity
    from keys
    inner join patterns on keys.pattern_key = patterns.pattern_key
    inner join codes on patterns.cameo_code = codes.cameo_code
    qualify row_number() over (partition by keys.event_span_id order by keys.key_rank) = 1
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

speakers as (
    select * from {{ ref('int_statement_speakers') }}
    {{ changed_articles_filter() }}
),

tones as (
    select * exclude (run_date) from {{ ref('stg_news__tones') }}
    {{ changed_articles_filter(date_column='run_date') }}
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
        mentions.agent_id,
        -- Who the participant is, to tell a source from its own target: the canonical actor,
        -- else the generic agent ("Israeli officials"), else the mention.
        coalesce(
            mentions.actor_id, speakers.speaker_actor_id, mentions.agent_id,
            speakers.speaker_mention_id, mentions.mention_id
        ) as participant_key,
        coalesce(mentions.mention_kind, 'speaker') as mention_kind,
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
        -- the id breaks a tie: every build picks the same statement
        order by speakers.content_start desc nulls last, speakers.statement_id asc
    ) = 1
),

coded as (
    select
        spans.*,
        matched.pattern_key,
        matched.cameo_code,
        matched.plover_type,
        matched.plover_mode,
        case
            when spans.mood = 'threat' then 'THREATEN'
            when spans.is_negated and matched.quad_class in (1, 2) then 'REJECT'
            when spans.mood = 'intent' and matched.quad_class in (1, 2) then 'AGREE'
            when spans.mood = 'intent' and matched.quad_class = 4 then 'THREATEN'
            -- PLOVER: FIGHT is conventional armed force; against civilians, by people rather
            -- than by an army's aircraft or guns, ASSAULT.
            when
                matched.event_type = 'FIGHT'
                and tgt.sector in ({{ civilian_sectors }})
                and coalesce(src.mention_kind, '') <> 'thing'
                then 'ASSAULT'
            else matched.event_type
        end as event_type,
        case
            when spans.mood = 'threat' then 3
            when spans.is_negated and matched.quad_class in (1, 2) then 3
            when spans.mood = 'intent' and matched.quad_class in (1, 2) then 1
            when spans.mood = 'intent' and matched.quad_class = 4 then 3
            else matched.quad_class
        end as quad_class,
        matched.quad_class as action_quad_class,
        matched.intensity,
        src.mention_id as source_mention_id_resolved,
        src.actor_id as source_actor_id,
        src.agent_id as source_agent_id,
        src.iso3 as source_iso3,
        src.sector as source_sector,
        -- A place at home is no target ("lifted the curfew in its capital": the event stays,
        -- without one, when its type needs none; see the where clause).
        (
            spans.parse_link like '%place:%'
            and src.iso3 is not distinct from tgt.iso3
        ) as place_at_home,
        tgt.mention_id as target_mention_id_resolved,
        tgt.actor_id as target_actor_id,
        tgt.agent_id as target_agent_id,
        tgt.iso3 as target_iso3,
        tgt.sector as target_sector,
        coalesce(tones.tone, 0) as tone
    from spans
    inner join matched on spans.event_span_id = matched.event_span_id
    inner join participants as src
        on spans.event_span_id = src.event_span_id and src.side = 'source'
    inner join participants as tgt
        on spans.event_span_id = tgt.event_span_id and tgt.side = 'target'
    left join tones
        on spans.sentence_id = tones.span_id and tones.span_kind = 'sentence'
    where
        -- Actors are canonical actors or generic agents; a thing only with its country
        -- ("Israeli helicopters shelled": Israel's), never on its own ("a missile").
        -- No source: a passive without its agent ("three civilians were killed").
        (
            not spans.has_source
            or (
                src.participant_key is not null
                and (src.mention_kind <> 'thing' or src.iso3 is not null)
            )
        )
        and (
            not spans.has_target
            or (
                tgt.participant_key is not null
                and (tgt.mention_kind <> 'thing' or tgt.iso3 is not null)
            )
        )
        -- No target: a type one actor carries out alone, or a pattern more specific than
        -- the bare verb ("called off the strike", "imposed a blackout").
        and (
            spans.has_target
            or not matched.needs_target
            or matched.pattern_key <> spans.lemma
        )
        and tgt.participant_key is distinct from src.participant_key
        -- A place is a target only abroad ("set up a centre in Tokyo"), not at home.
        and not (
            spans.parse_link like '%place:%'
            and src.iso3 is not distinct from tgt.iso3
            and matched.needs_target
        )
    -- One event per predicate, source and target (a pair found twice in the parse).
    qualify row_number() over (
        partition by spans.article_id, spans.verb_start, spans.source_start, spans.target_start
        order by spans.event_index
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
        source_agent_id,
        source_mention_id_resolved as source_mention_id,
        source_iso3,
        source_sector,
        case when not place_at_home then target_actor_id end as target_actor_id,
        case when not place_at_home then target_agent_id end as target_agent_id,
        case when not place_at_home then target_mention_id_resolved end as target_mention_id,
        case when not place_at_home then target_iso3 end as target_iso3,
        case when not place_at_home then target_sector end as target_sector,
        lemma,
        verb_text,
        pattern_key,
        cameo_code,
        plover_type,
        plover_mode,
        mood,
        is_negated,
        event_type,
        quad_class,
        intensity,
        tone,
        case
            when is_negated and action_quad_class in (3, 4) then 0.0
            when quad_class in (3, 4) then -abs(intensity) / 10.0
            else abs(intensity) / 10.0
        end as score,
        verb_start as evidence_start,
        verb_end as evidence_end,
        source_start,
        source_end,
        case when not place_at_home then target_start end as target_start,
        case when not place_at_home then target_end end as target_end,
        parse_link
    from coded
)

select * from final
