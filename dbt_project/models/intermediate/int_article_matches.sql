-- Pairs of articles that are copies of one story: MinHash bands (int_article_bands)
-- propose candidates, the exact word 5-gram shingle Jaccard decides (>= 0.6). Incremental:
-- a build compares only the changed runs' articles with every article (one hash join on
-- the band keys), and replaces the pairs that involve them; pairs of two unchanged
-- articles stay as they were.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles(['article_a', 'article_b']) }}",
    )
}}

with

signatures as (
    select * from {{ ref('int_article_signatures') }}
),

bands as (
    select * from {{ ref('int_article_bands') }}
),

changed_bands as (
    select * from {{ ref('int_article_bands') }}
    {{ changed_articles_filter() }}
),

candidates as (
    select distinct
        least(a.article_id, b.article_id) as article_a,
        greatest(a.article_id, b.article_id) as article_b
    from changed_bands as a
    inner join bands as b
        on
            a.band = b.band
            and a.band_key = b.band_key
            and a.article_id <> b.article_id
),

-- Only the candidates' shingle sets are read (a shared CTE over every signature would be
-- materialised whole, shingle lists and all).
candidate_ids as (
    select article_a as article_id from candidates
    union
    select article_b from candidates
),

candidate_signatures as (
    select signatures.*
    from signatures
    semi join candidate_ids on signatures.article_id = candidate_ids.article_id
),

shared as (
    select
        candidates.article_a,
        candidates.article_b,
        sa.n_shingles as n_shingles_a,
        sb.n_shingles as n_shingles_b,
        len(list_intersect(sa.shingles, sb.shingles)) as n_shared
    from candidates
    inner join candidate_signatures as sa on candidates.article_a = sa.article_id
    inner join candidate_signatures as sb on candidates.article_b = sb.article_id
),

final as (
    select
        article_a,
        article_b,
        n_shared / (n_shingles_a + n_shingles_b - n_shared) as jaccard
    from shared
    where n_shared / (n_shingles_a + n_shingles_b - n_shared) >= 0.6
)

select * from final
