{#- Child / adult split used by every framework (GLOTIP, Eurostat, TIP): under 18 is a child. -#}
{% macro age_group(age_column) -%}
    case
        when {{ age_column }} is null then 'unknown'
        when {{ age_column }} < 18 then 'child'
        else 'adult'
    end
{%- endmacro %}
