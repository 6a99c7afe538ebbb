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
{#- orders of a person's records: the precedence rule; first seen (date first, then identifications);
    first identification (fct_identifications' order). Each is total: record_id is unique in a source. #}
{%- set precedence = ["case when is_identification then 0 else 1 end", "event_on", "record_id", "source"] %}
{%- set seen_order = ["event_on", "case when is_identification then 0 else 1 end", "record_id", "source"] %}
{%- set identification_order = ["event_on", "record_id", "source"] %}
{%- set known_sex = "sex is not null and sex <> 'unknown'" %}

with records as (
    select * from {{ ref('int_person_records_unioned') }}
    {{ incremental_where('person_key') }}
),

-- one pass over the records: the first record of each order by first_by (macros/first_by.sql), and the
-- counts
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
        max(birth_year_estimate) - min(birth_year_estimate) as birth_year_spread,
        -- the first identification
        {{ first_by('event_on', identification_order, 'is_identification') }} as first_identified_on,
        {{ first_by('agency', identification_order, 'is_identification') }} as identifying_agency,
        {{ first_by('record_id', identification_order, 'is_identification') }} as first_identification_id,
        -- the first record of any kind
        {{ first_by('event_on', seen_order) }} as first_seen_on,
        {{ first_by('agency', seen_order) }} as first_seen_agency,
        {{ first_by('source', seen_order) }} as first_seen_source,
        {{ first_by('event_kind', seen_order) }} as first_seen_event_kind,
        -- each attribute from the first record, by precedence, that reports a known value of it
        {{ first_by('sex', precedence, known_sex) }} as sex,
        {{ first_by('source', precedence, known_sex) }} as sex_source,
        {{ first_by('nationality_iso3', precedence, 'nationality_iso3 is not null') }} as nationality_iso3,
        {{ first_by('source', precedence, 'nationality_iso3 is not null') }} as nationality_source,
        {{ first_by('birth_year_estimate', precedence, 'birth_year_estimate is not null') }} as birth_year_estimate,
        {{ first_by('source', precedence, 'birth_year_estimate is not null') }} as age_source
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
        per_person.first_identified_on,
        per_person.identifying_agency,
        per_person.first_identification_id,
        per_person.formally_identified_on,
        cast(per_person.n_identification_records as integer) as n_identification_records,
        per_person.first_seen_on,
        per_person.first_seen_agency,
        per_person.first_seen_source,
        per_person.first_seen_event_kind,
        coalesce(per_person.sex, 'unknown') as sex,
        per_person.sex_source,
        per_person.nationality_iso3,
        per_person.nationality_source,
        per_person.birth_year_estimate,
        per_person.age_source,
        {{ calendar_year('per_person.first_identified_on') }} - per_person.birth_year_estimate
            as age_at_first_identification,
        {{ calendar_year('per_person.first_seen_on') }} - per_person.birth_year_estimate as age_at_first_seen,
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
)

select * from final
