{#- One row per row of `model` and code in its comma-separated `list_column`, mapped through
    seeds/source_codes.csv. Matching on the delimited list keeps this portable across engines (no
    split/unnest dialects); a code repeated in one list gives one row. Used by every staging model that
    unpacks a multi-value cell (exploitation types, shelter services). -#}
{% macro unpack_code_list(model, key_columns, list_column, source_name, column_name, source_code_alias, code_alias) %}
with listed as (
    select {{ key_columns | join(', ') }}, {{ list_column }}
    from {{ model }}
    where {{ list_column }} is not null
),

codes as (
    select source_code, code
    from {{ ref('source_codes') }}
    where source = '{{ source_name }}' and column_name = '{{ column_name }}'
),

unpacked as (
    select
        {%- for key in key_columns %}
        listed.{{ key }},
        {%- endfor %}
        codes.source_code as {{ source_code_alias }},
        codes.code as {{ code_alias }}
    from listed
    inner join codes
        on position(',' || codes.source_code || ',' in ',' || listed.{{ list_column }} || ',') > 0
)

select * from unpacked
{% endmacro %}
