{#-
    Incremental per-article models (README "Incremental builds").

    The var ``run_dates`` (a list of ISO dates, passed by extract/build.py) names the runs
    whose raw rows changed since the last build. An incremental per-article model then
    recomputes only the articles those runs hold now: its pre-hook deletes every row whose
    article is not held by another run (the changed runs' articles, and orphans of
    articles a rerun removed), and its select keeps only the changed runs' articles
    (``changed_articles_filter``); the rows are appended. Without the var, or with
    ``--full-refresh``, every article is recomputed.
-#}

{% macro changed_run_dates() -%}
    {#- The var as a list of validated ISO dates, or none when it is not set. -#}
    {%- set raw = var('run_dates', none) -%}
    {%- if raw is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if raw is string -%}
        {%- set raw = raw.split(',') if raw | trim else [] -%}
    {%- endif -%}
    {%- set dates = [] -%}
    {%- for value in raw -%}
        {%- set text = value | string | trim -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
            {{ exceptions.raise_compiler_error('run_dates: not an ISO date: ' ~ text) }}
        {%- endif -%}
        {%- do dates.append(text) -%}
    {%- endfor -%}
    {{ return(dates | unique | list) }}
{%- endmacro %}

{% macro incremental_run() -%}
    {#- is_incremental(), false in a unit test (which has no relation of its own). -#}
    {%- if this is none -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(is_incremental()) }}
{%- endmacro %}

{% macro run_date_list(dates) -%}
    {%- for d in dates -%}date '{{ d }}'{{ ', ' if not loop.last }}{%- endfor -%}
{%- endmacro %}

{% macro changed_articles_filter(column='article_id') -%}
    {#- A where clause: on an incremental run with run_dates, the changed runs' articles. -#}
    {%- set dates = changed_run_dates() -%}
    {%- if dates is not none and incremental_run() -%}
        {%- if dates | length == 0 -%}
    where false
        {%- else -%}
    where {{ column }} in (
        select article_id from {{ source('news', 'articles') }}
        where run_date in ({{ run_date_list(dates) }})
    )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro delete_changed_articles() -%}
    {#- Pre-hook: drop the rows the select below recomputes, and the rows of removed articles. -#}
    {%- set dates = changed_run_dates() -%}
    {%- if incremental_run() -%}
        {%- if dates is none -%}
    delete from {{ this }}
        {%- else -%}
    delete from {{ this }} where article_id not in (
        select article_id from {{ source('news', 'articles') }}
            {%- if dates | length > 0 %}
        where run_date not in ({{ run_date_list(dates) }})
            {%- endif %}
    )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
