-- Each article's text as a set of word 5-gram shingles (hashed) and its MinHash signature:
-- 20 MinHash values in 10 bands of 2, one key per band. Per article, so incremental: a
-- build recomputes only the articles of the changed runs. int_article_stories compares them.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles() }}",
    )
}}

with

articles as (
    select * from {{ ref('stg_news__articles') }}
    {{ changed_articles_filter() }}
),

words as (
    select
        article_id,
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

shingle_sets as (
    select
        article_id,
        count(*) as n_shingles,
        list(shingle order by shingle) as shingles
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

signatures as (
    select
        article_id,
        list(band_key order by band) as band_keys
    from bands
    group by article_id
),

final as (
    select
        articles.article_id,
        articles.article_date,
        shingle_sets.n_shingles,
        shingle_sets.shingles,
        signatures.band_keys
    from articles
    inner join shingle_sets on articles.article_id = shingle_sets.article_id
    inner join signatures on articles.article_id = signatures.article_id
)

select * from final
