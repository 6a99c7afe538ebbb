{#- Aggregate: `value` of the group's first row in the order of the expressions `order_by` (a list; they
    must order the rows totally and hold no nulls), among the rows where `condition` holds; null when no
    row does. One pass of a GROUP BY instead of a window that sorts the whole input once per attribute:
    int_persons_resolved took five such sorts, which spilled more than 27 GB at 10M identification rows
    on DuckDB. Rows whose `value` is null: DuckDB's arg_min passes over them, so `condition` must exclude
    them when a null value matters (the callers filter known values, or read not-null columns). -#}
{% macro first_by(value, order_by, condition='1 = 1') -%}
    {{ return(adapter.dispatch('first_by', 'taskforce')(value, order_by, condition)) }}
{%- endmacro %}

{% macro default__first_by(value, order_by, condition) -%}
    (array_agg({{ value }} order by {{ order_by | join(', ') }}) filter (where {{ condition }}))[1]
{%- endmacro %}

{#- DuckDB compares row values field by field: the row with the smallest ordering is the first row. A
    hash aggregate with one small state per group: nothing is sorted. -#}
{% macro duckdb__first_by(value, order_by, condition) -%}
    arg_min({{ value }}, row({{ order_by | join(', ') }})) filter (where {{ condition }})
{%- endmacro %}
