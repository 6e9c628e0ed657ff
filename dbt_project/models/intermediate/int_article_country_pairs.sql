-- Article-level relations (per article, so incremental; fct_article_country_pairs adds the
-- article's date and story): every unordered pair of countries the article's actors are coded
-- to. Score = sum of its events' scores (verb intensity / 10, statement tone) plus half the
-- tone of each sentence naming both countries that carries no event between them. Sums and
-- means are rounded to 6 decimals so that reruns give identical tables.
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
    {{ changed_articles_filter(date_column='run_date') }}
),

events as (
    select * from {{ ref('fct_events') }}
    {{ changed_articles_filter() }}
),

tones as (
    select * exclude (run_date) from {{ ref('stg_news__tones') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

country_sentences as (
    select distinct
        article_id,
        sentence_id,
        iso3
    from mentions
    where iso3 is not null
),

article_pairs as (
    select distinct
        a.article_id,
        a.iso3 as country_a,
        b.iso3 as country_b
    from country_sentences as a
    inner join country_sentences as b
        on
            a.article_id = b.article_id
            and a.iso3 < b.iso3
),

sentence_pairs as (
    select
        a.article_id,
        a.sentence_id,
        a.iso3 as country_a,
        b.iso3 as country_b
    from country_sentences as a
    inner join country_sentences as b
        on
            a.sentence_id = b.sentence_id
            and a.iso3 < b.iso3
),

event_evidence as (
    select
        article_id,
        sentence_id,
        country_a,
        country_b,
        event_kind,
        score,
        intensity,
        tone,
        polarity,
        source_country_iso3 as source_iso3
    from events
    -- Relations are between two different countries (fct_events also holds domestic events
    -- and events with no target).
    where country_a is not null and country_b is not null and country_a <> country_b
),

-- Sentences naming both countries with no event between them: half their tone.
tone_evidence as (
    select
        sentence_pairs.article_id,
        sentence_pairs.sentence_id,
        sentence_pairs.country_a,
        sentence_pairs.country_b,
        'co-mention' as event_kind,
        0.5 * coalesce(tones.tone, 0) as score,
        null::integer as intensity,
        coalesce(tones.tone, 0) as tone,
        'neutral' as polarity,
        null::varchar as source_iso3
    from sentence_pairs
    left join tones on sentence_pairs.sentence_id = tones.span_id and tones.span_kind = 'sentence'
    anti join event_evidence
        on
            sentence_pairs.sentence_id = event_evidence.sentence_id
            and sentence_pairs.country_a = event_evidence.country_a
            and sentence_pairs.country_b = event_evidence.country_b
),

evidence as (
    select * from event_evidence
    union all
    select * from tone_evidence
),

sentence_weights as (
    select
        article_id,
        country_a,
        country_b,
        sentence_id,
        round(sum(score), 6) as sentence_score
    from evidence
    group by article_id, country_a, country_b, sentence_id
),

top_sentences as (
    select
        article_id,
        country_a,
        country_b,
        list(sentence_id order by abs(sentence_score) desc, sentence_id)[1:3]
            as evidence_sentence_ids
    from sentence_weights
    where sentence_score <> 0
    group by article_id, country_a, country_b
),

aggregated as (
    select
        article_id,
        country_a,
        country_b,
        count(*) filter (where event_kind = 'action') as n_events,
        count(*) filter (where event_kind = 'statement') as n_statements,
        count(*) filter (where polarity = 'cooperation') as n_cooperation,
        count(*) filter (where polarity = 'conflict') as n_conflict,
        -- Directed: who acted on whom (country_a is the alphabetically first country).
        count(*) filter (
            where polarity = 'cooperation' and source_iso3 = country_a
        ) as n_cooperation_a_to_b,
        count(*) filter (
            where polarity = 'cooperation' and source_iso3 = country_b
        ) as n_cooperation_b_to_a,
        count(*) filter (
            where polarity = 'conflict' and source_iso3 = country_a
        ) as n_conflict_a_to_b,
        count(*) filter (
            where polarity = 'conflict' and source_iso3 = country_b
        ) as n_conflict_b_to_a,
        round(avg(intensity), 6) as mean_intensity,
        round(avg(tone) filter (where event_kind <> 'co-mention'), 6) as mean_event_tone,
        round(sum(score), 6) as score
    from evidence
    group by article_id, country_a, country_b
),

sentence_counts as (
    select
        sentence_pairs.article_id,
        sentence_pairs.country_a,
        sentence_pairs.country_b,
        count(*) as n_sentences,
        round(avg(tones.tone), 6) as mean_tone
    from sentence_pairs
    left join tones on sentence_pairs.sentence_id = tones.span_id
    group by sentence_pairs.article_id, sentence_pairs.country_a, sentence_pairs.country_b
),

final as (
    select
        article_pairs.article_id,
        article_pairs.country_a,
        article_pairs.country_b,
        coalesce(sentence_counts.n_sentences, 0) as n_sentences,
        coalesce(aggregated.n_events, 0) as n_events,
        coalesce(aggregated.n_statements, 0) as n_statements,
        coalesce(aggregated.n_cooperation, 0) as n_cooperation,
        coalesce(aggregated.n_conflict, 0) as n_conflict,
        coalesce(aggregated.n_cooperation_a_to_b, 0) as n_cooperation_a_to_b,
        coalesce(aggregated.n_cooperation_b_to_a, 0) as n_cooperation_b_to_a,
        coalesce(aggregated.n_conflict_a_to_b, 0) as n_conflict_a_to_b,
        coalesce(aggregated.n_conflict_b_to_a, 0) as n_conflict_b_to_a,
        aggregated.mean_intensity,
        coalesce(aggregated.mean_event_tone, sentence_counts.mean_tone) as tone,
        coalesce(aggregated.score, 0) as score,
        case
            when aggregated.score > 0 then 'cooperation'
            when aggregated.score < 0 then 'conflict'
            else 'neutral'
        end as polarity,
        coalesce(top_sentences.evidence_sentence_ids, []) as evidence_sentence_ids
    from article_pairs
    left join aggregated
        on
            article_pairs.article_id = aggregated.article_id
            and article_pairs.country_a = aggregated.country_a
            and article_pairs.country_b = aggregated.country_b
    left join sentence_counts
        on
            article_pairs.article_id = sentence_counts.article_id
            and article_pairs.country_a = sentence_counts.country_a
            and article_pairs.country_b = sentence_counts.country_b
    left join top_sentences
        on
            article_pairs.article_id = top_sentences.article_id
            and article_pairs.country_a = top_sentences.country_a
            and article_pairs.country_b = top_sentences.country_b
)

select * from final
