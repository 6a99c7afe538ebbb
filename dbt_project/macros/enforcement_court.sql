{#- Court decisions: the order of the court instances, and the sentence bands of the donor tables.
    Both work on harmonized codes (seeds/source_codes.csv), never on what an agency sends. -#}

{#- Level of a harmonized court instance: a higher level reviews the decisions of a lower one. A code
    without a level gives null, and the not_null test on instance_level fails the build. -#}
{% macro enforcement_instance_level(instance_column) -%}
    cast(case {{ instance_column }}
        when 'first_instance' then 1
        when 'regional_appeal' then 2
        when 'cassation' then 3
    end as integer)
{%- endmacro %}


{#- TPC Art. 80's minimum prison sentence, 8 years, in months. -#}
{% macro enforcement_art80_minimum_months() -%}
    96
{%- endmacro %}


{#- Prison sentence band (P8). TPC Art. 80's minimum is 8 years (96 months), so '8y_and_over' is the
    share at or above the trafficking minimum. Null when there is no conviction; 'unknown' for a
    conviction without a sentence in months. A sentence of 0 months (a fine only) is under 2 years. -#}
{% macro enforcement_sentence_band(sentence_months_column, is_conviction_expression) -%}
    case
        when not ({{ is_conviction_expression }}) then null
        when {{ sentence_months_column }} is null then 'unknown'
        when {{ sentence_months_column }} < 24 then 'under_2y'
        when {{ sentence_months_column }} < 60 then '2y_to_under_5y'
        when {{ sentence_months_column }} < {{ enforcement_art80_minimum_months() }} then '5y_to_under_8y'
        else '8y_and_over'
    end
{%- endmacro %}


{#- Year of an Esas No (year/sequence): the year the case was registered with the court. -#}
{% macro enforcement_case_reference_year(case_reference_column) -%}
    cast({{ split_part_portable(case_reference_column, "'/'", 1) }} as integer)
{%- endmacro %}
