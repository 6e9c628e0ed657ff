with

source as (
    select * from {{ source('news', 'entity_mentions') }}
),

final as (
    select
        article_id || ':m' || mention_index::varchar as mention_id,
        article_id,
        -- the run that loaded the article (the load writes it): a night's rows by zone map
        run_date,
        article_id || ':' || sentence_index::varchar as sentence_id,
        mention_index,
        sentence_index,
        label as entity_label,
        text as mention_text,
        start_char,
        end_char,
        canonical_name,
        -- Lookup key for gazetteers: lowercased, no leading "the", no possessive.
        regexp_replace(
            regexp_replace(lower(trim(text)), '^the\s+', ''),
            '[''’]s$', ''
        ) as mention_key
    from source
)

select * from final
