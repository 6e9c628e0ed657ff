with

source as (
    select * from {{ source('news', 'files') }}
),

final as (
    select
        md5(run_date::varchar || '|' || path || '|' || coalesce(content_hash, '')) as file_id,
        run_date,
        path as source_path,
        content_hash,
        size_bytes,
        status as file_status,
        article_id,
        article_date,
        reason,
        detail
    from source
)

select * from final
