-- The agencies of the registry (ingest/agencies.yaml, synced into ops at every build), one row per
-- agency. Which agencies identify victims comes from the contracts they are expected to send, never
-- from a list of agency codes.
with agencies as (
    select * from {{ ref('stg_ops__agencies') }}
),

agency_sources as (
    select * from {{ ref('stg_ops__agency_sources') }}
),

expected_sources as (
    select
        agency,
        count(*) as expected_source_count,
        -- an identification contract is named <agency>_identifications by convention
        -- (police_identifications, gendarmerie_identifications)
        max(case when source_name like '%identifications' then 1 else 0 end) as sends_identifications
    from agency_sources
    group by agency
),

final as (
    select
        cast(agencies.agency as text) as agency,
        cast(agencies.agency_name_en as text) as agency_name_en,
        cast(agencies.agency_name_tr as text) as agency_name_tr,
        cast(agencies.agency_type as text) as agency_type,
        -- the registry writes '' for agencies outside a ministry (NGOs, IOM)
        cast(nullif(agencies.ministry, '') as text) as ministry,
        cast(agencies.coordinator_role as text) as coordinator_role,
        cast(agencies.reporting_frequency as text) as reporting_frequency,
        cast(agencies.deadline_days as integer) as deadline_days,
        cast(coalesce(expected_sources.expected_source_count, 0) as integer) as expected_source_count,
        coalesce(expected_sources.sends_identifications, 0) = 1 as is_identifying_agency
    from agencies
    left join expected_sources on agencies.agency = expected_sources.agency
)

select * from final
