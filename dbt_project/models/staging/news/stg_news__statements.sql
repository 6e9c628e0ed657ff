with

source as (
    select * from {{ source('news', 'statements') }}
),

final as (
    select
        article_id || ':q' || statement_index::varchar as statement_id,
        article_id,
        article_id || ':' || sentence_index::varchar as sentence_id,
        statement_index,
        sentence_index,
        content_start,
        content_end,
        quote_text,
        cue,
        cue_start,
        cue_end,
        speaker_start,
        speaker_end,
        speaker_text,
        speaker_name,
        kind as statement_kind
    from source
)

select * from final
