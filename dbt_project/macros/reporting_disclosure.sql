{#- Disclosure control of the reporting schema (the donor role reads it directly): see the
    rule_disclosure doc in models/marts/indicators/_indicators__docs.md.

    - reporting_round_count(n): n rounded to the nearest multiple of var('reporting_rounding_base')
      (default 5), halves up: 1-2 -> 0, 3-7 -> 5, 8-12 -> 10. Integer arithmetic only (floor division
      is the dispatched dq_integer_divide of macros/data_quality_arithmetic.sql), so both engines agree.
      A base of 1 leaves counts as they are.
    - reporting_is_withheld(numerator, denominator, unit): true when a share, rate or average must not
      be shown: its base (denominator) is below var('reporting_threshold') (default 10), or, for shares
      and rates, its numerator is a count from 1 to the threshold minus one (a count that primary
      suppression would hide). An average (unit days) has a sum of days as numerator: only its base
      counts. -#}

{% macro reporting_rounding_base() -%}
    {%- set base = var('reporting_rounding_base', 5) | int -%}
    {%- if base < 1 -%}
        {{ exceptions.raise_compiler_error("var reporting_rounding_base must be 1 or more; got " ~ base) }}
    {%- endif -%}
    {{ return(base) }}
{%- endmacro %}

{% macro reporting_threshold() -%}
    {{ return(var('reporting_threshold', 10) | int) }}
{%- endmacro %}

{% macro reporting_round_count(expression) -%}
    {%- set base = reporting_rounding_base() -%}
    {%- if base == 1 -%}
        cast({{ expression }} as bigint)
    {%- else -%}
        cast(
            {{ dq_integer_divide('2 * (' ~ expression ~ ') + ' ~ base, 2 * base) }} * {{ base }}
            as bigint)
    {%- endif -%}
{%- endmacro %}

{% macro reporting_is_withheld(numerator, denominator, unit) -%}
    {%- set threshold = reporting_threshold() -%}
    (
        coalesce({{ denominator }}, 0) < {{ threshold }}
        or ({{ unit }} <> 'days' and coalesce({{ numerator }}, 0) between 1 and {{ threshold - 1 }})
    )
{%- endmacro %}
