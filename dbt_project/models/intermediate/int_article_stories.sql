-- Syndicated copies grouped into stories. Each article's text becomes a set of word
-- 5-gram shingles; 20 MinHash values in 10 bands of 2 propose candidate pairs, whose exact
-- shingle Jaccard decides: >= 0.6 is the same story. An article's story is its earliest
-- copy (date, then id) among itself and the articles it matches.
with

articles as (
    select * from {{ ref('stg_news__articles') }}
),

words as (
    select
        article_id,
        article_date,
        list_filter(
            string_split_regex(
                lower(regexp_replace(article_text, '[^[:alnum:][:space:]]', ' ', 'g')),
                '\s+'
            ),
            lambda w: w <> ''
        ) as tokens
    from articles
),

shingles as (
    select distinct
        words.article_id,
        hash(array_to_string(words.tokens[positions.i:positions.i + 4], ' ')) as shingle
    from words,
        unnest(generate_series(1, greatest(len(words.tokens) - 4, 1))) as positions (i)
),

shingle_counts as (
    select
        article_id,
        count(*) as n_shingles
    from shingles
    group by article_id
),

seeds as (
    select unnest(generate_series(1, 20)) as seed
),

minhashes as (
    select
        shingles.article_id,
        seeds.seed,
        min(hash(shingles.shingle, seeds.seed)) as minhash
    from shingles
    cross join seeds
    group by shingles.article_id, seeds.seed
),

bands as (
    select
        article_id,
        (seed - 1) // 2 as band,
        hash(list(minhash order by seed)) as band_key
    from minhashes
    group by article_id, (seed - 1) // 2
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
        count(*) as n_shared
    from candidates
    inner join shingles as sa on candidates.article_a = sa.article_id
    inner join shingles as sb
        on
            candidates.article_b = sb.article_id
            and sa.shingle = sb.shingle
    group by candidates.article_a, candidates.article_b
),

matches as (
    select
        shared.article_a,
        shared.article_b,
        shared.n_shared / (ca.n_shingles + cb.n_shingles - shared.n_shared) as jaccard
    from shared
    inner join shingle_counts as ca on shared.article_a = ca.article_id
    inner join shingle_counts as cb on shared.article_b = cb.article_id
    where shared.n_shared / (ca.n_shingles + cb.n_shingles - shared.n_shared) >= 0.6
),

links as (
    select
        article_id,
        article_id as copy_id
    from articles
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
    inner join articles as copies on links.copy_id = copies.article_id
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
