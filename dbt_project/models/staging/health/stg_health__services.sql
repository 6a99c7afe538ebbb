-- One row per health visit of a victim. The contract declares no unique key: the row is identified by
-- (batch_id, source_row).
with source as (
    select * from {{ source('health', 'services') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'health_services'
),

renamed as (
    select
        source._batch_id as batch_id,
        source._source_row as source_row,
        source.person_key,
        cast(source.service_date as date) as served_on,
        cast(source.province_code as integer) as province_plate_code,
        source.service_type as service_type_source_code,
        service_type_code.code as service_type,
        source.provider_type as provider_type_source_code,
        provider_type_code.code as provider_type
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as service_type_code
        on service_type_code.column_name = 'service_type' and service_type_code.source_code = source.service_type
    left join codes as provider_type_code
        on provider_type_code.column_name = 'provider_type' and provider_type_code.source_code = source.provider_type
)

select * from renamed
