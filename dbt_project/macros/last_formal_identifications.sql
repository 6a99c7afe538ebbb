{#- Each person's last formal identification date: H2 counts a call referred for identification as having
    led to one when the person it names was identified on or after the call. The prevention indicators
    and their input fingerprint (which must see the same rule) both read it from here. A join, not a
    correlated EXISTS, which PostgreSQL runs once per call over every identification. -#}
{% macro last_formal_identifications() -%}
    select person_key, max(identified_on) as last_identified_on
    from {{ ref('fct_identifications') }}
    where identification_status = 'identified'
    group by person_key
{%- endmacro %}
