{#-
    Data tests on an incremental build read only what the build changed.

    The rows of unchanged runs were tested by the build that wrote them and the build did
    not touch them (incremental models append the changed runs' articles only), so testing
    them again every night would make the test time grow with the archive. On an
    incremental build, a test of a per-article model (var ``per_article_models``) reads the
    changed runs' articles and the articles logged in ``raw.build_touched`` (rows an
    incremental model rewrote beyond those runs: macros/incremental.sql), a test of a
    per-run model (``per_run_models``) the changed runs, a test of a partial aggregate by run
    month (``per_month_models``) the changed runs' months; with ``--full-refresh``, or when
    ``raw.build_runs`` is empty (a plain ``dbt build`` by hand), every row. Tests of the
    other models (the keyed aggregates) always read every row. dbt's documented hook for this is ``get_where_subquery``.
-#}

{% macro changed_rows_predicate(column, per='article') -%}
    {#- SQL that is true for the rows of the changed runs (every row outside an incremental
        build). -#}
    {%- if flags.FULL_REFRESH -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set runs = source('news', 'build_runs') -%}
    {#- One uncorrelated IN list (a semi join DuckDB pushes under the tested view), not an
        OR around it, which would compute the whole view first. -#}
    {%- if per == 'article' -%}
        {%- set changed -%}
    {{ column }} in (
        select article_id from {{ source('news', 'articles') }}
        where
            run_date in (select run_date from {{ runs }})
            or not exists (select 1 from {{ runs }})
        union all
        select key from {{ source('news', 'build_touched') }} where kind = 'article'
    )
        {%- endset -%}
    {%- elif per == 'month' -%}
        {%- set changed -%}
    {{ column }} in (
        select strftime(run_date, '%Y-%m') from {{ runs }}
        union all
        select strftime(run_date, '%Y-%m') from {{ source('news', 'files') }}
        where not exists (select 1 from {{ runs }})
    )
        {%- endset -%}
    {%- else -%}
        {%- set changed -%}
    {{ column }} in (
        select run_date from {{ runs }}
        union all
        select run_date from {{ source('news', 'files') }}
        where not exists (select 1 from {{ runs }})
    )
        {%- endset -%}
    {%- endif -%}
    {{ return('(' ~ changed ~ ')') }}
{%- endmacro %}

{% macro get_where_subquery(relation) -%}
    {%- set clauses = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do clauses.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- if relation.identifier in var('per_article_models', []) -%}
        {%- do clauses.append(changed_rows_predicate('article_id', 'article')) -%}
    {%- elif relation.identifier in var('per_run_models', []) -%}
        {%- do clauses.append(changed_rows_predicate('run_date', 'run')) -%}
    {%- elif relation.identifier in var('per_month_models', []) -%}
        {%- do clauses.append(changed_rows_predicate('run_month', 'month')) -%}
    {%- endif -%}
    {%- if clauses | reject('equalto', 'true') | list | length == 0 -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ clauses | join(' and ') }}) dbt_subquery
    {%- endset -%}
    {%- do return(filtered) -%}
{%- endmacro %}
