-- Numerators and denominators of the protection indicators S1, S2, S5, S5A, S6, S6A, S6B, N1 and N2 per
-- period and breakdown (shape: macros/indicator_rollup.sql). Persons are de-duplicated by person key
-- within each period; their sex, age group and citizenship group come from dim_person (resolved across
-- agencies), except for returns, which carry the sex and age at departure. Assistance is a service the
-- person received (shelter stay and the services recorded for it, health service, assisted return), as
-- in fct_victim_pathway: a referral is a request, counted in S5, not assistance.
-- Incremental by calendar year (docs block incremental_models): a build recomputes only the years whose
-- events, pathways or periods changed, as int_protection_input_years_fingerprinted sees them (including
-- a person's attributes or identifications changed by a record of another year). No JIT for it on
-- PostgreSQL (macros/indicator_planner_settings.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        "{{ indicator_planner_settings() }}",
        "{{ incremental_prepare('int_protection_input_years_fingerprinted', calendar_year('period_start')) }}",
    ],
    post_hook="{{ incremental_save_state('int_protection_input_years_fingerprinted') }}",
) }}
{{ incremental_depends_on('int_protection_input_years_fingerprinted') }}

with persons as (
    select person_key, sex, age_group, citizenship_group from {{ ref('dim_person') }}
),

agencies as (
    select agency, agency_type from {{ ref('dim_agency') }}
),

services as (
    select service_list, service, s1_group from {{ ref('support_services') }}
),

provinces as (
    select province_plate_code, nuts1_code from {{ ref('dim_province') }}
),

urban_centres as (
    select province_plate_code from {{ ref('main_urban_centres') }}
),

stays as (
    select stay_id, reporting_agency, person_key, admitted_on, services as service_list
    from {{ ref('fct_shelter_stays') }}
    {{ incremental_where(calendar_year('admitted_on')) }}
),

health_services as (
    select person_key, served_on, service_type from {{ ref('fct_health_services') }}
    {{ incremental_where(calendar_year('served_on')) }}
),

returns as (
    select * from {{ ref('fct_returns') }}
    {{ incremental_where(calendar_year('departed_on')) }}
),

-- S1: one row per service event and service type (the support_services seed groups the codes)
service_events as (
    -- a shelter stay is shelter assistance, whatever its service list says
    select person_key, admitted_on as served_on, 'shelter' as service_type from stays
    union all
    select stays.person_key, stays.admitted_on, services.s1_group
    from stays
    inner join services
        on services.service_list = 'assistance'
        and position(',' || services.service || ',' in ',' || stays.service_list || ',') > 0
    union all
    select health_services.person_key, health_services.served_on, coalesce(services.s1_group, 'unknown')
    from health_services
    left join services
        on services.service_list = 'health' and health_services.service_type = services.service
    union all
    select returns.person_key, returns.departed_on, coalesce(services.s1_group, 'unknown')
    from returns
    left join services on services.service_list = 'assistance' and services.service = 'return'
),

service_persons as (
    select
        service_events.person_key,
        service_events.served_on,
        service_events.service_type as category,
        coalesce(persons.sex, 'unknown') as sex,
        coalesce(persons.age_group, 'unknown') as age_group,
        coalesce(persons.citizenship_group, 'unknown') as nationality_group
    from service_events
    left join persons on service_events.person_key = persons.person_key
),

service_periods as (
    {{ indicator_periods_of('service_persons', 'served_on') }}
),

-- S2: a person once per period, at the shelter of their first admission in it
stay_persons as (
    select
        stays.stay_id,
        stays.person_key,
        stays.admitted_on,
        stays.reporting_agency as agency,
        coalesce(agencies.agency_type, 'unknown') as agency_type,
        coalesce(persons.sex, 'unknown') as sex,
        coalesce(persons.age_group, 'unknown') as age_group,
        coalesce(persons.citizenship_group, 'unknown') as nationality_group
    from stays
    left join agencies on stays.reporting_agency = agencies.agency
    left join persons on stays.person_key = persons.person_key
),

stay_periods as (
    {{ indicator_periods_of('stay_persons', 'admitted_on') }}
),

admitted as (
    select *
    from (
        select
            stay_periods.*,
            row_number() over (
                partition by period_type, period_id, person_key order by admitted_on, stay_id
            ) as row_rank
        from stay_periods
    ) as ranked
    where row_rank = 1
),

-- N1, N2: the province where the person admitted to an NGO shelter was identified: their latest
-- identification on or before the admission, else their earliest after it
ngo_stays as (
    select stay_id, person_key, admitted_on, agency from stay_persons where agency_type = 'ngo'
),

identification_provinces as (
    select
        ngo_stays.stay_id,
        identifications.province_plate_code,
        row_number() over (
            partition by ngo_stays.stay_id
            order by
                case when identifications.identified_on <= ngo_stays.admitted_on then 0 else 1 end,
                abs({{ dbt.datediff('ngo_stays.admitted_on', 'identifications.identified_on', 'day') }}),
                identifications.identification_id
        ) as row_rank
    from ngo_stays
    inner join {{ ref('fct_identifications') }} as identifications
        on ngo_stays.person_key = identifications.person_key
),

ngo_stay_provinces as (
    select
        ngo_stays.stay_id,
        ngo_stays.person_key,
        ngo_stays.admitted_on,
        ngo_stays.agency,
        identification_provinces.province_plate_code,
        coalesce(provinces.nuts1_code, 'unknown') as nuts1_code,
        identification_provinces.province_plate_code is not null as is_province_known,
        identification_provinces.province_plate_code is not null
            and urban_centres.province_plate_code is null as is_outside_urban_centres
    from ngo_stays
    left join identification_provinces
        on ngo_stays.stay_id = identification_provinces.stay_id and identification_provinces.row_rank = 1
    left join provinces on identification_provinces.province_plate_code = provinces.province_plate_code
    left join urban_centres on identification_provinces.province_plate_code = urban_centres.province_plate_code
),

ngo_stay_periods as (
    {{ indicator_periods_of('ngo_stay_provinces', 'admitted_on') }}
),

ngo_admitted as (
    select *
    from (
        select
            ngo_stay_periods.*,
            row_number() over (
                partition by period_type, period_id, person_key order by admitted_on, stay_id
            ) as row_rank
        from ngo_stay_periods
    ) as ranked
    where row_rank = 1
),

ngo_admitted_outside as (
    select * from ngo_admitted where is_outside_urban_centres
),

ngo_admitted_known as (
    select * from ngo_admitted where is_province_known
),

-- S5: referrals as fct_referrals keeps them (copies reported by several agencies removed)
referrals as (
    select
        referral_id,
        referred_on,
        coalesce(from_agency, 'unknown') as agency,
        coalesce(to_agency, 'unknown') as to_agency,
        coalesce(service_requested, 'unknown') as service_requested
    from {{ ref('fct_referrals') }}
    {{ incremental_where(calendar_year('referred_on')) }}
),

referral_periods as (
    {{ indicator_periods_of('referrals', 'referred_on') }}
),

referrals_by_pair as (
    select *, to_agency as category from referral_periods
),

referrals_by_service as (
    select *, service_requested as category from referral_periods
),

-- S5A: days from the first identification to the first assistance (fct_victim_pathway), for persons
-- formally identified; a first assistance dated before the identification is inconsistent and left out
pathways as (
    select
        person_key,
        identified_on,
        coalesce(identifying_agency, 'unknown') as agency,
        days_identification_to_first_assistance as days_to_assistance
    from {{ ref('fct_victim_pathway') }}
    where person_identification_status = 'identified'
        and identified_on is not null
        and (days_identification_to_first_assistance is null or days_identification_to_first_assistance >= 0)
        {{- incremental_and(calendar_year('identified_on')) }}
),

pathway_periods as (
    {{ indicator_periods_of('pathways', 'identified_on') }}
),

-- S6, S6A, S6B: a returned person once per period, with the sex, age and return type of their first
-- return in it; reintegration when any of their returns in the period had it
return_rows as (
    select
        returns.return_id,
        returns.person_key,
        returns.departed_on,
        returns.has_reintegration_assistance,
        coalesce(returns.sex, 'unknown') as sex,
        coalesce(returns.age_group, 'unknown') as age_group,
        coalesce(persons.citizenship_group, 'unknown') as nationality_group,
        coalesce(returns.return_type, 'unknown') as return_type,
        coalesce(returns.destination_iso3, 'unknown') as destination_country
    from returns
    left join persons on returns.person_key = persons.person_key
),

return_periods as (
    {{ indicator_periods_of('return_rows', 'departed_on') }}
),

returned as (
    select
        ranked.*,
        max(case when has_reintegration_assistance then 1 else 0 end) over (
            partition by period_type, period_id, person_key
        ) = 1 as is_reintegrated
    from (
        select
            return_periods.*,
            row_number() over (
                partition by period_type, period_id, person_key order by departed_on, return_id
            ) as row_rank
        from return_periods
    ) as ranked
),

returned_persons as (
    select * from returned where row_rank = 1
),

returned_by_type as (
    select *, return_type as category from returned_persons
),

returned_by_destination as (
    select *, destination_country as category from returned_persons
),

-- S1 counts persons over service events (several per person): the events are first reduced to one row
-- per person and period (the person's sex, age group and citizenship group come from dim_person, so they
-- follow from the key), and to one per person, period and service type, and counted as rows. Every
-- other rollup below counts rows too: its CTE holds one row per counted unit and period (a person's
-- first admission or return in the period, a pathway per person, a referral by its id, unique and not
-- null in fct_referrals). A distinct count in the rollups keeps a hash set of keys per group and
-- grouping: PostgreSQL sorts for it, and DuckDB spilled 5.4 GB of temporary files here at 1M
-- identifications (54 GB expected at 10M).
s1_persons as (
    select distinct period_type, period_id, period_start, period_end, person_key, sex, age_group, nationality_group
    from service_periods
),

s1_person_services as (
    select distinct period_type, period_id, period_start, period_end, person_key, category
    from service_periods
),

s1 as (
    {{ indicator_rollup('s1_persons', 'S1', 'count(*)', none, {
        'total': [],
        'sex': ['sex'],
        'age_group': ['age_group'],
        'nationality_group': ['nationality_group'],
    }) }}
    union all
    {{ indicator_rollup('s1_person_services', 'S1', 'count(*)', none, {
        'service_type': ['category'],
    }) }}
),

s2 as (
    {{ indicator_rollup('admitted', 'S2', 'count(*)', none, {
        'total': [],
        'agency': ['agency'],
        'sex': ['sex'],
        'age_group': ['age_group'],
        'nationality_group': ['nationality_group'],
    }) }}
),

s5 as (
    {{ indicator_rollup('referrals_by_pair', 'S5', 'count(*)', none, {
        'total': [],
        'agency': ['agency'],
        'referral_pair': ['agency', 'category'],
    }) }}
    union all
    {{ indicator_rollup('referrals_by_service', 'S5', 'count(*)', none, {
        'service_requested': ['category'],
    }) }}
),

s5a as (
    {{ indicator_rollup('pathway_periods', 'S5A',
        'coalesce(sum(days_to_assistance), 0)',
        'count(days_to_assistance)', {
        'total': [],
        'agency': ['agency'],
    }) }}
),

s6 as (
    {{ indicator_rollup('returned_by_type', 'S6', 'count(*)', none, {
        'total': [],
        'sex': ['sex'],
        'age_group': ['age_group'],
        'nationality_group': ['nationality_group'],
        'return_type': ['category'],
    }) }}
    union all
    {{ indicator_rollup('returned_by_destination', 'S6', 'count(*)', none, {
        'destination_country': ['category'],
    }) }}
),

s6a as (
    {{ indicator_rollup('returned_by_type', 'S6A', 'sum(case when is_reintegrated then 1 else 0 end)', none, {
        'total': [],
        'sex': ['sex'],
        'age_group': ['age_group'],
        'nationality_group': ['nationality_group'],
        'return_type': ['category'],
    }) }}
),

s6b as (
    {{ indicator_rollup('returned_by_type', 'S6B', 'sum(case when is_reintegrated then 1 else 0 end)', 'count(*)', {
        'total': [],
        'sex': ['sex'],
        'nationality_group': ['nationality_group'],
        'return_type': ['category'],
    }) }}
),

n1 as (
    {{ indicator_rollup('ngo_admitted_outside', 'N1', 'count(*)', none, {
        'total': [],
        'agency': ['agency'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
    }) }}
),

n2 as (
    {{ indicator_rollup('ngo_admitted_known', 'N2', 'sum(case when is_outside_urban_centres then 1 else 0 end)', 'count(*)', {
        'total': [],
        'agency': ['agency'],
    }) }}
),

final as (
    select * from s1
    union all
    select * from s2
    union all
    select * from s5
    union all
    select * from s5a
    union all
    select * from s6
    union all
    select * from s6a
    union all
    select * from s6b
    union all
    select * from n1
    union all
    select * from n2
)

-- the totals cover every period of the spine: keep the recomputed years only
select * from final
{{ incremental_where(calendar_year('period_start')) }}
