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
    select
        identifications.identification_id,
        identifications.batch_id,
        batches.agency as identifying_agency,
        identifications.person_key,
        identifications.identified_on,
        {{ calendar_year('identifications.identified_on') }} as identification_year,
        identifications.identification_status,
        identifications.province_plate_code,
        identifications.nationality_iso3,
        identifications.sex,
        identifications.age_at_identification,
        {{ age_group('identifications.age_at_identification') }} as age_group,
        exploitation.exploitation_types,
        coalesce(exploitation.is_sexual_exploitation, false) as is_sexual_exploitation,
        coalesce(exploitation.is_forced_labour, false) as is_forced_labour,
        coalesce(exploitation.is_other_exploitation, false) as is_other_exploitation,
        identifications.referral_source,
        row_number() over (
            partition by identifications.person_key
            order by identifications.identified_on, identifications.identification_id
        ) = 1 as is_first_identification_of_person
    from identifications
    inner join batches on identifications.batch_id = batches.batch_id
    left join exploitation on identifications.identification_id = exploitation.identification_id
)

select * from final
