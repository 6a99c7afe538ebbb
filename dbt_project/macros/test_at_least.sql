{#- Fails with one row per value below the minimum, e.g. a negative length of stay (a discharge before
    the admission) that would otherwise pull averages and occupancy down unnoticed. -#}
{% test at_least(model, column_name, minimum) %}
select {{ column_name }} as value_below_minimum, count(*) as rows_affected
from {{ model }}
where {{ column_name }} < {{ minimum }}
group by {{ column_name }}
{% endtest %}
