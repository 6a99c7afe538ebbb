-- One row per person key seen in any extract, with the person's attributes resolved across agencies.
-- The precedence rule (docs block persons_attribute_precedence) is applied to each attribute on its own,
-- over the records that report a known value of it:
--   1. identification records first (the formal identifying authority), then any other record;
--   2. then the earliest record (event date);
--   3. then the lowest record id (then source), as fct_identifications orders a person's identifications.
-- Unknown values (null, sex 'unknown') never take part, so an unknown never beats a known value.
-- Incremental by person (docs block incremental_models): a build recomputes only the persons whose
-- records changed (int_persons_fingerprinted).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ incremental_prepare('int_persons_fingerprinted', 'person_key') }}",
    post_hook="{{ incremental_save_state('int_persons_fingerprinted') }}",
) }}
{{ incremental_depends_on('int_persons_fingerprinted') }}
{%- set precedence = "case when is_identification then 0 else 1 end, event_on, record_id, source" %}

with records as (
    select * from {{ ref('int_person_records_unioned') }}
    {{ incremental_where('person_key') }}
),

sex_ranked as (
    select
        person_key,
        sex,
        source,
        row_number() over (partition by person_key order by {{ precedence }}) as precedence_rank
    from records
    where sex is not null and sex <> 'unknown'
),

nationality_ranked as (
    select
        person_key,
        nationality_iso3,
        source,
        row_number() over (partition by person_key order by {{ precedence }}) as precedence_rank
    from records
    where nationality_iso3 is not null
),

-- ages reported on different dates are compared, and carried to the identification date, as the birth
-- year they imply
birth_year_ranked as (
    select
        person_key,
        birth_year_estimate,
        source,
        row_number() over (partition by person_key order by {{ precedence }}) as precedence_rank
    from records
    where birth_year_estimate is not null
),

-- a person's first identification, in fct_identifications' order (date, then record id)
identifications_ranked as (
    select
        person_key,
        record_id,
        agency,
        event_on,
        row_number() over (partition by person_key order by event_on, record_id, source) as identification_rank
    from records
    where is_identification
),

first_seen_ranked as (
    select
        person_key,
        source,
        agency,
        event_kind,
        event_on,
        row_number() over (
            partition by person_key
            order by event_on, case when is_identification then 0 else 1 end, record_id, source
        ) as seen_rank
    from records
),

per_person as (
    select
        person_key,
        count(*) as n_records,
        count(distinct agency) as n_agencies,
        count(distinct source) as n_sources,
        sum(case when is_identification then 1 else 0 end) as n_identification_records,
        max(case when identification_status = 'identified' then 1 else 0 end) as has_formal_identification,
        min(case when identification_status = 'identified' then event_on end) as formally_identified_on,
        count(distinct case when sex <> 'unknown' then sex end) as n_sex_values,
        count(distinct nationality_iso3) as n_nationality_values,
        count(distinct birth_year_estimate) as n_birth_year_values,
        max(birth_year_estimate) - min(birth_year_estimate) as birth_year_spread
    from records
    group by person_key
),

final as (
    select
        per_person.person_key,
        case
            when per_person.has_formal_identification = 1 then 'identified'
            when per_person.n_identification_records > 0 then 'presumed_only'
            else 'never_identified'
        end as person_identification_status,
        first_identification.event_on as first_identified_on,
        first_identification.agency as identifying_agency,
        first_identification.record_id as first_identification_id,
        per_person.formally_identified_on,
        cast(per_person.n_identification_records as integer) as n_identification_records,
        first_seen.event_on as first_seen_on,
        first_seen.agency as first_seen_agency,
        first_seen.source as first_seen_source,
        first_seen.event_kind as first_seen_event_kind,
        coalesce(sex_resolved.sex, 'unknown') as sex,
        sex_resolved.source as sex_source,
        nationality_resolved.nationality_iso3,
        nationality_resolved.source as nationality_source,
        birth_year_resolved.birth_year_estimate,
        birth_year_resolved.source as age_source,
        {{ calendar_year('first_identification.event_on') }} - birth_year_resolved.birth_year_estimate
            as age_at_first_identification,
        {{ calendar_year('first_seen.event_on') }} - birth_year_resolved.birth_year_estimate as age_at_first_seen,
        cast(per_person.n_sex_values as integer) as n_sex_values,
        per_person.n_sex_values > 1 as has_sex_disagreement,
        cast(per_person.n_nationality_values as integer) as n_nationality_values,
        per_person.n_nationality_values > 1 as has_nationality_disagreement,
        cast(per_person.n_birth_year_values as integer) as n_birth_year_values,
        -- one year apart is what two true ages give around a birthday: only more is a disagreement
        coalesce(per_person.birth_year_spread > 1, false) as has_age_disagreement,
        cast(per_person.n_records as integer) as n_records,
        cast(per_person.n_agencies as integer) as n_agencies,
        cast(per_person.n_sources as integer) as n_sources
    from per_person
    inner join first_seen_ranked as first_seen
        on per_person.person_key = first_seen.person_key and first_seen.seen_rank = 1
    left join identifications_ranked as first_identification
        on per_person.person_key = first_identification.person_key and first_identification.identification_rank = 1
    left join sex_ranked as sex_resolved
        on per_person.person_key = sex_resolved.person_key and sex_resolved.precedence_rank = 1
    left join nationality_ranked as nationality_resolved
        on per_person.person_key = nationality_resolved.person_key and nationality_resolved.precedence_rank = 1
    left join birth_year_ranked as birth_year_resolved
        on per_person.person_key = birth_year_resolved.person_key and birth_year_resolved.precedence_rank = 1
)

select * from final
