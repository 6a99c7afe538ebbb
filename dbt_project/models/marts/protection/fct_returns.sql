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
    -- explicit casts: the enforced contract gives both engines the same column types
    select
        cast(returns.return_id as text) as return_id,
        cast(returns.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(returns.person_key as text) as person_key,
        cast(returns.departed_on as date) as departed_on,
        {{ calendar_year('returns.departed_on') }} as return_year,
        cast(returns.destination_iso3 as text) as destination_iso3,
        cast(returns.return_type as text) as return_type,
        returns.has_reintegration_assistance,
        cast(returns.sex as text) as sex,
        cast(returns.age_at_return as integer) as age_at_return,
        cast({{ age_group('returns.age_at_return') }} as text) as age_group,
        identified_persons.person_key is not null as was_identified
    from returns
    inner join batches on returns.batch_id = batches.batch_id
    left join identified_persons on returns.person_key = identified_persons.person_key
)

select * from final
