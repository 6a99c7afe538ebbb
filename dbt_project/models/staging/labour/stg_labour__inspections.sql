with source as (
    select * from {{ source('labour', 'inspections') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'labour_inspections'
),

renamed as (
    select
        source.inspection_ref as inspection_id,
        source._batch_id as batch_id,
        source._source_row as source_row,
        cast(source.inspection_date as date) as inspected_on,
        cast(source.province_code as integer) as province_plate_code,
        source.sector as sector_source_code,
        sector_code.code as sector,
        cast(source.workers_checked as integer) as workers_checked,
        cast(source.indicators_found as integer) as indicators_found,
        source.referred_to_police as referred_to_police_source_code,
        case referred_code.code when 'true' then true when 'false' then false end as was_referred_to_police,
        cast(source.inspection_hours as numeric(7, 2)) as inspection_hours
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as sector_code
        on sector_code.column_name = 'sector' and sector_code.source_code = source.sector
    left join codes as referred_code
        on referred_code.column_name = 'referred_to_police' and referred_code.source_code = source.referred_to_police
)

select * from renamed
