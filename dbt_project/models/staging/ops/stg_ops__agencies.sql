-- The agency registry (ingest/agencies.yaml), copied into ops.agencies by `taskforce build`.
with source as (
    select * from {{ source('ops', 'agencies') }}
),

renamed as (
    select
        code as agency,
        name_en as agency_name_en,
        name_tr as agency_name_tr,
        type as agency_type,
        ministry,
        role as coordinator_role,
        reporting as reporting_frequency,
        cast(deadline_days as integer) as deadline_days
    from source
)

select * from renamed
