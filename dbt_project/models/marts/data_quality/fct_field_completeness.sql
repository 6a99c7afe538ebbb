-- Field completeness (Q3) per source, sending agency, year and key field: rows, rows with a known value,
-- and the percentage (rows_known / rows_total x 100, one decimal, exact on every engine). Unknown codes
-- count as missing (see int_key_fields_counted for the rule of each field).
with counted as (
    select * from {{ ref('int_key_fields_counted') }}
),

final as (
    select
        cast(source_name as text) as source_name,
        cast(agency as text) as agency,
        cast(period_year as integer) as period_year,
        cast(field_name as text) as field_name,
        cast(column_name as text) as column_name,
        cast(missing_rule as text) as missing_rule,
        cast(rows_total as bigint) as rows_total,
        cast(rows_known as bigint) as rows_known,
        cast(rows_total - rows_known as bigint) as rows_missing,
        {{ dq_percent('rows_known', 'rows_total', 1) }} as completeness_pct
    from counted
)

select * from final
