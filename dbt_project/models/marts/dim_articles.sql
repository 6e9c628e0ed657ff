with

articles as (
    select * from {{ ref('stg_news__articles') }}
),

final as (
    select
        article_id,
        article_date,
        run_date,
        source_path,
        title,
        n_chars,
        article_text
    from articles
)

select * from final
