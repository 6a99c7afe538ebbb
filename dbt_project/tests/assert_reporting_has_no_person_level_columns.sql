-- The reporting schema is what the donor role reads: aggregates only. Fails with one row per column of
-- any table or view in that schema (including tables other models add later, with or without the
-- has_no_person_level_columns test) whose name marks person-level data: a person key or any other
-- *_key / *_keys column, a person_* column, a record number (macros/test_indicator_checks.sql).
-- depends_on: {{ ref('rpt_indicator_catalogue') }}
-- depends_on: {{ ref('rpt_logframe_progress') }}
-- depends_on: {{ ref('rpt_victims_by_year_sex_age') }}
-- depends_on: {{ ref('rpt_victims_by_exploitation') }}
-- depends_on: {{ ref('rpt_victims_by_nationality_group') }}
-- depends_on: {{ ref('rpt_prosecutions_convictions_by_year') }}
-- depends_on: {{ ref('rpt_code_labels') }}
-- depends_on: {{ ref('rpt_data_vintage') }}
-- depends_on: {{ ref('rpt_data_vintage_batches') }}
{%- set reporting_schema = ref('rpt_indicator_values').schema %}

select
    table_name,
    column_name as person_level_column
from information_schema.columns
where lower(table_schema) = lower('{{ reporting_schema }}')
    and (
        lower(column_name) in ('{{ person_level_column_names() | join("', '") }}')
        or right(lower(column_name), 4) = '_key'
        or right(lower(column_name), 5) = '_keys'
        or left(lower(column_name), 7) = 'person_'
    )
