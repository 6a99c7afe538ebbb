-- One row per labour inspection that screened workers for trafficking indicators.
with inspections as (
    select * from {{ ref('stg_labour__inspections') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

final as (
    select
        cast(inspections.inspection_id as text) as inspection_id,
        cast(inspections.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(inspections.inspected_on as date) as inspected_on,
        {{ calendar_year('inspections.inspected_on') }} as inspection_year,
        cast(inspections.province_plate_code as integer) as province_plate_code,
        cast(inspections.sector as text) as sector,
        cast(inspections.workers_checked as integer) as workers_checked,
        cast(inspections.indicators_found as integer) as indicators_found,
        inspections.indicators_found > 0 as has_indicators,
        inspections.was_referred_to_police,
        cast(inspections.inspection_hours as numeric(7, 2)) as inspection_hours
    from inspections
    inner join batches on inspections.batch_id = batches.batch_id
)

select * from final
