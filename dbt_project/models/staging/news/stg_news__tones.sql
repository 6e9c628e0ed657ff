with

source as (
    select * from {{ source('news', 'tones') }}
),

final as (
    select
        article_id
        || case when span_kind = 'statement' then ':q' else ':' end
        || span_index::varchar as span_id,
        article_id,
        -- the run that loaded the article (the load writes it): a night's rows by zone map
        run_date,
        span_kind,
        span_index,
        start_char,
        end_char,
        tone
    from source
)

select * from final
