{#- Settings for the whole run, set once before the first model (on-run-start in dbt_project.yml).

    DuckDB's temporary folder: at most TASKFORCE_DUCKDB_TEMP_LIMIT, which `taskforce build` sets to half
    the free disk after room for the published copy (taskforce/build.py; without it DuckDB's own cap is
    90 % of the free disk, and a 10M build filled it). A global setting, so one statement covers every
    thread. It is set here and not in profiles.yml because dbt reparses the whole project (about 5 s)
    whenever a profile setting changes, and the free disk changes between any two builds. Read only
    when executing, so the value is no part of what dbt parses. Other engines need nothing. -#}
{% macro run_settings() -%}
    {{ return(adapter.dispatch('run_settings', 'taskforce')()) }}
{%- endmacro %}

{% macro default__run_settings() -%}
{%- endmacro %}

{% macro duckdb__run_settings() -%}
    {%- if execute -%}
        set max_temp_directory_size = '{{ env_var("TASKFORCE_DUCKDB_TEMP_LIMIT", "1000000GB") }}'
    {%- endif -%}
{%- endmacro %}
