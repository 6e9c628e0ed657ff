-- The MinHash band keys of int_article_signatures, one row per article and band, stored
-- (incremental, per article) so that int_article_matches probes them with the changed
-- articles' keys instead of unnesting every signature every night.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles() }}",
    )
}}

with

signatures as (
    select * from {{ ref('int_article_signatures') }}
    {{ changed_articles_filter() }}
),

final as (
    select
        article_id,
        unnest(generate_series(0, len(band_keys) - 1)) as band,
        unnest(band_keys) as band_key
    from signatures
)

select * from final
