{#-
    The key a name form is matched on across articles and against the actor KB: the SQL twin
    of ``alias_key`` in scripts/build_actor_kb.py (which keys kb_actor_aliases). A no-break
    space is a space (Python's NFKD makes it one), accents stripped, lower case, a possessive
    "'s" dropped, periods, quotes and apostrophes dropped, hyphens, underscores and
    whitespace runs as one space, then a leading "the" and a leading honorific ("Mr.",
    "Dr.") dropped. int_mentions_resolved's unit tests pin it.
-#}
{% macro alias_key(expr) -%}
    regexp_replace(
        regexp_replace(
            trim(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(
                            lower(strip_accents(replace(replace(trim({{ expr }}), '’', ''''), chr(160), ' '))),
                            '''s$', ''
                        ),
                        '[."'']', '', 'g'
                    ),
                    '[-_\s]+', ' ', 'g'
                )
            ),
            '^the ', ''
        ),
        '^(mr|mrs|ms|dr|sir|madam) ', ''
    )
{%- endmacro %}
