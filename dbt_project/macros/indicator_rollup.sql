{#- The indicator layer's one shape (intermediate/indicators/int_indicator_inputs_*.sql): numerator and
    denominator of one indicator per period and breakdown ("disaggregation").

    `relation` is a CTE (or relation) with one row per counted unit and period: period_type, period_id,
    period_start, period_end, plus any of the breakdown columns below with their values filled in
    ('unknown' for a value the source did not record: an unknown is a category of its own, never a
    null). `numerator` and `denominator` are aggregate SQL expressions over that relation
    (e.g. "count(distinct person_key)"); `denominator` none for a plain count.

    `breakdowns` maps a disaggregation name to the breakdown columns it groups by; the columns it does
    not group by come out null, which means "all" (see the `disaggregation` doc). `'total': []` asks for
    the total, which is produced for every period of the spine (int_indicator_periods_generated): a
    period with nothing to count has a total of 0 (and a denominator of 0 when the indicator has one),
    not a missing row. Other breakdown rows exist only for the categories that occur. Several calls for
    one indicator (e.g. one per meaning of `category`) are unioned by the caller: ask for the total in
    one of them only.

    var('indicator_only_breakdowns') (a list of disaggregation names, default: all) limits the
    breakdowns produced: a test seam, so that a unit test of a formula can expect a few rows instead of
    every breakdown. A call left with nothing to produce gives an empty, typed result.

    `count_when(condition, unit)` below writes the usual conditional distinct count. -#}

{%- macro indicator_breakdown_columns() -%}
    {{ return({
        'province_plate_code': 'integer',
        'nuts1_code': 'text',
        'sex': 'text',
        'age_group': 'text',
        'nationality_group': 'text',
        'exploitation_type': 'text',
        'agency': 'text',
        'category': 'text',
    }) }}
{%- endmacro -%}


{% macro indicator_rollup(relation, indicator_id, numerator, denominator=none, breakdowns={}) -%}
    {%- set columns = indicator_breakdown_columns() -%}
    {%- for name, grouped in breakdowns.items() -%}
        {%- for column in grouped -%}
            {%- if column not in columns -%}
                {{ exceptions.raise_compiler_error(
                    "indicator_rollup(" ~ indicator_id ~ "): breakdown '" ~ name ~ "' groups by '" ~ column
                    ~ "', which is not a breakdown column (" ~ (columns.keys() | join(', ')) ~ ")") }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set only = var('indicator_only_breakdowns', none) -%}
    {%- set wanted = {} -%}
    {%- for name, grouped in breakdowns.items() if only is none or name in only -%}
        {%- do wanted.update({name: grouped}) -%}
    {%- endfor -%}
    {%- set denominator_sql = denominator if denominator is not none else 'null' %}
    {%- set parts = [] %}
    {%- if 'total' in wanted %}
    select
        cast('{{ indicator_id }}' as text) as indicator_id,
        periods.period_type,
        periods.period_id,
        periods.period_start,
        periods.period_end,
        cast('total' as text) as disaggregation,
        {%- for column, data_type in columns.items() %}
        cast(null as {{ data_type }}) as {{ column }},
        {%- endfor %}
        cast(coalesce(totals.numerator, 0) as bigint) as numerator,
        {%- if denominator is not none %}
        cast(coalesce(totals.denominator, 0) as bigint) as denominator
        {%- else %}
        cast(null as bigint) as denominator
        {%- endif %}
    from {{ ref('int_indicator_periods_generated') }} as periods
    left join (
        select
            period_type,
            period_id,
            {{ numerator }} as numerator,
            {{ denominator_sql }} as denominator
        from {{ relation }}
        group by period_type, period_id
    ) as totals
        on periods.period_type = totals.period_type and periods.period_id = totals.period_id
    {%- do parts.append('total') %}
    {%- endif %}
    {%- for name, grouped in wanted.items() if name != 'total' %}
    {% if parts %}union all{% endif %}
    {%- do parts.append(name) %}
    select
        cast('{{ indicator_id }}' as text) as indicator_id,
        period_type,
        period_id,
        period_start,
        period_end,
        cast('{{ name }}' as text) as disaggregation,
        {%- for column, data_type in columns.items() %}
        {%- if column in grouped %}
        cast({{ column }} as {{ data_type }}) as {{ column }},
        {%- else %}
        cast(null as {{ data_type }}) as {{ column }},
        {%- endif %}
        {%- endfor %}
        cast({{ numerator }} as bigint) as numerator,
        cast({{ denominator_sql }} as bigint) as denominator
    from {{ relation }}
    group by period_type, period_id, period_start, period_end, {{ grouped | join(', ') }}
    {%- endfor %}
    {%- if not parts %}
    {#- nothing asked for: an empty result of the same shape #}
    select
        cast('{{ indicator_id }}' as text) as indicator_id,
        period_type,
        period_id,
        period_start,
        period_end,
        cast('total' as text) as disaggregation,
        {%- for column, data_type in columns.items() %}
        cast(null as {{ data_type }}) as {{ column }},
        {%- endfor %}
        cast(null as bigint) as numerator,
        cast(null as bigint) as denominator
    from {{ ref('int_indicator_periods_generated') }}
    where 1 = 0
    {%- endif %}
{%- endmacro %}


{#- count(distinct unit) over the rows where condition holds. -#}
{% macro count_when(condition, unit='person_key') -%}
    count(distinct case when {{ condition }} then {{ unit }} end)
{%- endmacro %}


{#- Rows of `relation` (with a date column) once per period of the spine that contains the date:
    each row comes out three times, for its year, quarter and month. The period is matched by its id,
    one equality join per period type: a range join (`date between start and end`) makes PostgreSQL's
    planner expect a thousand times too many rows and then spend longer compiling the query (JIT) than
    running it, and one join on `period_id in (year, quarter, month)` cannot be hashed: PostgreSQL ran
    it as a nested loop over every period for every row (62 s for 1M helpline calls; 3 s as three hash
    joins). -#}
{% macro indicator_periods_of(relation, date_column) -%}
    {%- set year = 'cast(' ~ calendar_year('dated.' ~ date_column) ~ ' as text)' -%}
    {%- set period_ids = [
        year,
        year ~ " || 'Q' || cast(" ~ calendar_quarter('dated.' ~ date_column) ~ " as text)",
        year ~ " || lpad(cast(" ~ calendar_month('dated.' ~ date_column) ~ " as text), 2, '0')",
    ] -%}
    {%- for period_id in period_ids %}
    {% if not loop.first %}union all{% endif %}
    select
        periods.period_type,
        periods.period_id,
        periods.period_start,
        periods.period_end,
        dated.*
    from {{ relation }} as dated
    inner join {{ ref('int_indicator_periods_generated') }} as periods
        on periods.period_id = {{ period_id }}
    {%- endfor %}
{%- endmacro %}
