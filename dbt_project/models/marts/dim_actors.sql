with

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

per_actor as (
    select
        mentions.actor_id,
        -- The most frequent spelling of the canonical name, ties broken alphabetically.
        mode(mentions.actor_name order by mentions.actor_name) as actor_name,
        any_value(mentions.actor_type) as actor_type,
        -- The country and sector the actor is most often coded to, ties alphabetically.
        mode(mentions.iso3 order by mentions.iso3) filter (
            where mentions.iso3 is not null
        ) as country_iso3,
        mode(mentions.sector order by mentions.sector) filter (
            where mentions.sector is not null
        ) as primary_sector,
        count(*) as n_mentions,
        count(distinct mentions.article_id) as n_articles,
        min(articles.article_date) as first_seen_date,
        max(articles.article_date) as last_seen_date
    from mentions
    inner join articles on mentions.article_id = articles.article_id
    group by mentions.actor_id
),

final as (
    select * from per_actor
)

select * from final
