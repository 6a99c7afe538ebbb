-- Numerators and denominators of the helpline and training indicators H1, H1A, H2, T1 and T2 per period
-- and breakdown (shape: macros/indicator_rollup.sql). Calls are counted as received (active extracts
-- only: a resent year replaces the first file); training sessions by their reference, participants
-- per session (trainings carry no person key).
-- Incremental by calendar year (docs block incremental_models): a build recomputes only the years whose
-- calls, training sessions or periods changed, as int_prevention_input_years_fingerprinted sees them
-- (including a call whose person was identified later). No JIT for it on PostgreSQL
-- (macros/indicator_planner_settings.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        "{{ indicator_planner_settings() }}",
        "{{ incremental_prepare('int_prevention_input_years_fingerprinted', calendar_year('period_start')) }}",
    ],
    post_hook="{{ incremental_save_state('int_prevention_input_years_fingerprinted') }}",
) }}
{{ incremental_depends_on('int_prevention_input_years_fingerprinted') }}

with provinces as (
    select province_plate_code, nuts1_code from {{ ref('dim_province') }}
),

sectors as (
    select participant_agency, sector from {{ ref('training_audience_sectors') }}
),

last_identifications as (
    {{ last_formal_identifications() }}
),

calls as (
    select
        calls.call_id,
        calls.received_on,
        calls.linked_person_key,
        calls.call_outcome,
        calls.province_plate_code,
        coalesce(provinces.nuts1_code, 'unknown') as nuts1_code,
        coalesce(calls.call_category, 'unknown') as call_category,
        coalesce(calls.call_language, 'unknown') as call_language,
        coalesce(calls.caller_type, 'unknown') as caller_type
    from {{ ref('fct_helpline_calls') }} as calls
    left join provinces on calls.province_plate_code = provinces.province_plate_code
    {{ incremental_where(calendar_year('calls.received_on')) }}
),

call_periods as (
    {{ indicator_periods_of('calls', 'received_on') }}
),

calls_by_category as (
    select *, call_category as category from call_periods
),

calls_by_language as (
    select *, call_language as category from call_periods
),

calls_by_caller as (
    select *, caller_type as category from call_periods
),

-- H2: a call referred for identification led to one when the victim it names (linked person key) was
-- formally identified on or after the day of the call
referred_calls as (
    select
        call_periods.*,
        call_periods.call_category as category,
        coalesce(last_identifications.last_identified_on >= call_periods.received_on, false)
            as led_to_identification
    from call_periods
    left join last_identifications
        on call_periods.linked_person_key = last_identifications.person_key
    where call_periods.call_outcome = 'referred_to_law_enforcement'
),

referred_by_language as (
    select *, call_language as category from call_periods where call_outcome = 'referred_to_law_enforcement'
),

-- T1, T2: one row per session and participant group (fct_trainings), with the group's sector
training_rows as (
    select
        trainings.training_row_id,
        trainings.training_reference,
        trainings.started_on,
        trainings.province_plate_code,
        coalesce(provinces.nuts1_code, 'unknown') as nuts1_code,
        coalesce(sectors.sector, 'unknown') as sector,
        coalesce(trainings.topic, 'unknown') as topic,
        trainings.participants_female,
        trainings.participants_male
    from {{ ref('fct_trainings') }} as trainings
    left join sectors on trainings.participant_agency = sectors.participant_agency
    left join provinces on trainings.province_plate_code = provinces.province_plate_code
    {{ incremental_where(calendar_year('trainings.started_on')) }}
),

training_periods as (
    {{ indicator_periods_of('training_rows', 'started_on') }}
),

sessions_by_sector as (
    select *, sector as category from training_periods
),

sessions_by_topic as (
    select *, topic as category from training_periods
),

-- participants by sex: the female and male columns as two rows
participants as (
    select training_periods.*, 'female' as sex, participants_female as participant_count, sector as category
    from training_periods
    union all
    select training_periods.*, 'male' as sex, participants_male as participant_count, sector as category
    from training_periods
),

-- H1, H1A, H2 count calls: one row per call and period (call_id is unique in fct_helpline_calls, a
-- tested key), so a plain count is the distinct count, and PostgreSQL can hash it instead of sorting
-- every call once per breakdown
h1 as (
    {{ indicator_rollup('calls_by_category', 'H1', 'count(*)', none, {
        'total': [],
        'call_category': ['category'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
    }) }}
    union all
    {{ indicator_rollup('calls_by_language', 'H1', 'count(*)', none, {
        'call_language': ['category'],
    }) }}
    union all
    {{ indicator_rollup('calls_by_caller', 'H1', 'count(*)', none, {
        'caller_type': ['category'],
    }) }}
),

h1a as (
    {{ indicator_rollup('referred_calls', 'H1A', 'count(*)', none, {
        'total': [],
        'call_category': ['category'],
    }) }}
    union all
    {{ indicator_rollup('referred_by_language', 'H1A', 'count(*)', none, {
        'call_language': ['category'],
    }) }}
),

h2 as (
    {{ indicator_rollup('referred_calls', 'H2',
        'sum(case when led_to_identification then 1 else 0 end)',
        'count(*)', {
        'total': [],
        'call_category': ['category'],
    }) }}
),

t1 as (
    {{ indicator_rollup('sessions_by_sector', 'T1', 'count(distinct training_reference)', none, {
        'total': [],
        'sector': ['category'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
    }) }}
    union all
    {{ indicator_rollup('sessions_by_topic', 'T1', 'count(distinct training_reference)', none, {
        'topic': ['category'],
    }) }}
),

t2 as (
    {{ indicator_rollup('participants', 'T2', 'coalesce(sum(participant_count), 0)', none, {
        'total': [],
        'sex': ['sex'],
        'sector': ['category'],
        'sector_sex': ['category', 'sex'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
    }) }}
),

final as (
    select * from h1
    union all
    select * from h1a
    union all
    select * from h2
    union all
    select * from t1
    union all
    select * from t2
)

-- the totals cover every period of the spine: keep the recomputed years only
select * from final
{{ incremental_where(calendar_year('period_start')) }}
