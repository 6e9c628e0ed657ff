-- Each entity mention resolved to one canonical actor: countries through the gazetteer
-- (name, alternative name, demonym or capital), people by their fullest name in the
-- article, everything else by its normalised text.
with

mentions as (
    select * from {{ ref('stg_news__entity_mentions') }}
),

aliases as (
    select * from {{ ref('country_aliases') }}
),

countries as (
    select * from {{ ref('country_gazetteer') }}
),

coded as (
    select
        mentions.*,
        aliases.iso3,
        aliases.alias_type
    from mentions
    left join aliases
        on
            mentions.mention_key = aliases.alias
            -- A person or organisation named like a place stays a person or organisation.
            and mentions.entity_label in ('GPE', 'NORP', 'LOC', 'FAC', 'ORG')
),

named as (
    select
        coded.*,
        case
            when coded.iso3 is not null then 'country'
            when coded.entity_label = 'PERSON' then 'person'
            when coded.entity_label = 'ORG' then 'organisation'
            when coded.entity_label = 'NORP' then 'group'
            else 'location'
        end as actor_type,
        case
            when coded.iso3 is not null then countries.name
            else
                regexp_replace(
                    regexp_replace(trim(coded.canonical_name), '^(?i:the)\s+', ''),
                    '[''’]s$', ''
                )
        end as actor_name
    from coded
    left join countries on coded.iso3 = countries.iso3
),

final as (
    select
        *,
        md5(actor_type || ':' || lower(coalesce(iso3, actor_name))) as actor_id
    from named
)

select * from final
