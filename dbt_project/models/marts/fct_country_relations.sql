with

mentions as (
    select * from {{ ref('fct_actor_mentions') }}
),

country_sentences as (
    select distinct
        article_date,
        article_id,
        sentence_id,
        country_iso3
    from mentions
    where country_iso3 is not null
),

country_articles as (
    select distinct
        article_date,
        article_id,
        country_iso3
    from country_sentences
),

article_pairs as (
    select
        a.article_date,
        a.country_iso3 as country_a,
        b.country_iso3 as country_b,
        count(*) as n_articles
    from country_articles as a
    inner join country_articles as b
        on
            a.article_id = b.article_id
            and a.country_iso3 < b.country_iso3
    group by a.article_date, a.country_iso3, b.country_iso3
),

sentence_pairs as (
    select
        a.article_date,
        a.country_iso3 as country_a,
        b.country_iso3 as country_b,
        count(*) as n_sentences
    from country_sentences as a
    inner join country_sentences as b
        on
            a.sentence_id = b.sentence_id
            and a.country_iso3 < b.country_iso3
    group by a.article_date, a.country_iso3, b.country_iso3
),

final as (
    select
        md5(
            article_pairs.article_date::varchar
            || ':' || article_pairs.country_a
            || ':' || article_pairs.country_b
        ) as relation_id,
        article_pairs.article_date as relation_date,
        article_pairs.country_a,
        article_pairs.country_b,
        article_pairs.n_articles,
        coalesce(sentence_pairs.n_sentences, 0) as n_sentences
    from article_pairs
    left join sentence_pairs
        on
            article_pairs.article_date = sentence_pairs.article_date
            and article_pairs.country_a = sentence_pairs.country_a
            and article_pairs.country_b = sentence_pairs.country_b
)

select * from final
