-- Which agency is expected to send which source: every contract that names a fixed sender
-- (ingest/sources/*.yaml), copied into ops.agency_sources by `taskforce build`. Sources any agency may
-- send (referrals) expect nothing from anyone.
with source as (
    select * from {{ source('ops', 'agency_sources') }}
),

renamed as (
    select
        agency,
        source as source_name
    from source
)

select * from renamed
