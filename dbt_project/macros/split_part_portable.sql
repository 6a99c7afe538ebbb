{#- The n-th item (1-based) of a delimited string, where n may be a column or expression.
    dbt's own dbt.split_part needs a literal part number on PostgreSQL (it compares it with 0 in Jinja),
    so it cannot take a generated position. DuckDB and PostgreSQL both have split_part(text, text, int)
    and both return '' past the last item; an engine without it overrides <adapter>__split_part_portable. -#}
{% macro split_part_portable(string_text, delimiter_text, part_number) -%}
    {{ return(adapter.dispatch('split_part_portable', 'taskforce')(string_text, delimiter_text, part_number)) }}
{%- endmacro %}

{% macro default__split_part_portable(string_text, delimiter_text, part_number) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, cast({{ part_number }} as integer))
{%- endmacro %}
