-- Syndicated copies grouped into stories. Each article's text becomes a set of word 5-gram
-- shingles; 20 MinHash values in 10 bands of 2 propose candidate pairs, whose exact
-- shingle Jaccard decides: >= 0.6 is the same story. An article's story is its earliest
-- copy (date, then id) among itself and the articles it matches. The text work is done per
-- article in int_article_signatures (incremental); this table only joins signatures.
with

signatures as (
    select * from {{ ref('int_article_signatures') }}
),

bands as (
    select
        article_id,
        unnest(generate_series(0, len(band_keys) - 1)) as band,
        unnest(band_keys) as band_key
    from signatures
),

candidates as (
    select distinct
        a.article_id as article_a,
        b.article_id as article_b
    from bands as a
    inner join bands as b
        on
            a.band = b.band
            and a.band_key = b.band_key
            and a.article_id < b.article_id
),

shared as (
    select
        candidates.article_a,
        candidates.article_b,
        sa.n_shingles as n_shingles_a,
        sb.n_shingles as n_shingles_b,
        len(list_intersect(sa.shingles, sb.shingles)) as n_shared
    from candidates
    inner join signatures as sa on candidates.article_a = sa.article_id
    inner join signatures as sb on candidates.article_b = sb.article_id
),

matches as (
    select
        article_a,
        article_b,
        n_shared / (n_shingles_a + n_shingles_b - n_shared) as jaccard
    from shared
    where n_shared / (n_shingles_a + n_shingles_b - n_shared) >= 0.6
),

links as (
    select
        article_id,
        article_id as copy_id
    from signatures
    union all
    select
        article_a,
        article_b
    from matches
    union all
    select
        article_b,
        article_a
    from matches
),

stories as (
    select
        links.article_id,
        arg_min(copies.article_id, (copies.article_date, copies.article_id)) as story_id
    from links
    inner join signatures as copies on links.copy_id = copies.article_id
    group by links.article_id
),

final as (
    select
        stories.article_id,
        stories.story_id,
        stories.article_id = stories.story_id as is_story_original,
        count(*) over (partition by stories.story_id) as n_copies
    from stories
)

select * from final
