-- Every project macro and every dbt cross-database macro the models use, run on literal inputs with
-- the answer written beside it: one row per case, passed = the engine gave that answer. Built on both
-- engines by every build, so a macro that drifts on one engine fails the build by name (the test in
-- _platform__models.yml) before it can make the two warehouses disagree. Edge cases are the ones the
-- models depend on: leap days, year ends, ties in rounding, empty lists, nulls.
{%- set cases = [
    ('calendar_year', 'leap day', calendar_year("cast('2008-02-29' as date)") ~ ' = 2008'),
    ('calendar_year', 'new year eve', calendar_year("cast('2009-12-31' as date)") ~ ' = 2009'),
    ('calendar_quarter', 'end of March', calendar_quarter("cast('2009-03-31' as date)") ~ ' = 1'),
    ('calendar_quarter', 'first of October', calendar_quarter("cast('2009-10-01' as date)") ~ ' = 4'),
    ('calendar_month', 'leap day', calendar_month("cast('2008-02-29' as date)") ~ ' = 2'),
    ('day_of_month', 'leap day', day_of_month("cast('2008-02-29' as date)") ~ ' = 29'),
    ('iso_day_of_week', 'a Monday', iso_day_of_week("cast('2008-01-07' as date)") ~ ' = 1'),
    ('iso_day_of_week', 'a Sunday', iso_day_of_week("cast('2008-01-06' as date)") ~ ' = 7'),
    ('dq_calendar_month', 'December', dq_calendar_month("cast('2010-12-31' as date)") ~ ' = 12'),
    ('month_name', 'English', month_name('2', 'en') ~ " = 'February'"),
    ('month_name', 'Turkish', month_name('8', 'tr') ~ " = 'Ağustos'"),
    ('age_group', 'seventeen', age_group('17') ~ " = 'child'"),
    ('age_group', 'eighteen', age_group('18') ~ " = 'adult'"),
    ('age_group', 'unknown', age_group('cast(null as integer)') ~ " = 'unknown'"),
    ('split_part_portable', 'second item', split_part_portable("'a|bb|c'", "'|'", '2') ~ " = 'bb'"),
    ('split_part_portable', 'last item', split_part_portable("'a|bb|c'", "'|'", '3') ~ " = 'c'"),
    ('list_item_count', 'three items', list_item_count("'a|bb|c'", '|') ~ ' = 3'),
    ('list_item_count', 'one item', list_item_count("'a'", '|') ~ ' = 1'),
    ('list_item_count', 'null list', list_item_count('cast(null as text)', '|') ~ ' = 0'),
    ('dq_integer_divide', 'floors', dq_integer_divide('7', '2') ~ ' = 3'),
    ('dq_round_ratio', 'tie rounds away from zero', dq_round_ratio('3', '2000', 4) ~ " = cast('0.0015' as numeric(12, 4))"),
    ('dq_round_ratio', 'negative tie', dq_round_ratio('-1', '8', 2) ~ " = cast('-0.13' as numeric(12, 2))"),
    ('dq_round_ratio', 'zero denominator', dq_round_ratio('1', '0', 2) ~ ' is null'),
    ('dq_percent', 'two thirds', dq_percent('2', '3', 1) ~ " = cast('66.7' as numeric(7, 1))"),
    ('enforcement_instance_level', 'cassation', enforcement_instance_level("'cassation'") ~ ' = 3'),
    ('enforcement_sentence_band', 'just under 8 years', enforcement_sentence_band('95', 'true') ~ " = '5y_to_under_8y'"),
    ('enforcement_sentence_band', 'Art. 80 minimum', enforcement_sentence_band('96', 'true') ~ " = '8y_and_over'"),
    ('enforcement_sentence_band', 'no conviction', enforcement_sentence_band('96', 'false') ~ ' is null'),
    ('enforcement_case_reference_year', 'Esas No', enforcement_case_reference_year("'2008/123'") ~ ' = 2008'),
    ('reporting_round_count', 'two rounds down', reporting_round_count('2') ~ ' = 0'),
    ('reporting_round_count', 'three rounds up', reporting_round_count('3') ~ ' = 5'),
    ('reporting_round_count', 'twelve', reporting_round_count('12') ~ ' = 10'),
    ('reporting_is_withheld', 'small base', reporting_is_withheld('5', '9', "'persons'")),
    ('reporting_is_withheld', 'large base and count', 'not ' ~ reporting_is_withheld('10', '40', "'persons'")),
    ('dbt.datediff', 'across a leap day', dbt.datediff("cast('2008-02-28' as date)", "cast('2008-03-01' as date)", 'day') ~ ' = 2'),
    ('dbt.dateadd', 'one month from 31 January', 'cast(' ~ dbt.dateadd('month', 1, "cast('2009-01-31' as date)") ~ " as date) = cast('2009-02-28' as date)"),
    ('dbt.date_trunc', 'quarter', 'cast(' ~ dbt.date_trunc('quarter', "cast('2009-05-17' as date)") ~ " as date) = cast('2009-04-01' as date)"),
    ('dbt.concat', 'two strings', dbt.concat(["'ab'", "'cd'"]) ~ " = 'abcd'"),
] %}

with cases as (
    {%- for macro_name, case_name, expression in cases %}
    select
        cast('{{ macro_name }}' as {{ dbt.type_string() }}) as macro_name,
        cast('{{ case_name }}' as {{ dbt.type_string() }}) as case_name,
        coalesce({{ expression }}, false) as passed
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

listagg_case as (
    select
        cast('dbt.listagg' as {{ dbt.type_string() }}) as macro_name,
        cast('ordered list' as {{ dbt.type_string() }}) as case_name,
        coalesce({{ dbt.listagg('item', "','", 'order by item') }} = 'a,b,c', false) as passed
    from (select 'c' as item union all select 'a' union all select 'b') as items
),

series_case as (
    select
        cast('dbt.generate_series' as {{ dbt.type_string() }}) as macro_name,
        cast('one to five' as {{ dbt.type_string() }}) as case_name,
        coalesce(count(*) = 5 and sum(generated_number) = 15, false) as passed
    from ({{ dbt.generate_series(5) }}) as series
),

final as (
    select * from cases
    union all
    select * from listagg_case
    union all
    select * from series_case
)

select * from final
