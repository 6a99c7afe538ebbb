{#- Fails with one row per source value that has no harmonized code, naming the value, so the
    missing line in seeds/source_codes.csv is obvious. -#}
{% test code_is_mapped(model, column_name, source_column) %}
select {{ source_column }} as unmapped_source_value, count(*) as rows_affected
from {{ model }}
where {{ source_column }} is not null and {{ column_name }} is null
group by {{ source_column }}
{% endtest %}
