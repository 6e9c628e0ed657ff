{#-
    The key a name form is matched on across articles and against the actor KB: the SQL twin
    of ``alias_key`` in scripts/build_actor_kb.py (which keys kb_actor_aliases). Accents
    stripped, lower case, a possessive "'s" dropped, periods, quotes and apostrophes dropped,
    hyphens, underscores and whitespace runs as one space, then a leading "the" and a
    leading honorific ("Mr.", "Dr.") dropped. int_mentions_resolved's unit tests pin it.
-#}
{% macro alias_key(expr) -%}
    regexp_replace(
        regexp_replace(
            trim(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(
                            lower(strip_accents(replace(trim({{ expr }}), '’', ''''))),
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
