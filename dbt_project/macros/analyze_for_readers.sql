{#- Post-hook on the marts: fresh planner statistics before anyone reads the new table. PostgreSQL
    analyzes a new table only when autovacuum next passes (up to a minute after the build, or never for
    a small one), and until then plans the dashboards' queries from guesses: a page opened right after a
    build took 2 s on 10,000 rows (docs/benchmarks.md). Inside the model's transaction, so the new table
    is published with its statistics. DuckDB keeps its statistics as it writes: nothing to do. -#}
{% macro analyze_for_readers() -%}
    {{ return(adapter.dispatch('analyze_for_readers', 'taskforce')()) }}
{%- endmacro %}

{% macro default__analyze_for_readers() -%}
{%- endmacro %}

{% macro postgres__analyze_for_readers() -%}
    {%- if execute and config.get('materialized') in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}


{#- Fresh planner statistics for a table a macro has just made and the next statement reads (the
    changed units of an incremental model): PostgreSQL otherwise guesses its size from its pages.
    Runs the statement itself (a no-op on DuckDB). -#}
{% macro analyze_for_planner(relation) -%}
    {{ return(adapter.dispatch('analyze_for_planner', 'taskforce')(relation)) }}
{%- endmacro %}

{% macro default__analyze_for_planner(relation) -%}
{%- endmacro %}

{% macro postgres__analyze_for_planner(relation) -%}
    {%- do run_query('analyze ' ~ relation) -%}
{%- endmacro %}
