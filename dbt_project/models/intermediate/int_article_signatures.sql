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
    {{ changed_articles_filter(date_column='run_date') }}
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

word_positions as (
    select
        article_id,
        len(tokens) as n_tokens,
        unnest(tokens) as token,
        generate_subscripts(tokens, 1) as word_index
    from words
),

-- Shingle i is tokens i..i+4 joined by a space, for i up to len - 4 (or the whole text when
-- it has fewer than 5 words). Read with lead() over the unnested tokens: the same strings as
-- slicing the token list per position, for half the work.
shingle_texts as (
    select
        article_id,
        word_index,
        n_tokens,
        concat_ws(
            ' ',
            token,
            lead(token, 1) over by_position,
            lead(token, 2) over by_position,
            lead(token, 3) over by_position,
            lead(token, 4) over by_position
        ) as shingle_text
    from word_positions
    window by_position as (partition by article_id order by word_index)
),

shingles as (
    select distinct
        article_id,
        hash(shingle_text) as shingle
    from shingle_texts
    where word_index <= greatest(n_tokens - 4, 1)
    union all
    -- No word at all (or no text): the one shingle of the empty (or null) token list.
    select
        article_id,
        hash(array_to_string(tokens[1:5], ' ')) as shingle
    from words
    where coalesce(len(tokens), 0) = 0
),

-- The 20 MinHash values (seeds 1..20) in the same pass as the shingle set.
shingle_sets as (
    select
        article_id,
        count(*) as n_shingles,
        list(shingle order by shingle) as shingles,
        min(hash(shingle, 1::bigint)) as minhash_1,
        min(hash(shingle, 2::bigint)) as minhash_2,
        min(hash(shingle, 3::bigint)) as minhash_3,
        min(hash(shingle, 4::bigint)) as minhash_4,
        min(hash(shingle, 5::bigint)) as minhash_5,
        min(hash(shingle, 6::bigint)) as minhash_6,
        min(hash(shingle, 7::bigint)) as minhash_7,
        min(hash(shingle, 8::bigint)) as minhash_8,
        min(hash(shingle, 9::bigint)) as minhash_9,
        min(hash(shingle, 10::bigint)) as minhash_10,
        min(hash(shingle, 11::bigint)) as minhash_11,
        min(hash(shingle, 12::bigint)) as minhash_12,
        min(hash(shingle, 13::bigint)) as minhash_13,
        min(hash(shingle, 14::bigint)) as minhash_14,
        min(hash(shingle, 15::bigint)) as minhash_15,
        min(hash(shingle, 16::bigint)) as minhash_16,
        min(hash(shingle, 17::bigint)) as minhash_17,
        min(hash(shingle, 18::bigint)) as minhash_18,
        min(hash(shingle, 19::bigint)) as minhash_19,
        min(hash(shingle, 20::bigint)) as minhash_20
    from shingles
    group by article_id
),

-- Band b's key is the hash of the list of seeds 2b+1 and 2b+2's MinHash values.
signatures as (
    select
        article_id,
        [
            hash([minhash_1, minhash_2]),
            hash([minhash_3, minhash_4]),
            hash([minhash_5, minhash_6]),
            hash([minhash_7, minhash_8]),
            hash([minhash_9, minhash_10]),
            hash([minhash_11, minhash_12]),
            hash([minhash_13, minhash_14]),
            hash([minhash_15, minhash_16]),
            hash([minhash_17, minhash_18]),
            hash([minhash_19, minhash_20])
        ] as band_keys
    from shingle_sets
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
