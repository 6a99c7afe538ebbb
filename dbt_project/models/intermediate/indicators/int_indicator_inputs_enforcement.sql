-- Numerators and denominators of the prosecution indicators P3, P3A, P4 and P5 per period and breakdown
-- (shape: macros/indicator_rollup.sql). Scope: every offence of the Ministry of Justice's trafficking
-- extract except migrant smuggling (TPC Art. 79), which is not trafficking; the `offence` breakdown
-- gives the Art. 80 figures alone. Decisions whose case was indicted before the first reporting year
-- have no prosecution row and so an unknown offence: they are kept (as `unknown`), not dropped.
-- Incremental by calendar year (docs block incremental_models): a build recomputes only the years whose
-- indictments, decisions or periods changed (int_enforcement_input_years_fingerprinted). No JIT for it
-- on PostgreSQL (macros/indicator_planner_settings.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        "{{ indicator_planner_settings() }}",
        "{{ incremental_prepare('int_enforcement_input_years_fingerprinted', calendar_year('period_start')) }}",
    ],
    post_hook="{{ incremental_save_state('int_enforcement_input_years_fingerprinted') }}",
) }}
{{ incremental_depends_on('int_enforcement_input_years_fingerprinted') }}

with provinces as (
    select province_plate_code, nuts1_code from {{ ref('dim_province') }}
),

nationalities as (
    select nationality_iso3, citizenship_group from {{ ref('dim_nationality') }}
),

outcomes as (
    select outcome, is_conviction, counts_in_conviction_rate_denominator from {{ ref('case_outcomes') }}
),

prosecutions as (
    select
        prosecutions.case_reference,
        prosecutions.defendant_key,
        prosecutions.filed_on,
        prosecutions.court_province_plate_code as province_plate_code,
        coalesce(provinces.nuts1_code, 'unknown') as nuts1_code,
        coalesce(prosecutions.offence, 'unknown') as offence,
        coalesce(prosecutions.sex, 'unknown') as sex,
        coalesce(nationalities.citizenship_group, 'unknown') as nationality_group
    from {{ ref('fct_prosecutions') }} as prosecutions
    left join provinces on prosecutions.court_province_plate_code = provinces.province_plate_code
    left join nationalities on prosecutions.nationality_iso3 = nationalities.nationality_iso3
    where coalesce(prosecutions.offence, 'unknown') <> 'migrant_smuggling'
        {{- incremental_and(calendar_year('prosecutions.filed_on')) }}
),

first_instance_decisions as (
    select
        decisions.case_reference,
        decisions.defendant_key,
        decisions.case_reference || '|' || decisions.defendant_key as decision_key,
        decisions.decided_on,
        decisions.outcome,
        coalesce(outcomes.is_conviction, false) as is_conviction,
        coalesce(outcomes.counts_in_conviction_rate_denominator, false) as counts_in_rate,
        coalesce(decisions.sentence_band, 'unknown') as sentence_band,
        decisions.court_province_plate_code as province_plate_code,
        coalesce(provinces.nuts1_code, 'unknown') as nuts1_code,
        coalesce(decisions.offence, 'unknown') as offence,
        coalesce(decisions.sex, 'unknown') as sex,
        coalesce(nationalities.citizenship_group, 'unknown') as nationality_group
    from {{ ref('fct_court_decisions') }} as decisions
    left join outcomes on decisions.outcome = outcomes.outcome
    left join provinces on decisions.court_province_plate_code = provinces.province_plate_code
    left join nationalities on decisions.nationality_iso3 = nationalities.nationality_iso3
    where decisions.court_instance = 'first_instance'
        and coalesce(decisions.offence, 'unknown') <> 'migrant_smuggling'
        {{- incremental_and(calendar_year('decisions.decided_on')) }}
),

-- P3: a defendant once per period, with the court and offence of their first indictment in it
prosecution_periods as (
    {{ indicator_periods_of('prosecutions', 'filed_on') }}
),

defendant_periods as (
    select *, offence as category
    from (
        select
            prosecution_periods.*,
            row_number() over (
                partition by period_type, period_id, defendant_key
                order by filed_on, case_reference
            ) as row_rank
        from prosecution_periods
    ) as ranked
    where row_rank = 1
),

-- P3A: a case once per period, with its first defendant row's court and offence
case_periods as (
    select *, offence as category
    from (
        select
            prosecution_periods.*,
            row_number() over (
                partition by period_type, period_id, case_reference
                order by filed_on, defendant_key
            ) as row_rank
        from prosecution_periods
    ) as ranked
    where row_rank = 1
),

-- P4: a convicted person once per period, with their first conviction in it
conviction_periods as (
    {{ indicator_periods_of('first_instance_decisions', 'decided_on') }}
),

convicted_periods as (
    select *
    from (
        select
            conviction_periods.*,
            row_number() over (
                partition by period_type, period_id, defendant_key
                order by decided_on, case_reference
            ) as row_rank
        from conviction_periods
        where is_conviction
    ) as ranked
    where row_rank = 1
),

convicted_by_offence as (
    select *, offence as category from convicted_periods
),

convicted_by_sentence as (
    select *, sentence_band as category from convicted_periods
),

-- P5: one row per defendant and case decided at first instance (fct_court_decisions keeps the latest
-- decision of an instance)
verdicts as (
    select *, offence as category from conviction_periods where counts_in_rate
),

-- every rollup below counts rows: the CTEs above hold one row per counted unit and period (the first
-- indictment of a defendant or case, the first conviction of a person; a first-instance decision is
-- unique per case and defendant in fct_court_decisions, a tested key), so a plain count is the distinct
-- count, and PostgreSQL can hash it instead of sorting the rows once per breakdown
p3 as (
    {{ indicator_rollup('defendant_periods', 'P3', 'count(*)', none, {
        'total': [],
        'sex': ['sex'],
        'nationality_group': ['nationality_group'],
        'offence': ['category'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
    }) }}
),

p3a as (
    {{ indicator_rollup('case_periods', 'P3A', 'count(*)', none, {
        'total': [],
        'offence': ['category'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
    }) }}
),

p4 as (
    {{ indicator_rollup('convicted_by_offence', 'P4', 'count(*)', none, {
        'total': [],
        'sex': ['sex'],
        'nationality_group': ['nationality_group'],
        'offence': ['category'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
    }) }}
    union all
    {{ indicator_rollup('convicted_by_sentence', 'P4', 'count(*)', none, {
        'sentence_band': ['category'],
    }) }}
),

p5 as (
    {{ indicator_rollup('verdicts', 'P5',
        'sum(case when is_conviction then 1 else 0 end)',
        'count(*)', {
        'total': [],
        'sex': ['sex'],
        'offence': ['category'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
    }) }}
),

final as (
    select * from p3
    union all
    select * from p3a
    union all
    select * from p4
    union all
    select * from p5
)

-- the totals cover every period of the spine: keep the recomputed years only
select * from final
{{ incremental_where(calendar_year('period_start')) }}
