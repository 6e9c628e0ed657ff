{#-
    The surname in a person's name key: its last word, after a generational suffix
    ("james comey jr" -> "comey"). "Donald Trump Jr." and "Donald Trump" so share a surname,
    and a bare "Trump" is not linked to either when both are in the archive.
-#}
{% macro surname_of(expr) -%}
    regexp_extract(regexp_replace({{ expr }}, ' (jr|sr|ii|iii|iv)$', ''), '(\S+)$', 1)
{%- endmacro %}
