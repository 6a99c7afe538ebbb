{#- Generic tests of the indicator layer and the reporting schema. -#}

{#- Fails with one row per value that is neither null, nor `unknown`, nor in `to`.`field`: the breakdown
    columns of the indicator layer use the code lists plus `unknown` for a value the source did not
    record (null means "all"). -#}
{% test in_code_list_or_unknown(model, column_name, to, field) %}
select {{ column_name }} as value_not_in_code_list, count(*) as rows_affected
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} <> 'unknown'
    and {{ column_name }} not in (select {{ field }} from {{ to }} where {{ field }} is not null)
group by {{ column_name }}
{% endtest %}


{#- Fails with one row per value of the column missing from `to`.`field`, once `periods` has a row: the
    catalogue's relationship to the indicator mart, which an empty warehouse (no extract yet, so no
    period to count in) holds trivially. -#}
{% test has_values_once_periods_exist(model, column_name, to, field, periods) %}
select tested.{{ column_name }} as value_missing_from_to
from {{ model }} as tested
where tested.{{ column_name }} is not null
    and exists (select 1 from {{ periods }})
    and not exists (
        select 1 from {{ to }} as target where target.{{ field }} = tested.{{ column_name }}
    )
{% endtest %}


{#- Names of columns that hold or point at a person-level record: person keys (and any other *_key or
    *_keys column, and any person_* column), record numbers, exact ages and dates of a person's records.
    A reporting table is aggregates only and has none of them. -#}
{% macro person_level_column_names() -%}
    {{ return([
        'person_key', 'linked_person_key', 'defendant_key', 'suspect_key', 'victim_key', 'victim_key_list',
        'identification_id', 'first_identification_id', 'return_id', 'stay_id', 'referral_id', 'call_id',
        'health_service_id', 'training_row_id', 'case_reference', 'operation_reference', 'source_row',
        'batch_id', 'age_at_identification', 'age_at_return', 'identified_on', 'departed_on',
    ]) }}
{%- endmacro %}

{% macro is_person_level_column(column_name) -%}
    {%- set name = column_name | lower -%}
    {{ return(
        name in person_level_column_names()
        or name.endswith('_key')
        or name.endswith('_keys')
        or name.startswith('person_')
    ) }}
{%- endmacro %}


{#- Fails with one row per column of the model that is person-level (is_person_level_column), read from
    the built relation, so a column added later to the SQL is caught even if the YAML forgets it. -#}
{% test has_no_person_level_columns(model) %}
{%- set found = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
        {%- if is_person_level_column(column.name) -%}
            {%- do found.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- if found %}
{%- for name in found %}
select cast('{{ name }}' as {{ dbt.type_string() }}) as person_level_column
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- else %}
select cast(null as {{ dbt.type_string() }}) as person_level_column where 1 = 0
{%- endif %}
{% endtest %}
