-- One row per referral of a victim from one agency to another. Any agency may send this extract: the
-- sending agency is the batch's (from the file name); from_agency is what the file says. The contract
-- declares no unique key: the row is identified by (batch_id, source_row).
with source as (
    select * from {{ source('referrals', 'referrals') }}
),

active_batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'referrals'
),

renamed as (
    select
        source._batch_id as batch_id,
        source._source_row as source_row,
        active_batches.agency as sending_agency,
        source.person_key,
        source.from_agency as from_agency_source_code,
        from_agency_code.code as from_agency,
        source.to_agency as to_agency_source_code,
        to_agency_code.code as to_agency,
        cast(source.referred_on as date) as referred_on,
        source.service_requested as service_requested_source_code,
        service_code.code as service_requested,
        cast(source.accepted_on as date) as accepted_on
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as from_agency_code
        on from_agency_code.column_name = 'from_agency' and from_agency_code.source_code = source.from_agency
    left join codes as to_agency_code
        on to_agency_code.column_name = 'to_agency' and to_agency_code.source_code = source.to_agency
    left join codes as service_code
        on service_code.column_name = 'service_requested' and service_code.source_code = source.service_requested
)

select * from renamed
