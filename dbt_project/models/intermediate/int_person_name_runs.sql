{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_runs() }}",
    )
}}
-- The people named in full, per run and surname: what int_mentions_resolved's one-word name
-- rules 2 (the 30 days up to a run) and 4 (the archive up to a run) read of the runs built
-- already. It reads this table by name (it cannot ref it: this one refs it), for the
-- surnames of its one-word names only, instead of every built person mention with a regex
-- on each (2.5M rows at 200k articles: a night's cost grew with the archive).
--
-- Exact for every run not in raw.build_runs: a row changes only when its run's articles do,
-- and an article changes (or goes) only with a load of its own run, which the build
-- recomputes. An incremental build replaces the changed runs' rows (pre-hook, then select).
with

articles as (
    select * from {{ ref('stg_news__articles') }}
    {% if incremental_run() %}
        where run_date in ({{ changed_run_dates() }})
    {% endif %}
),

resolved as (
    select * from {{ ref('int_mentions_resolved') }}
    where
        mention_kind = 'named'
        and entity_label = 'PERSON'
        and name_key like '% %'
),

mentions as (
    select
        {{ surname_of('resolved.name_key') }} as surname,
        coalesce('kb:' || resolved.kb_id, 'name:' || resolved.name_key) as person_key,
        resolved.kb_id,
        resolved.name_key,
        -- A row whose own name was one word was linked by the one-word rules: rule 2
        -- counts only the articles that name the person in full.
        {{ alias_key('resolved.canonical_name') }} like '% %' as is_named_in_full,
        articles.run_date,
        resolved.article_id
    from resolved
    -- The same date on both sides (int_mentions_resolved takes the article's): DuckDB
    -- pushes the changed runs' date range into the scan, whose zone maps skip the rest.
    inner join articles
        on
            resolved.article_id = articles.article_id
            and resolved.article_date = articles.article_date
),

final as (
    select
        run_date,
        surname,
        person_key,
        any_value(kb_id) as kb_id,
        -- rule 4: every row (a linked row names the person of an earlier or the same run)
        min(name_key) as name_key,
        -- rule 2: the rows that name the person in full
        min(name_key) filter (where is_named_in_full) as full_name_key,
        count(distinct article_id) filter (where is_named_in_full) as n_articles_in_full
    from mentions
    group by run_date, surname, person_key
)

select * from final
