with

source as (
    select * from {{ source('news', 'statements') }}
),

final as (
    select
        article_id || ':q' || statement_index::varchar as statement_id,
        article_id,
        -- the run that loaded the article (the load writes it): a night's rows by zone map
        run_date,
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
