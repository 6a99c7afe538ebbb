{#- Use the configured schema name as is (staging, marts, reference, ...), not <target>_<custom>:
    the warehouse's schemas are fixed by the design and shared by both engines. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
