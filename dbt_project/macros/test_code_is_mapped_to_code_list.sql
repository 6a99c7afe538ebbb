{#- On seeds/source_codes.csv: every harmonized code of the listed source columns must be a code of a
    code-list seed (exploitation_types, sexes, ...). source_columns lists 'source.column_name' entries;
    '*.column_name' means that column in every source. Fails with one row per harmonized code missing
    from the code list, naming the source, the column, the code and the code list, and with one row per
    listed source column that has no line in source_codes at all (a misspelt entry would otherwise make
    the test pass on nothing). Codes only, never person-level values: safe to show in build output. -#}
{% test code_is_mapped_to_code_list(model, column_name, code_list, code_list_column, source_columns, code_list_where=none) %}
{%- set entries = [] -%}
{%- for entry in source_columns -%}
    {%- set parts = entry.split('.', 1) -%}
    {%- if parts | length != 2 -%}
        {{ exceptions.raise_compiler_error("code_is_mapped_to_code_list: '" ~ entry ~ "' is not 'source.column_name' or '*.column_name'") }}
    {%- endif -%}
    {%- do entries.append({'source': parts[0], 'column_name': parts[1]}) -%}
{%- endfor %}
with listed_columns as (
    {%- for entry in entries %}
    select
        cast('{{ entry.source }}' as {{ dbt.type_string() }}) as source,
        cast('{{ entry.column_name }}' as {{ dbt.type_string() }}) as column_name
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

mapped as (
    select
        codes.source,
        codes.column_name,
        codes.{{ column_name }} as code
    from {{ model }} as codes
    inner join listed_columns
        on codes.column_name = listed_columns.column_name
        and (listed_columns.source = '*' or codes.source = listed_columns.source)
),

code_list as (
    select {{ code_list_column }} as code
    from {{ code_list }}
    {%- if code_list_where %}
    where {{ code_list_where }}
    {%- endif %}
),

not_in_code_list as (
    select
        mapped.source,
        mapped.column_name,
        mapped.code as unmapped_code,
        'harmonized code not in the code list' as problem
    from mapped
    left join code_list on mapped.code = code_list.code
    where code_list.code is null
    group by mapped.source, mapped.column_name, mapped.code
),

no_line_in_source_codes as (
    select
        listed_columns.source,
        listed_columns.column_name,
        cast(null as {{ dbt.type_string() }}) as unmapped_code,
        'no line in source_codes for this source column' as problem
    from listed_columns
    where not exists (
        select 1 from mapped
        where mapped.column_name = listed_columns.column_name
            and (listed_columns.source = '*' or mapped.source = listed_columns.source)
    )
),

failures as (
    select * from not_in_code_list
    union all
    select * from no_line_in_source_codes
)

select
    source,
    column_name,
    unmapped_code,
    '{{ code_list.identifier }}' as code_list,
    problem
from failures
{% endtest %}
