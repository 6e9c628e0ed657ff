with

source as (
    select * from {{ source('news', 'actor_cues') }}
),

final as (
    select
        article_id || ':c' || cue_index::varchar as mention_id,
        article_id,
        -- the run that loaded the article (the load writes it): a night's rows by zone map
        run_date,
        article_id || ':' || sentence_index::varchar as sentence_id,
        cue_index,
        sentence_index,
        label as entity_label,
        text as mention_text,
        start_char,
        end_char,
        canonical_name,
        -- Keys a name is matched on across articles and against the actor KB.
        {{ alias_key('canonical_name') }} as name_key,
        {{ alias_key('text') }} as mention_key,
        country_cue,
        country_cue_start,
        country_cue_end,
        -- Normalised exactly like country_aliases.alias (see extract/actors.py).
        regexp_replace(
            regexp_replace(
                lower(strip_accents(replace(trim(country_cue), '’', ''''))), '\s+', ' ', 'g'
            ),
            '^the ', ''
        ) as country_cue_key,
        role,
        role_start,
        role_end,
        grammatical_role,
        -- "f" after "Mrs.", "Ms.", "Miss", "m" after "Mr." (a person's gender, for linking
        -- a bare surname across articles)
        honorific
    from source
)

select * from final
