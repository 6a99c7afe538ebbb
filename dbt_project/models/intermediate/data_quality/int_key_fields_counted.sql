-- Field completeness counts (Q3): one row per source, sending agency, year and key field, with the rows
-- the field applies to and the rows where it holds a known value. Read from the staging models (active
-- batches only); the source and agency are the batch's, never written here.
--
-- Known means: not null, and for a harmonized code column not the code `unknown` (an agency's
-- "bilinmiyor" is a missing value, not a category). `other` is a known value. A field that only
-- applies to some rows is counted over those rows only: the sentence of convicted defendants, the
-- discharge reason of ended shelter stays. Fields that are empty by design (a discharge date while the
-- person still stays, an acceptance date of a referral not yet accepted) are not key fields.
-- The year is the calendar year of the row's own date (the contract's period column).
--
-- Each source is aggregated once (one pass over its staging model), then unpivoted.
{#- the police and the gendarmerie send the same identification fields -#}
{%- set identification_fields = [
    ('sex', 'sex', 'code', none),
    ('age', 'age_at_identification', 'value', none),
    ('nationality', 'nationality_iso3', 'code', none),
    ('exploitation_types', 'exploitation_source_codes', 'value', none),
    ('province', 'province_plate_code', 'value', none),
    ('identification_status', 'identification_status', 'code', none),
    ('referral_source', 'referral_source', 'code', none)] %}
{%- set sources = [
    {'model': 'stg_police__identifications', 'date': 'identified_on', 'fields': identification_fields},
    {'model': 'stg_gendarmerie__identifications', 'date': 'identified_on', 'fields': identification_fields},
    {'model': 'stg_iom__returns', 'date': 'departed_on', 'fields': [
        ('sex', 'sex', 'code', none),
        ('age', 'age_at_return', 'value', none),
        ('destination_country', 'destination_iso3', 'code', none),
        ('return_type', 'return_type', 'code', none),
        ('reintegration_assistance', 'has_reintegration_assistance', 'value', none)]},
    {'model': 'stg_police__suspects', 'date': 'detained_on', 'fields': [
        ('sex', 'sex', 'code', none),
        ('age', 'age_at_detention', 'value', none),
        ('nationality', 'nationality_iso3', 'code', none),
        ('suspect_role', 'role', 'code', none)]},
    {'model': 'stg_police__operations', 'date': 'carried_out_on', 'fields': [
        ('province', 'province_plate_code', 'value', none),
        ('offence', 'offence', 'code', none),
        ('suspects_detained', 'suspects_detained', 'value', none),
        ('victims_rescued', 'victims_rescued', 'value', none)]},
    {'model': 'stg_justice__prosecutions', 'date': 'filed_on', 'fields': [
        ('province', 'court_province_plate_code', 'value', none),
        ('offence', 'offence', 'code', none),
        ('victim_keys', 'victim_key_list', 'value', none)]},
    {'model': 'stg_justice__decisions', 'date': 'decided_on', 'fields': [
        ('decision_outcome', 'outcome', 'code', none),
        ('court_instance', 'court_instance', 'code', none),
        ('sentence_months', 'sentence_months', 'value', "outcome = 'convicted'")]},
    {'model': 'stg_shelters__stays', 'date': 'admitted_on', 'fields': [
        ('shelter', 'shelter', 'code', none),
        ('services', 'service_source_codes', 'value', none),
        ('discharge_reason', 'discharge_reason', 'code', 'discharged_on is not null')]},
    {'model': 'stg_health__services', 'date': 'served_on', 'fields': [
        ('province', 'province_plate_code', 'value', none),
        ('service_type', 'service_type', 'code', none),
        ('provider_type', 'provider_type', 'code', none)]},
    {'model': 'stg_helpline__calls', 'date': 'received_on', 'fields': [
        ('province', 'province_plate_code', 'value', none),
        ('call_language', 'call_language', 'code', none),
        ('caller_type', 'caller_type', 'code', none),
        ('call_category', 'call_category', 'code', none),
        ('call_outcome', 'call_outcome', 'code', none)]},
    {'model': 'stg_iom__trainings', 'date': 'started_on', 'fields': [
        ('province', 'province_plate_code', 'value', none),
        ('participant_agency', 'participant_agency', 'code', none),
        ('training_topic', 'topic', 'code', none),
        ('participants_female', 'participants_female', 'value', none),
        ('participants_male', 'participants_male', 'value', none)]},
    {'model': 'stg_labour__inspections', 'date': 'inspected_on', 'fields': [
        ('province', 'province_plate_code', 'value', none),
        ('sector', 'sector', 'code', none),
        ('workers_checked', 'workers_checked', 'value', none),
        ('indicators_found', 'indicators_found', 'value', none),
        ('referred_to_police', 'was_referred_to_police', 'value', none)]},
    {'model': 'stg_foreign_affairs__cooperation_actions', 'date': 'acted_on', 'fields': [
        ('partner_country', 'partner_country_iso3', 'code', none),
        ('action_type', 'action_type', 'code', none)]},
    {'model': 'stg_referrals__referrals', 'date': 'referred_on', 'fields': [
        ('from_agency', 'from_agency', 'code', none),
        ('to_agency', 'to_agency', 'code', none),
        ('service_requested', 'service_requested', 'code', none)]},
] %}

with batches as (
    select batch_id, agency, source_name from {{ ref('stg_ops__batches') }}
),

{% for src in sources %}
{{ src.model }}_counts as (
    select
        batches.source_name,
        batches.agency,
        {{ calendar_year('records.' ~ src.date) }} as period_year,
        {%- for field_name, column, kind, applies in src.fields %}
        {%- set applies_sql = '(' ~ applies ~ ')' if applies else 'true' %}
        {%- set known_sql = 'records.' ~ column ~ ' is not null' ~ (" and records." ~ column ~ " <> 'unknown'" if kind == 'code' else '') %}
        sum(case when {{ applies_sql }} then 1 else 0 end) as {{ field_name }}__applicable,
        sum(case when {{ applies_sql }} and {{ known_sql }} then 1 else 0 end) as {{ field_name }}__known
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref(src.model) }} as records
    inner join batches on records.batch_id = batches.batch_id
    group by batches.source_name, batches.agency, {{ calendar_year('records.' ~ src.date) }}
),

{% endfor %}
unpivoted as (
    {%- for src in sources %}
    {%- set outer_loop = loop %}
    {%- for field_name, column, kind, applies in src.fields %}
    select
        source_name,
        agency,
        period_year,
        '{{ field_name }}' as field_name,
        '{{ column }}' as column_name,
        '{{ "harmonized code; null or unknown is missing" if kind == "code" else "value; null is missing" }}'
        {%- if applies %} || '; counted over rows where {{ applies | replace("'", "") }}'{% endif %} as missing_rule,
        {{ field_name }}__applicable as rows_total,
        {{ field_name }}__known as rows_known
    from {{ src.model }}_counts
    {%- if not (outer_loop.last and loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
)

select * from unpivoted
