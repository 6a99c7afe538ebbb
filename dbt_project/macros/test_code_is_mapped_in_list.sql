{#- code_is_mapped for a multi-value column (a delimited list of agency codes): fails with one row per
    list item that has no line in seeds/source_codes.csv. The one-row-per-item models match the list
    against the seed, so an item without a seed line would otherwise vanish without a trace. Items are
    cut out with split_part_portable over generated positions (1..max_items), the same on every engine. -#}
{% test code_is_mapped_in_list(model, column_name, seed_source, seed_column, delimiter=',', max_items=100) %}
with lists as (
    select {{ column_name }} as code_list
    from {{ model }}
    where {{ column_name }} is not null
),

positions as (
    {{ dbt.generate_series(max_items) }}
),

items as (
    select trim({{ split_part_portable('lists.code_list', "'" ~ delimiter ~ "'", 'positions.generated_number') }}) as item
    from lists
    cross join positions
    where positions.generated_number <= {{ list_item_count('lists.code_list', delimiter) }}
),

codes as (
    select source_code
    from {{ ref('source_codes') }}
    where source = '{{ seed_source }}' and column_name = '{{ seed_column }}'
)

select items.item as unmapped_source_value, count(*) as rows_affected
from items
left join codes on items.item = codes.source_code
where codes.source_code is null
group by items.item
{% endtest %}
