{#-
    Incremental per-article models (README "Incremental builds").

    ``raw.build_runs`` (source ``news.build_runs``, written by extract/build.py just before
    an incremental build and emptied after it succeeds) names the runs whose raw rows
    changed since the last build. An incremental per-article model then recomputes only the
    articles those runs hold now: its pre-hook deletes the rows of the changed runs'
    articles and of the articles a rerun removed (the load logs them in
    ``raw.build_touched``, kind 'removed': ``stale_article``), and its select keeps only the changed runs' articles (``changed_articles_filter``); the
    rows are appended. With ``--full-refresh`` every article is recomputed.

    The runs are data, not a dbt var: a var that changes every night would make dbt parse
    the whole project again every night (vars are part of the partial-parse state).
-#}

{% macro incremental_run() -%}
    {#- is_incremental(), false in a unit test (which has no relation of its own). -#}
    {%- if this is none -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(is_incremental()) }}
{%- endmacro %}

{% macro changed_articles_filter(column='article_id', date_column=none) -%}
    {#- A where clause: on an incremental run, the articles the changed runs hold. With
        ``date_column`` (the input's copy of its article's run_date), the changed runs' dates
        too: the same rows, but a date the zone maps of a table appended run by run prune on,
        where the hashed article ids match in every row group (every row was read). -#}
    {%- if incremental_run() -%}
    where
        {%- if date_column %} {{ date_column }} in ({{ changed_run_dates() }}) and
        {%- endif %} {{ column }} in (
        select article_id from {{ source('news', 'articles') }}
        where run_date in (select run_date from {{ source('news', 'build_runs') }})
    )
    {%- endif -%}
{%- endmacro %}

{% macro stale_article(column) -%}
    {#- True for a row of an article a changed run holds now or held before its load: the
        load logs the articles a rerun dropped (kind 'removed', extract/warehouse.py), so
        this is two small IN lists, not an anti-join of every row against every article. -#}
    ({{ column }} in (
        select article_id from {{ source('news', 'articles') }}
        where run_date in (select run_date from {{ source('news', 'build_runs') }})
    )
    or {{ column }} in (
        select key from {{ source('news', 'build_touched') }} where kind = 'removed'
    ))
{%- endmacro %}

{% macro delete_changed_articles(columns=['article_id'], date_column=none) -%}
    {#- Pre-hook: drop the rows the select below recomputes, and the rows of removed articles:
        every row one of whose ``columns`` names such an article. With ``date_column`` (the
        row's article's run_date), only rows of the changed runs are looked at: a removed
        article was one of a changed run's too (its rerun logged it), so these are the same
        rows, found by the zone maps instead of a scan of every article id. -#}
    {%- if incremental_run() -%}
    delete from {{ this }} where
        {%- if date_column %} {{ date_column }} in ({{ changed_run_dates() }}) and ({% endif %}
        {%- for column in columns %}
        {{ 'or ' if not loop.first }}{{ stale_article(column) }}
        {%- endfor %}
        {%- if date_column %}){% endif %}
    {%- endif -%}
{%- endmacro %}

{#-
    Beyond the changed runs (issue 16: a night costs the same whatever the archive's size).

    A few models hold rows that a night can change outside its own articles: a story's other
    copies (int_article_stories: a late copy becomes the original), the rows that carry
    them (fct_events, fct_article_country_pairs), a day's relations (fct_country_relations),
    the actor-level marts (an actor's counts, name forms, roles, its most frequent country)
    and the statements that carry a speaker's country. They are incremental too, keyed on
    what the night touched, never rebuilt whole:

    - ``raw.build_touched`` (source ``news.build_touched``) logs what was touched: the
      articles whose rows a pre-hook removed with the date they had (kind 'article'), and
      the actors, agents and countries of the mentions a rerun removed (fct_actor_mentions'
      pre-hook). The log is kept until a publish has carried it (extract/publish.py), so a
      build that failed half-way is finished by the next one.
    - A keyed model's pre-hook deletes the touched keys and its select recomputes exactly
      those keys from every row they have (so the result is the full rebuild's, row for
      row: tests/test_incremental.py). A key the log names again is recomputed again:
      harmless, the delete and the select read the same set.
-#}

{% macro changed_article_ids() -%}
    {#- The articles of the changed runs (as they are now). -#}
    select article_id from {{ source('news', 'articles') }}
    where run_date in (select run_date from {{ source('news', 'build_runs') }})
{%- endmacro %}

{% macro touched_keys(kind, models=none) -%}
    {#- Keys logged as ``kind``; with ``models``, only those the named models logged. -#}
    select key from {{ source('news', 'build_touched') }} where kind = '{{ kind }}'
    {%- if models is not none %} and model in ('{{ models | join("', '") }}'){% endif %}
{%- endmacro %}

{% macro touched_articles_filter(upstream=[], column='article_id') -%}
    {#- A where clause: on an incremental run, the changed runs' articles and the articles
        this model's pre-hook (delete_touched_articles) removed beyond them. -#}
    {%- if incremental_run() -%}
    where {{ column }} in ({{ changed_article_ids() }})
        or {{ column }} in ({{ touched_keys('article', upstream + [this.identifier]) }})
    {%- endif -%}
{%- endmacro %}

{% macro delete_touched_articles(upstream=[], extra=none, date_column=none) -%}
    {#- Pre-hook of a per-article model that other articles' changes reach: log (as logged by
        this model), then delete, the rows of the changed runs' articles, of removed
        articles, of the articles the ``upstream`` models logged (int_article_stories: the
        touched stories' copies), and of the articles the ``extra`` query (on
        ``{{ this }}``'s rows) names; with ``date_column`` the log keeps each removed
        article's date. Articles this model logged before (a build not yet published) are
        removed and recomputed again, so its select (touched_articles_filter) reads the
        same set. -#}
    {%- if incremental_run() -%}
    {%- set stale -%}
        {{ stale_article('article_id') }}
        or article_id in ({{ touched_keys('article', upstream + [this.identifier]) }})
        {%- if extra %}
        or article_id in ({{ extra }})
        {%- endif %}
    {%- endset -%}
    insert into {{ source('news', 'build_touched') }}
    select distinct 'article', article_id, {{ date_column or 'null::date' }}, '{{ this.identifier }}'
    from {{ this }} where {{ stale }};
    delete from {{ this }} where {{ stale }}
    {%- endif -%}
{%- endmacro %}

{% macro changed_run_dates() -%}
    {#- The changed runs (raw.build_runs). -#}
    select run_date from {{ source('news', 'build_runs') }}
{%- endmacro %}

{% macro logged_mention_keys() -%}
    {#- The actors, agents and countries of the mentions a rerun removed (log_removed_mentions),
        as (key_kind, key_id): int_touched_keys adds them to the changed runs' keys. -#}
    select kind as key_kind, key as key_id from {{ source('news', 'build_touched') }}
    where kind in ('actor', 'agent', 'country')
{%- endmacro %}

{% macro touched_mentions(kind) -%}
    {#- The touched keys of ``kind`` (actor, agent, country): the actor_id, agent_id or iso3
        values of the changed runs' mentions now and of the mentions a rerun removed,
        computed once per build by int_touched_keys (a keyed mart refs it in a depends_on
        comment, as its pre-hook reads it). -#}
    select key_id from {{ ref('int_touched_keys') }} where key_kind = '{{ kind }}'
{%- endmacro %}

{% macro touched_key_filter(column, kind, condition=none, key_column=none) -%}
    {#- A where clause on the keyed model's input: ``condition`` and, on an incremental run,
        the touched keys only (the input's ``key_column``, default ``column``, in the
        touched keys of ``kind``). -#}
    {%- set clauses = [condition] if condition else [] -%}
    {%- if incremental_run() -%}
        {%- do clauses.append((key_column or column) ~ ' in ('
            ~ touched_mentions(kind) ~ ')') -%}
    {%- endif -%}
    {%- if clauses -%}
    where {{ clauses | join('\n        and ') }}
    {%- endif -%}
{%- endmacro %}

{% macro delete_touched_keys(column, kind, key_column=none) -%}
    {#- Pre-hook of a keyed mart: drop the rows of its touched keys (recomputed by its select). -#}
    {%- if incremental_run() -%}
    delete from {{ this }}
    where {{ key_column or column }} in ({{ touched_mentions(kind) }})
    {%- endif -%}
{%- endmacro %}

{% macro log_removed_mentions() -%}
    {#- Pre-hook of fct_actor_mentions (per article, runs before the actor-level marts),
        before its delete: the actors, agents and countries of the mentions about to be
        removed, so the keyed marts re-aggregate them (a rerun can take an actor's last
        mention away). -#}
    {%- if incremental_run() -%}
    insert into {{ source('news', 'build_touched') }}
    select distinct kind, key, null::date, '{{ this.identifier }}' from (
        select
            unnest(['actor', 'agent', 'country']) as kind,
            unnest([actor_id, agent_id, country_iso3]) as key
        from {{ this }}
        where {{ stale_article('article_id') }}
    )
    where key is not null
    {%- endif -%}
{%- endmacro %}

{% macro regroup_stories() -%}
    {#- Pre-hook of int_article_stories: log and delete the rows of every story a changed (or
        removed) article was part of, or is now part of through its current matches, and
        of the articles whose story was a changed article; the model's select then groups
        the articles left without a row. Each touched story is removed whole, so its
        n_copies is counted over all its copies again. -#}
    {%- if incremental_run() -%}
    {%- set signatures = ref('int_article_signatures') -%}
    {%- set matches = ref('int_article_matches') -%}
    {%- set touched -%}
    with
    changed as (
        select article_id from {{ signatures }}
        where article_id in ({{ changed_article_ids() }})
        union
        select key from {{ source('news', 'build_touched') }} where kind = 'removed'
    ),
    regrouped as (
        select article_id from changed
        union
        select article_b from {{ matches }}
        where article_a in (select article_id from changed)
        union
        select article_a from {{ matches }}
        where article_b in (select article_id from changed)
        union
        select article_id from {{ this }}
        where story_id in (select article_id from changed)
    ),
    links as (
        select article_id, article_id as copy_id from regrouped
        union all
        select article_a, article_b from {{ matches }}
        where article_a in (select article_id from regrouped)
        union all
        select article_b, article_a from {{ matches }}
        where article_b in (select article_id from regrouped)
    ),
    new_stories as (
        select arg_min(copies.article_id, (copies.article_date, copies.article_id)) as story_id
        from links
        inner join {{ signatures }} as copies on links.copy_id = copies.article_id
        group by links.article_id
    ),
    stories as (
        select story_id from {{ this }}
        where article_id in (select article_id from regrouped)
        union
        select story_id from new_stories
    )
    select article_id from regrouped
    union
    select article_id from {{ this }} where story_id in (select story_id from stories)
    {%- endset -%}
    create or replace temp table int_article_stories__touched as {{ touched }};
    insert into {{ source('news', 'build_touched') }}
    select 'article', article_id, null::date, '{{ this.identifier }}'
    from int_article_stories__touched;
    delete from {{ this }}
    where article_id in (select article_id from int_article_stories__touched);
    drop table int_article_stories__touched
    {%- endif -%}
{%- endmacro %}

{% macro touched_relation_dates() -%}
    {#- The days fct_country_relations recomputes: the dates the removed article-pair rows had
        (logged) and the dates of the changed and touched articles' pairs now. -#}
    select key_date from {{ source('news', 'build_touched') }}
    where kind = 'article' and model = 'fct_article_country_pairs' and key_date is not null
    union
    select article_date from {{ ref('fct_article_country_pairs') }}
    where article_id in ({{ changed_article_ids() }})
        or article_id in ({{ touched_keys('article', ['fct_article_country_pairs']) }})
{%- endmacro %}

{% macro delete_touched_relation_days() -%}
    {#- Pre-hook of fct_country_relations: its rows of the days it recomputes. -#}
    {%- if incremental_run() -%}
    delete from {{ this }} where relation_date in ({{ touched_relation_dates() }})
    {%- endif -%}
{%- endmacro %}

{% macro speakers_recoded() -%}
    {#- fct_statements' articles with a statement whose speaker's actor type, country or sector
        (from dim_actors) is no longer what the row says: only touched actors can change. -#}
    select statements.article_id
    from {{ this }} as statements
    left join {{ ref('dim_actors') }} as actors
        on statements.speaker_actor_id = actors.actor_id
    where
        statements.speaker_actor_id in ({{ touched_mentions('actor') }})
        and (
            statements.speaker_actor_type is distinct from actors.actor_type
            or statements.speaker_country_iso3 is distinct from actors.country_iso3
            or statements.speaker_sector is distinct from actors.primary_sector
        )
{%- endmacro %}

{% macro touched_days_filter(column) -%}
    {#- A where clause: on an incremental run, the days fct_country_relations recomputes. -#}
    {%- if incremental_run() -%}
    where {{ column }} in ({{ touched_relation_dates() }})
    {%- endif -%}
{%- endmacro %}

{#-
    Partial aggregates by run month (issue 16). The actor-level marts re-aggregate every
    mention of each key a night touched; a popular actor or a country has mentions on every
    date, so that grew with the archive. They read instead a partial aggregate per key and
    run month (int_*_months), which an incremental build recomputes for the months of the
    changed runs only (int_mentions_resolved changes in the changed runs' articles only, and
    every article is in one run, so counts of distinct articles add up across months). A
    night then costs one month of mentions plus a few rows per touched key and month.
-#}

{% macro changed_run_months() -%}
    select distinct strftime(run_date, '%Y-%m') from {{ source('news', 'build_runs') }}
{%- endmacro %}

{% macro changed_run_months_filter(column='run_date') -%}
    {#- A where clause: on an incremental run, the rows of the changed runs' months. -#}
    {%- if incremental_run() -%}
    where strftime({{ column }}, '%Y-%m') in ({{ changed_run_months() }})
    {%- endif -%}
{%- endmacro %}

{% macro delete_changed_run_months() -%}
    {#- Pre-hook of a partial aggregate: its rows of the months it recomputes. -#}
    {%- if incremental_run() -%}
    delete from {{ this }} where run_month in ({{ changed_run_months() }})
    {%- endif -%}
{%- endmacro %}

{% macro delete_changed_runs(column='run_date') -%}
    {#- Pre-hook of a per-run model (int_person_name_runs): its rows of the changed runs. -#}
    {%- if incremental_run() -%}
    delete from {{ this }} where {{ column }} in ({{ changed_run_dates() }})
    {%- endif -%}
{%- endmacro %}
