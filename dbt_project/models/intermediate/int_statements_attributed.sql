-- Each statement joined to the actor who said it: first an actor mention that overlaps the
-- speaker span as written, else a mention of the resolved name elsewhere in the article
-- (a pronoun or title resolved to a named person), earliest mention first (the longer of
-- two starting together). Only canonical
-- actors: a generic agent speaker ("officials said") has no speaker_actor_id.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles() }}",
    )
}}

with

statements as (
    select * exclude (run_date) from {{ ref('stg_news__statements') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

by_span as (
    select
        statements.statement_id,
        mentions.actor_id,
        1 as match_rank,
        mentions.start_char,
        mentions.end_char,
        mentions.mention_id
    from statements
    inner join mentions
        on
            statements.article_id = mentions.article_id
            and statements.speaker_start < mentions.end_char
            and statements.speaker_end > mentions.start_char
    where mentions.actor_id is not null
),

by_name as (
    select
        statements.statement_id,
        mentions.actor_id,
        2 as match_rank,
        mentions.start_char,
        mentions.end_char,
        mentions.mention_id
    from statements
    inner join mentions
        on
            statements.article_id = mentions.article_id
            and lower(statements.speaker_name) = lower(mentions.actor_name)
    where mentions.actor_id is not null
),

candidates as (
    select * from by_span
    union all
    select * from by_name
),

best as (
    select
        statement_id,
        actor_id
    from candidates
    -- two mentions from one place ("official Saudi Press Agency" and "... Agency SPA"): the
    -- longer, then the mention id, so every build picks the same one
    qualify row_number() over (
        partition by statement_id
        order by match_rank asc, start_char asc, end_char desc, mention_id asc
    ) = 1
),

quote_countries as (
    select
        statements.statement_id,
        list(distinct mentions.iso3 order by mentions.iso3) as countries_in_quote
    from statements
    inner join mentions
        on
            statements.article_id = mentions.article_id
            and statements.content_start <= mentions.start_char
            and statements.content_end >= mentions.end_char
    where mentions.iso3 is not null
    group by statements.statement_id
),

final as (
    select
        statements.*,
        best.actor_id as speaker_actor_id,
        coalesce(quote_countries.countries_in_quote, []) as countries_in_quote
    from statements
    left join best on statements.statement_id = best.statement_id
    left join quote_countries on statements.statement_id = quote_countries.statement_id
)

select * from final
