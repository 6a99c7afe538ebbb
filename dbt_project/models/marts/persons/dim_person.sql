-- One row per person (de-duplicated across agencies by the pseudonymous key), with the attributes
-- resolved in int_persons_resolved. No identifying detail: no dates (years only), no exact age (the age
-- group), no record numbers.
with persons as (
    select * from {{ ref('int_persons_resolved') }}
),

nationalities as (
    select nationality_iso3, citizenship_group from {{ ref('dim_nationality') }}
),

final as (
    select
        cast(persons.person_key as text) as person_key,
        cast(persons.sex as text) as sex,
        cast(persons.nationality_iso3 as text) as nationality_iso3,
        cast(coalesce(nationalities.citizenship_group, 'unknown') as text) as citizenship_group,
        -- the child definition is age at identification; a person never identified is placed by the
        -- age at their first record
        cast(
            {{ age_group('coalesce(persons.age_at_first_identification, persons.age_at_first_seen)') }}
            as text
        ) as age_group,
        cast({{ calendar_year('persons.first_identified_on') }} as integer) as first_identification_year,
        cast(persons.identifying_agency as text) as identifying_agency,
        cast(persons.person_identification_status as text) as person_identification_status,
        cast(persons.person_identification_status = 'identified' as boolean) as is_identified,
        cast(persons.person_identification_status = 'presumed_only' as boolean) as is_presumed_only,
        cast(persons.person_identification_status = 'never_identified' as boolean) as is_never_identified,
        cast(persons.n_sex_values as integer) as n_sex_values,
        cast(persons.n_nationality_values as integer) as n_nationality_values,
        cast(persons.n_birth_year_values as integer) as n_birth_year_values,
        cast(persons.has_sex_disagreement as boolean) as has_sex_disagreement,
        cast(persons.has_nationality_disagreement as boolean) as has_nationality_disagreement,
        cast(persons.has_age_disagreement as boolean) as has_age_disagreement,
        cast(
            case when persons.has_sex_disagreement then 1 else 0 end
            + case when persons.has_nationality_disagreement then 1 else 0 end
            + case when persons.has_age_disagreement then 1 else 0 end
            as integer
        ) as n_attribute_disagreements,
        cast(persons.n_records as integer) as n_records,
        cast(persons.n_agencies as integer) as n_agencies
    from persons
    left join nationalities on persons.nationality_iso3 = nationalities.nationality_iso3
)

select * from final
