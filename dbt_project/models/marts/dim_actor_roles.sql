{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_touched_keys('actor_id', 'actor') }}",
    )
}}
-- depends_on: {{ ref('fct_actor_mentions') }}
-- depends_on: {{ ref('int_touched_keys') }}
-- Every role of every canonical actor, from two sources:
--   kb    the KB's dated roles (kb_actor_roles) of the KB actors the articles mention,
--         valid_from / valid_to inclusive as the dictionary gives them (null = open);
--   text  how the news codes the actor: one version per country, sector and title, valid
--         from the first article date it is seen until the next text version of the same
--         actor starts (valid_to exclusive, null for the latest), so a role can change over
--         a backfill.
-- fct_actor_mentions carries the role of the day that int_mentions_resolved chose from these
-- (its country_source says which rule won).
with

-- The touched actors' KB ids, from the partial aggregate dim_actors reads (a few rows per
-- actor and month, not every mention).
kb_values as (
    select * from {{ ref('int_mention_value_months') }}
    {{ touched_key_filter('actor_id', 'actor', "key_kind = 'actor' and attribute_name = 'kb'",
        key_column='key_id') }}
),

kb_roles as (
    select * from {{ ref('kb_actor_roles') }}
),

-- Per actor, country, sector, title and run month (int_actor_version_months), for the
-- touched actors only.
partials as (
    select * from {{ ref('int_actor_version_months') }}
    {{ touched_key_filter('actor_id', 'actor') }}
),

versions as (
    select
        actor_id,
        iso3 as country_iso3,
        sector,
        role as title,
        min(first_seen_date) as valid_from,
        max(last_seen_date) as last_seen_date,
        sum(n_mentions)::bigint as n_mentions
    from partials
    group by actor_id, iso3, sector, role
),

text_roles as (
    select
        md5(
            actor_id
            || '|' || coalesce(country_iso3, '')
            || '|' || coalesce(sector, '')
            || '|' || coalesce(title, '')
        ) as actor_role_id,
        actor_id,
        'text' as role_source,
        country_iso3,
        sector,
        title,
        valid_from,
        lead(valid_from) over (
            partition by actor_id order by valid_from, last_seen_date, country_iso3, sector, title
        ) as valid_to,
        last_seen_date,
        n_mentions
    from versions
),

kb_actors_seen as (
    select distinct
        key_id as actor_id,
        attribute_value as kb_id
    from kb_values
),

kb_dated as (
    select
        md5(
            kb_actors_seen.actor_id || '|kb|' || kb_roles.role_code
            || '|' || coalesce(kb_roles.valid_from::varchar, '')
            || '|' || coalesce(kb_roles.valid_to::varchar, '')
        ) as actor_role_id,
        kb_actors_seen.actor_id,
        'kb' as role_source,
        kb_roles.country_iso3,
        kb_roles.sector,
        kb_roles.role_code as title,
        kb_roles.valid_from,
        kb_roles.valid_to,
        null::date as last_seen_date,
        null::bigint as n_mentions
    from kb_actors_seen
    inner join kb_roles on kb_actors_seen.kb_id = kb_roles.kb_id
),

final as (
    select * from text_roles
    union all
    select * from kb_dated
)

select * from final
