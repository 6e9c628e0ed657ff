{#-
    Incremental per-article models (README "Incremental builds").

    ``raw.build_runs`` (source ``news.build_runs``, written by extract/build.py just before
    an incremental build and emptied after it succeeds) names the runs whose raw rows
    changed since the last build. An incremental per-article model then recomputes only the
    articles those runs hold now: its pre-hook deletes every row whose article is not held
    by another run (the changed runs' articles, and orphans of articles a rerun removed),
    and its select keeps only the changed runs' articles (``changed_articles_filter``); the
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

{% macro changed_articles_filter(column='article_id') -%}
    {#- A where clause: on an incremental run, the articles the changed runs hold. -#}
    {%- if incremental_run() -%}
    where {{ column }} in (
        select article_id from {{ source('news', 'articles') }}
        where run_date in (select run_date from {{ source('news', 'build_runs') }})
    )
    {%- endif -%}
{%- endmacro %}

{% macro delete_changed_articles(columns=['article_id']) -%}
    {#- Pre-hook: drop the rows the select below recomputes, and the rows of removed articles:
        every row one of whose ``columns`` names such an article. -#}
    {%- if incremental_run() -%}
    delete from {{ this }} where
        {%- for column in columns %}
        {{ 'or ' if not loop.first }}{{ column }} not in (
            select article_id from {{ source('news', 'articles') }}
            where run_date not in (select run_date from {{ source('news', 'build_runs') }})
        )
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}
