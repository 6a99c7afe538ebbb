-- One row per person and reporting period (year, quarter, month) in which the person has an
-- identification record: the counting unit of V1 (identified) and V2 (presumed). A person with an
-- identified record in the period counts as identified there, even if also recorded as presumed; a
-- person with presumed records only counts as presumed. The person's characteristics are those of
-- their first record of that status in the period (earliest date, then record number), so every
-- breakdown adds up to the total: a person re-identified in another province in the same year is in
-- one province only. Counted once per period, a person identified in March and in October is in two
-- months, two quarters and one year: months do not add up to years.
-- Incremental by calendar year (docs block incremental_models): a build recomputes only the years whose
-- identification records or periods changed (int_identification_years_fingerprinted); every row of a
-- period comes from records dated in the period's year. No JIT for it on PostgreSQL
-- (macros/indicator_planner_settings.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        "{{ indicator_planner_settings() }}",
        "{{ incremental_prepare('int_identification_years_fingerprinted', calendar_year('period_start')) }}",
    ],
    post_hook="{{ incremental_save_state('int_identification_years_fingerprinted') }}",
) }}
{{ incremental_depends_on('int_identification_years_fingerprinted') }}

with identifications as (
    select * from {{ ref('fct_identifications') }}
    {{ incremental_where(calendar_year('identified_on')) }}
),

provinces as (
    select province_plate_code, nuts1_code from {{ ref('dim_province') }}
),

nationalities as (
    select nationality_iso3, citizenship_group from {{ ref('dim_nationality') }}
),

records as (
    select
        identifications.identification_id,
        identifications.person_key,
        identifications.identified_on,
        identifications.identification_status,
        identifications.identifying_agency as agency,
        identifications.province_plate_code,
        coalesce(provinces.nuts1_code, 'unknown') as nuts1_code,
        coalesce(identifications.sex, 'unknown') as sex,
        -- the child definition (rule_child): under 18 at identification, by the project's one macro
        {{ age_group('identifications.age_at_identification') }} as age_group,
        coalesce(identifications.nationality_iso3, 'unknown') as nationality_iso3,
        coalesce(nationalities.citizenship_group, 'unknown') as nationality_group,
        coalesce(identifications.referral_source, 'unknown') as referral_source
    from identifications
    left join provinces on identifications.province_plate_code = provinces.province_plate_code
    left join nationalities on identifications.nationality_iso3 = nationalities.nationality_iso3
),

periodized as (
    {{ indicator_periods_of('records', 'identified_on') }}
),

ranked as (
    select
        periodized.*,
        row_number() over (
            partition by period_type, period_id, person_key
            order by
                case when identification_status = 'identified' then 0 else 1 end,
                identified_on,
                identification_id
        ) as record_rank
    from periodized
),

final as (
    select
        cast(period_type as text) as period_type,
        cast(period_id as text) as period_id,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(person_key as text) as person_key,
        cast(identification_status as text) as victim_status,
        cast(identification_id as text) as first_identification_id,
        cast(identified_on as date) as first_identified_on,
        cast(agency as text) as agency,
        cast(province_plate_code as integer) as province_plate_code,
        cast(nuts1_code as text) as nuts1_code,
        cast(sex as text) as sex,
        cast(age_group as text) as age_group,
        cast(nationality_iso3 as text) as nationality_iso3,
        cast(nationality_group as text) as nationality_group,
        cast(referral_source as text) as referral_source
    from ranked
    where record_rank = 1
)

select * from final
