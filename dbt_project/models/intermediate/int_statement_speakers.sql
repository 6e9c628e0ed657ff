-- The coded country and sector of each statement's speaker: the first mention of the
-- speaker's actor in the same article that carries a country (the speaker span itself
-- first); a speaker that is a generic agent ("Iranian officials said") has no actor: the
-- agent mention on the speaker span.
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
    select * from {{ ref('int_statements_attributed') }}
    {{ changed_articles_filter() }}
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

ranked as (
    select
        statements.statement_id,
        mentions.mention_id as speaker_mention_id,
        mentions.iso3 as speaker_iso3,
        mentions.sector as speaker_sector
    from statements
    inner join mentions
        on
            statements.article_id = mentions.article_id
            and (
                statements.speaker_actor_id = mentions.actor_id
                or (
                    statements.speaker_actor_id is null
                    and mentions.mention_kind = 'agent'
                    and statements.speaker_start < mentions.end_char
                    and statements.speaker_end > mentions.start_char
                )
            )
    where mentions.iso3 is not null
    qualify row_number() over (
        partition by statements.statement_id
        order by
            (
                statements.speaker_start < mentions.end_char
                and mentions.start_char < statements.speaker_end
            ) desc nulls last,
            mentions.start_char asc,
            -- two mentions starting together: the longer, then the id (every build the same)
            mentions.end_char desc,
            mentions.mention_id asc
    ) = 1
),

final as (
    select
        statements.statement_id,
        statements.article_id,
        statements.sentence_id,
        statements.content_start,
        statements.content_end,
        statements.speaker_actor_id,
        ranked.speaker_mention_id,
        ranked.speaker_iso3,
        ranked.speaker_sector
    from statements
    left join ranked on statements.statement_id = ranked.statement_id
)

select * from final
