{#- Calendar parts of a date as integers, for dim_date. Dispatched so an engine whose EXTRACT differs can
    override them (DuckDB and PostgreSQL both use the defaults; EXTRACT returns numeric on PostgreSQL,
    hence the casts). ISO day of week: Monday 1 ... Sunday 7 on every engine (plain DOW numbers Sunday
    0 on both, but other engines start at 1: isodow avoids the ambiguity). -#}
{% macro calendar_quarter(date_expression) -%}
    {{ return(adapter.dispatch('calendar_quarter', 'taskforce')(date_expression)) }}
{%- endmacro %}

{% macro default__calendar_quarter(date_expression) -%}
    cast(extract(quarter from {{ date_expression }}) as integer)
{%- endmacro %}

{% macro calendar_month(date_expression) -%}
    {{ return(adapter.dispatch('calendar_month', 'taskforce')(date_expression)) }}
{%- endmacro %}

{% macro default__calendar_month(date_expression) -%}
    cast(extract(month from {{ date_expression }}) as integer)
{%- endmacro %}

{% macro day_of_month(date_expression) -%}
    {{ return(adapter.dispatch('day_of_month', 'taskforce')(date_expression)) }}
{%- endmacro %}

{% macro default__day_of_month(date_expression) -%}
    cast(extract(day from {{ date_expression }}) as integer)
{%- endmacro %}

{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'taskforce')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as integer)
{%- endmacro %}
