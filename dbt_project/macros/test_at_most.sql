{#- Fails with one row per value above the maximum, e.g. a list longer than a model unpacks. -#}
{% test at_most(model, column_name, maximum) %}
select {{ column_name }} as value_above_maximum, count(*) as rows_affected
from {{ model }}
where {{ column_name }} > {{ maximum }}
group by {{ column_name }}
{% endtest %}
