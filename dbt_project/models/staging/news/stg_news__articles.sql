with

source as (
    select * from {{ source('news', 'articles') }}
),

final as (
    select
        article_id,
        article_date,
        run_date,
        path as source_path,
        content_hash,
        title,
        text as article_text,
        n_chars
    from source
)

select * from final
