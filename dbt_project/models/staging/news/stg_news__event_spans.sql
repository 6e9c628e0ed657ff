with

source as (
    select * from {{ source('news', 'event_spans') }}
),

final as (
    select
        article_id || ':e' || event_index::varchar as event_span_id,
        article_id,
        -- the run that loaded the article (the load writes it): a night's rows by zone map
        run_date,
        article_id || ':' || sentence_index::varchar as sentence_id,
        event_index,
        sentence_index,
        verb_text,
        verb_start,
        verb_end,
        lower(lemma) as lemma,
        coalesce(negated, false) as is_negated,
        link as parse_link,
        coalesce(mood, 'asserted') as mood,
        -- The event_patterns keys of the predicate, most specific first (extract/events.py).
        coalesce(pattern_keys, lower(lemma)) as pattern_keys,
        article_id || ':c' || source_cue_index::varchar as source_mention_id,
        source_start is not null as has_source,
        source_text,
        source_start,
        source_end,
        article_id || ':c' || target_cue_index::varchar as target_mention_id,
        target_start is not null as has_target,
        target_text,
        target_start,
        target_end
    from source
)

select * from final
