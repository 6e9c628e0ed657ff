-- Each actor mention (NER entity or NOMINAL role phrase from extract/actors.py) coded from
-- the article's own words and resolved to one canonical actor.
-- Country: the iso3 of the alias its country cue normalises to. Sector, first that applies:
-- the role's sector; a mention that is itself the country word is 'CVL' for a demonym,
-- else 'GOV'; a person is 'GOV'. Actors: country words are the country, people are their
-- fullest name in the article, everything else its normalised text.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles() }}",
    )
}}

with

cues as (
    select * from {{ ref('stg_news__actor_cues') }}
    {{ changed_articles_filter() }}
),

aliases as (
    select * from {{ ref('country_aliases') }}
),

roles as (
    select * from {{ ref('actor_role_sectors') }}
),

countries as (
    select * from {{ ref('country_gazetteer') }}
),

coded as (
    select
        cues.*,
        aliases.iso3,
        aliases.alias_type,
        roles.sector as role_sector,
        coalesce(
            aliases.iso3 is not null
            and cues.country_cue_start = cues.start_char
            and cues.country_cue_end = cues.end_char,
            false
        ) as is_country_word
    from cues
    left join aliases on cues.country_cue_key = aliases.alias
    left join roles on cues.role = roles.role
),

sectored as (
    select
        *,
        case
            when role_sector is not null then role_sector
            when is_country_word and alias_type = 'demonym' then 'CVL'
            when is_country_word then 'GOV'
            when entity_label = 'PERSON' then 'GOV'
        end as sector
    from coded
),

named as (
    select
        sectored.*,
        case
            when sectored.is_country_word then 'country'
            when sectored.entity_label = 'PERSON' then 'person'
            when sectored.entity_label = 'ORG' then 'organisation'
            when sectored.entity_label in ('NORP', 'NOMINAL') then 'group'
            else 'location'
        end as actor_type,
        case
            when sectored.is_country_word then countries.name
            else
                regexp_replace(
                    regexp_replace(trim(sectored.canonical_name), '^(?i:the)\s+', ''),
                    '[''’]s$', ''
                )
        end as actor_name,
        -- Lookup key for gazetteers: lowercased, no leading "the", no possessive.
        regexp_replace(
            regexp_replace(lower(trim(sectored.mention_text)), '^the\s+', ''),
            '[''’]s$', ''
        ) as mention_key
    from sectored
    left join countries on sectored.iso3 = countries.iso3
),

final as (
    select
        mention_id,
        article_id,
        sentence_id,
        sentence_index,
        entity_label,
        mention_text,
        mention_key,
        start_char,
        end_char,
        canonical_name,
        actor_type,
        actor_name,
        md5(
            actor_type || ':'
            || lower(case when actor_type = 'country' then iso3 else actor_name end)
        ) as actor_id,
        -- The country the mention is coded to (not only country words).
        iso3,
        alias_type,
        is_country_word,
        sector,
        role,
        country_cue,
        country_cue_start,
        country_cue_end
    from named
)

select * from final
