with

source as (
    select * from {{ source('news', 'sentences') }}
),

final as (
    select
        article_id || ':' || sentence_index::varchar as sentence_id,
        article_id,
        -- the run that loaded the article (the load writes it): a night's rows by zone map
        run_date,
        sentence_index,
        start_char,
        end_char,
        text as sentence_text
    from source
)

select * from final
