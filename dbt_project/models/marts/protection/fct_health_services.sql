-- One row per health visit of a victim. The Ministry of Health is the only sender, its active batches
-- never overlap in period and exact repeats of a row are quarantined at ingest, so staging cannot carry
-- a visit twice; the unique_combination test on the visit's columns guards that.
with visits as (
    select * from {{ ref('stg_health__services') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

final as (
    select
        cast(visits.batch_id || '#' || cast(visits.source_row as text) as text) as health_service_id,
        cast(visits.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(visits.person_key as text) as person_key,
        cast(visits.served_on as date) as served_on,
        {{ calendar_year('visits.served_on') }} as service_year,
        cast(visits.province_plate_code as integer) as province_plate_code,
        cast(visits.service_type as text) as service_type,
        cast(visits.provider_type as text) as provider_type
    from visits
    inner join batches on visits.batch_id = batches.batch_id
)

select * from final
