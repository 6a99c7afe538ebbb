-- One row per assisted return. was_identified links the return to an identification in the warehouse
-- through the pseudonymous person key.
with returns as (
    select * from {{ ref('stg_iom__returns') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

identified_persons as (
    select distinct person_key from {{ ref('int_identifications_unioned') }}
),

final as (
    select
        returns.return_id,
        returns.batch_id,
        batches.agency as reporting_agency,
        returns.person_key,
        returns.departed_on,
        {{ calendar_year('returns.departed_on') }} as return_year,
        returns.destination_iso3,
        returns.return_type,
        returns.has_reintegration_assistance,
        returns.sex,
        returns.age_at_return,
        {{ age_group('returns.age_at_return') }} as age_group,
        identified_persons.person_key is not null as was_identified
    from returns
    inner join batches on returns.batch_id = batches.batch_id
    left join identified_persons on returns.person_key = identified_persons.person_key
)

select * from final
