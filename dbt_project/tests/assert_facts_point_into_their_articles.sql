-- Reconciliation (severity error: a failure stops publishing, the previous build stays
-- published). Every statement, mention and event points to an existing article, and its
-- character offsets lie inside that article's text; a mention's offsets spell its text.
-- Returns the offending rows. On an incremental build, of the changed runs' articles only
-- (macros/test_scope.sql: the others were checked when they were built).
{{ config(severity='error') }}

with articles as (
    select article_id, article_text, length(article_text) as n_chars
    from {{ ref('dim_articles') }}
    where {{ changed_rows_predicate('article_id') }}
),

spans as (
    select
        'fct_actor_mentions' as fact_table,
        mention_id as fact_id,
        article_id,
        start_char as span_start,
        end_char as span_end,
        mention_text as span_text
    from {{ ref('fct_actor_mentions') }}
    union all
    select
        'fct_statements', statement_id, article_id, content_start, content_end, null
    from {{ ref('fct_statements') }}
    union all
    select
        'fct_events', event_id, article_id, evidence_start, evidence_end, null
    from {{ ref('fct_events') }}
),

scoped_spans as (
    select * from spans
    where {{ changed_rows_predicate('article_id') }}
)

select
    spans.*,
    articles.n_chars,
    case
        when articles.article_id is null then 'no such article'
        when spans.span_start is null or spans.span_end is null then 'null offset'
        when spans.span_start < 0 or spans.span_end > articles.n_chars then 'offset outside the text'
        when spans.span_start >= spans.span_end then 'empty or reversed span'
        else 'text does not match its offsets'
    end as problem
from scoped_spans as spans
left join articles on spans.article_id = articles.article_id
where
    articles.article_id is null
    or spans.span_start is null
    or spans.span_end is null
    or spans.span_start < 0
    or spans.span_end > articles.n_chars
    or spans.span_start >= spans.span_end
    or (
        spans.span_text is not null
        and substring(articles.article_text, spans.span_start + 1, spans.span_end - spans.span_start)
        <> spans.span_text
    )
