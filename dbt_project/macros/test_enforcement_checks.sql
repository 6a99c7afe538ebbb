{#- Generic tests for the enforcement marts (case flows, decisions). Named enforcement_* so they cannot
    clash with project-wide tests added elsewhere. -#}

{#- Fails with every row where the SQL expression is false or null (e.g. an arithmetic identity). -#}
{% test enforcement_expression_holds(model, expression) %}
select *
from {{ model }}
where ({{ expression }}) is not true
{% endtest %}


{#- Fails with every group (e.g. defendant and case) that has not exactly one row meeting the condition
    (e.g. exactly one final decision). -#}
{% test enforcement_one_per_group(model, group_columns, condition) %}
select {{ group_columns | join(', ') }}, count(case when {{ condition }} then 1 end) as rows_meeting_condition
from {{ model }}
group by {{ group_columns | join(', ') }}
having count(case when {{ condition }} then 1 end) <> 1
{% endtest %}


{#- Fails with every year whose carried-in count differs from the carried-out count of the year before,
    within the same group (e.g. offence): what one year hands over, the next must take in. -#}
{% test enforcement_flow_continues(
    model, year_column, carried_in_column, carried_out_column, group_columns=[]
) %}
select
    this_year.{{ year_column }},
    {% for column in group_columns %}this_year.{{ column }}, {% endfor %}
    this_year.{{ carried_in_column }} as carried_in,
    previous_year.{{ carried_out_column }} as carried_out_the_year_before
from {{ model }} as this_year
inner join {{ model }} as previous_year
    on previous_year.{{ year_column }} = this_year.{{ year_column }} - 1
    {% for column in group_columns %}and previous_year.{{ column }} = this_year.{{ column }}
    {% endfor %}
where this_year.{{ carried_in_column }} <> previous_year.{{ carried_out_column }}
{% endtest %}
