-- Each actor's coded country, sector and title as versions over time: a version is valid
-- from the first article date it is seen until the next version of the same actor starts
-- (valid_to exclusive, null for the current one), so a role can change over a backfill.
with

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

versions as (
    select
        mentions.actor_id,
        mentions.iso3 as country_iso3,
        mentions.sector,
        mentions.role as title,
        min(articles.article_date) as valid_from,
        max(articles.article_date) as last_seen_date,
        count(*) as n_mentions
    from mentions
    inner join articles on mentions.article_id = articles.article_id
    where
        mentions.iso3 is not null
        or mentions.sector is not null
        or mentions.role is not null
    group by mentions.actor_id, mentions.iso3, mentions.sector, mentions.role
),

keyed as (
    select
        md5(
            actor_id
            || '|' || coalesce(country_iso3, '')
            || '|' || coalesce(sector, '')
            || '|' || coalesce(title, '')
        ) as actor_role_id,
        *
    from versions
),

final as (
    select
        actor_role_id,
        actor_id,
        country_iso3,
        sector,
        title,
        valid_from,
        lead(valid_from) over (
            partition by actor_id order by valid_from, last_seen_date, actor_role_id
        ) as valid_to,
        last_seen_date,
        n_mentions
    from keyed
)

select * from final
