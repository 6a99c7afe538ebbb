-- One row per identification record of a presumed or identified victim. A person identified twice has
-- two rows; count persons with count(distinct person_key) or is_first_identification_of_person.
with identifications as (
    select * from {{ ref('int_identifications_unioned') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

exploitation as (
    select
        identification_id,
        {{ dbt.listagg('exploitation_type', "','", "order by exploitation_type") }} as exploitation_types,
        max(case when exploitation_type = 'sexual_exploitation' then 1 else 0 end) = 1 as is_sexual_exploitation,
        max(case when exploitation_type = 'forced_labour' then 1 else 0 end) = 1 as is_forced_labour,
        max(case when exploitation_type not in ('sexual_exploitation', 'forced_labour') then 1 else 0 end) = 1
            as is_other_exploitation
    from {{ ref('int_identification_exploitation_types_unioned') }}
    group by identification_id
),

final as (
    -- explicit casts: the enforced contract gives both engines the same column types
    select
        cast(identifications.identification_id as text) as identification_id,
        cast(identifications.batch_id as text) as batch_id,
        cast(batches.agency as text) as identifying_agency,
        cast(identifications.person_key as text) as person_key,
        cast(identifications.identified_on as date) as identified_on,
        {{ calendar_year('identifications.identified_on') }} as identification_year,
        cast(identifications.identification_status as text) as identification_status,
        cast(identifications.province_plate_code as integer) as province_plate_code,
        cast(identifications.nationality_iso3 as text) as nationality_iso3,
        cast(identifications.sex as text) as sex,
        cast(identifications.age_at_identification as integer) as age_at_identification,
        cast({{ age_group('identifications.age_at_identification') }} as text) as age_group,
        cast(exploitation.exploitation_types as text) as exploitation_types,
        coalesce(exploitation.is_sexual_exploitation, false) as is_sexual_exploitation,
        coalesce(exploitation.is_forced_labour, false) as is_forced_labour,
        coalesce(exploitation.is_other_exploitation, false) as is_other_exploitation,
        cast(identifications.referral_source as text) as referral_source,
        row_number() over (
            partition by identifications.person_key
            order by identifications.identified_on, identifications.identification_id
        ) = 1 as is_first_identification_of_person
    from identifications
    inner join batches on identifications.batch_id = batches.batch_id
    left join exploitation on identifications.identification_id = exploitation.identification_id
)

select * from final
