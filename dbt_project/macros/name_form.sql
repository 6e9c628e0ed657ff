{#-
    A name as it is shown: trimmed, without a leading "the" or a trailing possessive
    ("the European Union's" -> "European Union"). One rule for the actors' display names
    (int_mentions_resolved) and the name forms of dim_actor_aliases (int_actor_form_months).
-#}
{% macro name_form(expr) -%}
    regexp_replace(regexp_replace(trim({{ expr }}), '^(?i:the)\s+', ''), '[''’]s$', '')
{%- endmacro %}
