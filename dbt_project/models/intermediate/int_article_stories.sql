-- Syndicated copies grouped into stories. An article's story is its earliest copy (date,
-- then id) among itself and the articles it matches (int_article_matches: shingle Jaccard
-- >= 0.6 among MinHash candidates). The text work is per article and per changed pair,
-- both incremental; this table only groups the stored pairs. Incremental too: a late copy
-- dated earlier becomes the original of articles of other dates, so the pre-hook
-- (regroup_stories) removes, and logs, every story the changed articles were or are now
-- part of; the select regroups the articles that have no row (those stories, whole).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ regroup_stories() }}",
    )
}}

with

signatures as (
    select * from {{ ref('int_article_signatures') }}
),

matches as (
    select * from {{ ref('int_article_matches') }}
),

regrouped as (
    select article_id from signatures
    {% if incremental_run() -%}
        where article_id not in (select article_id from {{ this }})
    {%- endif %}
),

links as (
    select
        article_id,
        article_id as copy_id
    from regrouped
    union all
    select
        article_a,
        article_b
    from matches
    where article_a in (select regrouped.article_id from regrouped)
    union all
    select
        article_b,
        article_a
    from matches
    where article_b in (select regrouped.article_id from regrouped)
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
