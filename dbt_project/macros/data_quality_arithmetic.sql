{#- Exact arithmetic for the data-quality marts (models/marts/data_quality/), the same on every engine.

    Dividing and rounding is where engines part: PostgreSQL truncates integer division and divides
    numerics exactly, DuckDB turns `/` on integers and decimals into a double. Rounding that double
    can land on the other side of a tie (100 * 3 / 2000 = 0.15 is 0.1499999... as a double), so the
    cross-engine identity test would see different rows. These macros therefore round with integer
    arithmetic only: round(n / d, k) = sign(n) * floor((2 * 10^k * |n| + d) / (2 * d)) / 10^k (half away
    from zero), where the one engine-specific piece, floor division of non-negative integers, is a
    dispatched macro. The result is a numeric built by multiplying an integer by a decimal literal,
    which both engines keep exact. -#}

{#- Floor division of two non-negative integer expressions (bigint). -#}
{% macro dq_integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('dq_integer_divide', 'taskforce')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__dq_integer_divide(numerator, denominator) -%}
    (cast({{ numerator }} as bigint) / cast({{ denominator }} as bigint))
{%- endmacro %}

{% macro duckdb__dq_integer_divide(numerator, denominator) -%}
    (cast({{ numerator }} as bigint) // cast({{ denominator }} as bigint))
{%- endmacro %}

{#- numerator / denominator rounded half away from zero to `decimals` places, as numeric(precision,
    decimals). Both arguments are integer expressions; null when the denominator is null or not
    positive, or the numerator is null. Keep |numerator| * 2 * 10^decimals within bigint. -#}
{% macro dq_round_ratio(numerator, denominator, decimals, precision=12) -%}
    {%- set scale = 10 ** decimals -%}
    {%- set step = '1' if decimals == 0 else '0.' ~ ('0' * (decimals - 1)) ~ '1' -%}
    case
        when ({{ denominator }}) is null or ({{ numerator }}) is null or ({{ denominator }}) <= 0 then null
        else cast(
            (case when ({{ numerator }}) < 0 then -1 else 1 end)
            * cast({{ dq_integer_divide(
                '2 * ' ~ scale ~ ' * abs(cast(' ~ numerator ~ ' as bigint)) + cast(' ~ denominator ~ ' as bigint)',
                '2 * cast(' ~ denominator ~ ' as bigint)'
            ) }} as numeric(18, 0))
            * cast({{ step }} as numeric({{ decimals + 1 }}, {{ decimals }}))
            as numeric({{ precision }}, {{ decimals }}))
    end
{%- endmacro %}

{#- part / whole * 100, rounded to `decimals` places (DHIS2 REPORTING_RATE style percentages). -#}
{% macro dq_percent(part, whole, decimals=1) -%}
    {{ dq_round_ratio('100 * (' ~ part ~ ')', whole, decimals, 7) }}
{%- endmacro %}

{#- Calendar month (1-12) of a date as an integer (EXTRACT returns numeric on PostgreSQL). -#}
{% macro dq_calendar_month(date_expression) -%}
    {{ return(adapter.dispatch('dq_calendar_month', 'taskforce')(date_expression)) }}
{%- endmacro %}

{% macro default__dq_calendar_month(date_expression) -%}
    cast(extract(month from {{ date_expression }}) as integer)
{%- endmacro %}
