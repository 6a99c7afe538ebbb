{#- Planner settings for the indicator layer's large generated queries (a pre-hook of the
    int_indicator_inputs_* models). On PostgreSQL, JIT compilation: a freshly built table has no
    statistics yet, the planner overestimates the rows of these queries (hundreds of unions), and
    compiling them took 20 to 150 seconds for a query that runs in one. `set local` ends with the model's
    transaction. Other engines need nothing. -#}
{% macro indicator_planner_settings() -%}
    {{ return(adapter.dispatch('indicator_planner_settings', 'taskforce')()) }}
{%- endmacro %}

{% macro default__indicator_planner_settings() -%}
{%- endmacro %}

{% macro postgres__indicator_planner_settings() -%}
    set local jit = off
{%- endmacro %}
