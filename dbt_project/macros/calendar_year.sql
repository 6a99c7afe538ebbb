{#- Calendar year of a date as an integer. Dispatched so an engine without EXTRACT can override it
    (DuckDB and PostgreSQL both use the default; EXTRACT's return type differs, hence the cast). -#}
{% macro calendar_year(date_expression) -%}
    {{ return(adapter.dispatch('calendar_year', 'taskforce')(date_expression)) }}
{%- endmacro %}

{% macro default__calendar_year(date_expression) -%}
    cast(extract(year from {{ date_expression }}) as integer)
{%- endmacro %}
