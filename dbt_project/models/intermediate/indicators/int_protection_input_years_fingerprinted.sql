-- What int_indicator_inputs_protection reads, per calendar year, as a count and a checksum (docs block
-- incremental_models): the model recomputes only the years whose fingerprint changed since it was last
-- built. A year's figures depend on the shelter stays, health services, returns and referrals dated in
-- it, on the pathways of the persons first identified in it, and on the year's periods in the spine;
-- each event row carries what the model takes from elsewhere: the person's resolved sex, age group and
-- citizenship group (dim_person, which a record of another year can change) and, for a shelter stay,
-- every identification of the person (the province of N1 and N2). The code lists and the registry are
-- read whole (unit '*reference': a change recomputes every year).
with persons as (
    select person_key, sex, age_group, citizenship_group from {{ ref('dim_person') }}
),

stays as (
    select stay_id, reporting_agency, person_key, admitted_on, services from {{ ref('fct_shelter_stays') }}
),

health_services as (
    select person_key, served_on, service_type from {{ ref('fct_health_services') }}
),

returns as (
    select
        return_id, person_key, departed_on, has_reintegration_assistance, sex, age_group, return_type,
        destination_iso3
    from {{ ref('fct_returns') }}
),

referrals as (
    select referral_id, referred_on, from_agency, to_agency, service_requested from {{ ref('fct_referrals') }}
),

pathways as (
    select
        person_key, identified_on, identifying_agency, person_identification_status,
        days_identification_to_first_assistance
    from {{ ref('fct_victim_pathway') }}
    where identified_on is not null
),

identifications as (
    select identification_id, person_key, identified_on, province_plate_code from {{ ref('fct_identifications') }}
),

rows_fingerprinted as (
    select
        cast({{ calendar_year('stays.admitted_on') }} as text) as unit,
        {{ row_fingerprint([
            "'stay'", 'stays.stay_id', 'stays.reporting_agency', 'stays.person_key', 'stays.admitted_on',
            'stays.services', 'persons.sex', 'persons.age_group', 'persons.citizenship_group',
        ]) }} as row_fingerprint
    from stays
    left join persons on stays.person_key = persons.person_key

    union all

    -- the identifications the province of an NGO stay is chosen from (all stays: a superset)
    select
        cast({{ calendar_year('stays.admitted_on') }} as text),
        {{ row_fingerprint([
            "'stay_identification'", 'stays.stay_id', 'identifications.identification_id',
            'identifications.identified_on', 'identifications.province_plate_code',
        ]) }}
    from stays
    inner join identifications on stays.person_key = identifications.person_key

    union all

    select
        cast({{ calendar_year('health_services.served_on') }} as text),
        {{ row_fingerprint([
            "'health_service'", 'health_services.person_key', 'health_services.served_on',
            'health_services.service_type', 'persons.sex', 'persons.age_group', 'persons.citizenship_group',
        ]) }}
    from health_services
    left join persons on health_services.person_key = persons.person_key

    union all

    select
        cast({{ calendar_year('returns.departed_on') }} as text),
        {{ row_fingerprint([
            "'return'", 'returns.return_id', 'returns.person_key', 'returns.departed_on',
            'returns.has_reintegration_assistance', 'returns.sex', 'returns.age_group', 'returns.return_type',
            'returns.destination_iso3', 'persons.sex', 'persons.age_group', 'persons.citizenship_group',
        ]) }}
    from returns
    left join persons on returns.person_key = persons.person_key

    union all

    select
        cast({{ calendar_year('referred_on') }} as text),
        {{ row_fingerprint([
            "'referral'", 'referral_id', 'referred_on', 'from_agency', 'to_agency', 'service_requested',
        ]) }}
    from referrals

    union all

    select
        cast({{ calendar_year('identified_on') }} as text),
        {{ row_fingerprint([
            "'pathway'", 'person_key', 'identified_on', 'identifying_agency', 'person_identification_status',
            'days_identification_to_first_assistance',
        ]) }}
    from pathways

    union all

    {{ period_spine_fingerprints() }}

    union all

    select '*reference', {{ row_fingerprint(["'agency'", 'agency', 'agency_type']) }}
    from {{ ref('dim_agency') }}

    union all

    select '*reference', {{ row_fingerprint(["'service'", 'service_list', 'service', 's1_group']) }}
    from {{ ref('support_services') }}

    union all

    select '*reference', {{ row_fingerprint(["'province'", 'province_plate_code', 'nuts1_code']) }}
    from {{ ref('dim_province') }}

    union all

    select '*reference', {{ row_fingerprint(["'urban_centre'", 'province_plate_code']) }}
    from {{ ref('main_urban_centres') }}
),

final as (
    {{ fingerprint_units('rows_fingerprinted') }}
)

select * from final
