with

source as (
    select * from {{ source('news', 'rejects') }}
),

final as (
    select
        md5(run_date::varchar || '|' || path || '|' || coalesce(content_hash, '')) as file_id,
        run_date,
        path as source_path,
        content_hash,
        reason,
        detail
    from source
)

select * from final
