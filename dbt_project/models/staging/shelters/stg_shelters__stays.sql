-- One row per shelter admission. Any shelter NGO may send this extract: the sending agency is the batch's
-- (from the file name), not a column of the file. The contract declares no unique key: the row is
-- identified by (batch_id, source_row).
with source as (
    select * from {{ source('shelters', 'stays') }}
),

active_batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'shelter_stays'
),

renamed as (
    select
        source._batch_id as batch_id,
        source._source_row as source_row,
        active_batches.agency as sending_agency,
        source.person_key,
        source.shelter_code as shelter_source_code,
        shelter_code.code as shelter,
        cast(source.admitted_date as date) as admitted_on,
        cast(source.discharged_date as date) as discharged_on,
        source.discharge_reason as discharge_reason_source_code,
        discharge_code.code as discharge_reason,
        source.services as service_source_codes
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as shelter_code
        on shelter_code.column_name = 'shelter_code' and shelter_code.source_code = source.shelter_code
    left join codes as discharge_code
        on discharge_code.column_name = 'discharge_reason' and discharge_code.source_code = source.discharge_reason
)

select * from renamed
