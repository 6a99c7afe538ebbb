{#- Number of items in a list with a one-character delimiter (0 when the list is null): delimiters + 1.
    Plain length/replace, the same on every engine. -#}
{% macro list_item_count(list_expression, delimiter) -%}
    case
        when {{ list_expression }} is null then 0
        else length({{ list_expression }}) - length(replace({{ list_expression }}, '{{ delimiter }}', '')) + 1
    end
{%- endmacro %}
