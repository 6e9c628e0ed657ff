{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_relation_days() }}",
    )
}}
-- Day-level relations: article pairs summed per article date, each syndicated story once
-- (its earliest copy), with the number of copies. Counts are unordered (the pair) and
-- directed (A -> B: events whose source is country_a and target country_b, and back).
with

pairs as (
    select * from {{ ref('fct_article_country_pairs') }}
    {{ touched_days_filter('article_date') }}
),

originals as (
    select * from pairs
    where is_story_original
),

-- Each story's heaviest sentences, with their rank inside the story.
evidence as (
    select
        article_date,
        country_a,
        country_b,
        unnest(evidence_sentence_ids) as sentence_id,
        generate_subscripts(evidence_sentence_ids, 1) as weight_rank
    from originals
),

aggregated as (
    select
        article_date as relation_date,
        country_a,
        country_b,
        count(distinct story_id) as n_articles,
        sum(n_copies)::bigint as n_copies,
        sum(n_sentences)::bigint as n_sentences,
        sum(n_events)::bigint as n_events,
        sum(n_statements)::bigint as n_statements,
        sum(n_cooperation)::bigint as n_cooperation,
        sum(n_conflict)::bigint as n_conflict,
        sum(n_cooperation_a_to_b)::bigint as n_cooperation_a_to_b,
        sum(n_cooperation_b_to_a)::bigint as n_cooperation_b_to_a,
        sum(n_conflict_a_to_b)::bigint as n_conflict_a_to_b,
        sum(n_conflict_b_to_a)::bigint as n_conflict_b_to_a,
        -- Sums of decimals, not doubles: a double sum depends on the order the rows come in,
        -- so a rebuild could differ from an incremental build in the sixth decimal.
        round(
            sum((mean_intensity * n_events)::decimal(38, 9))
            / nullif(sum(n_events) filter (where mean_intensity is not null), 0),
            6
        )::double as mean_intensity,
        round(sum(tone::decimal(38, 9)) / count(tone), 6)::double as mean_tone,
        round(sum(score::decimal(38, 9)), 6)::double as net_score
    from originals
    group by article_date, country_a, country_b
),

top_evidence as (
    select
        article_date as relation_date,
        country_a,
        country_b,
        list(sentence_id order by weight_rank, sentence_id)[1:5] as evidence_sentence_ids
    from evidence
    group by article_date, country_a, country_b
),

final as (
    select
        md5(
            aggregated.relation_date::varchar
            || ':' || aggregated.country_a
            || ':' || aggregated.country_b
        ) as relation_id,
        aggregated.relation_date,
        aggregated.country_a,
        aggregated.country_b,
        aggregated.n_articles,
        aggregated.n_copies,
        aggregated.n_sentences,
        aggregated.n_events,
        aggregated.n_statements,
        aggregated.n_cooperation,
        aggregated.n_conflict,
        aggregated.n_cooperation_a_to_b,
        aggregated.n_cooperation_b_to_a,
        aggregated.n_conflict_a_to_b,
        aggregated.n_conflict_b_to_a,
        aggregated.mean_intensity,
        aggregated.mean_tone,
        aggregated.net_score,
        case
            when aggregated.net_score > 0 then 'cooperation'
            when aggregated.net_score < 0 then 'conflict'
            else 'neutral'
        end as net_polarity,
        coalesce(top_evidence.evidence_sentence_ids, []) as evidence_sentence_ids
    from aggregated
    left join top_evidence
        on
            aggregated.relation_date = top_evidence.relation_date
            and aggregated.country_a = top_evidence.country_a
            and aggregated.country_b = top_evidence.country_b
)

select * from final
