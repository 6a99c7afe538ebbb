-- Numerators and denominators of the victim indicators V1, V2, V6, V7 and V8 per period and breakdown
-- (shape: macros/indicator_rollup.sql). Unit: the person-period of int_victim_periods_deduplicated, so
-- a person counts once per period; unknown characteristics are categories of their own in the counts
-- and are left out of the bases of the shares (V6 age, V7 citizenship, V8 form).
-- Persons are counted as rows: a person-period is one row (and one row per form of exploitation in the
-- forms, whose rollups all group by the form), which the inputs' unique_combination tests check before
-- this model runs. A distinct count keeps a hash set of keys per group and grouping: at 10M
-- identifications DuckDB spilled over 40 GB of temporary files here. Only V8's base, persons with any
-- known form (several rows per person), counts distinct keys.
-- Incremental by calendar year, as int_victim_periods_deduplicated (docs block incremental_models): a
-- period's figures come from the person-periods of that period only. No JIT for it on PostgreSQL
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

with person_periods as (
    select
        *,
        nationality_iso3 as citizenship,
        referral_source as referral_category
    from {{ ref('int_victim_periods_deduplicated') }}
    {{ incremental_where(calendar_year('period_start')) }}
),

identified as (
    select *, citizenship as category from person_periods where victim_status = 'identified'
),

identified_by_referral as (
    select *, referral_category as category from person_periods where victim_status = 'identified'
),

presumed_by_referral as (
    select *, referral_category as category from person_periods where victim_status = 'presumed'
),

forms as (
    select * from {{ ref('int_victim_period_exploitation_types_collected') }}
    {{ incremental_where(calendar_year('period_start')) }}
),

identified_forms as (
    select * from forms where victim_status = 'identified'
),

presumed_forms as (
    select * from forms where victim_status = 'presumed'
),

known_forms as (
    select * from identified_forms where exploitation_type <> 'unknown'
),

v1 as (
    {{ indicator_rollup('identified', 'V1', 'count(*)', none, {
        'total': [],
        'sex': ['sex'],
        'age_group': ['age_group'],
        'sex_age_group': ['sex', 'age_group'],
        'nationality_group': ['nationality_group'],
        'citizenship': ['category'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
        'agency': ['agency'],
    }) }}
    union all
    {{ indicator_rollup('identified_by_referral', 'V1', 'count(*)', none, {
        'referral_source': ['category'],
    }) }}
    union all
    {{ indicator_rollup('identified_forms', 'V1', 'count(*)', none, {
        'exploitation_type': ['exploitation_type'],
        'exploitation_type_sex': ['exploitation_type', 'sex'],
        'exploitation_type_age_group': ['exploitation_type', 'age_group'],
    }) }}
),

v2 as (
    {{ indicator_rollup('presumed_by_referral', 'V2', 'count(*)', none, {
        'total': [],
        'sex': ['sex'],
        'age_group': ['age_group'],
        'sex_age_group': ['sex', 'age_group'],
        'nationality_group': ['nationality_group'],
        'province': ['province_plate_code', 'nuts1_code'],
        'nuts1': ['nuts1_code'],
        'agency': ['agency'],
        'referral_source': ['category'],
    }) }}
    union all
    {{ indicator_rollup('presumed_forms', 'V2', 'count(*)', none, {
        'exploitation_type': ['exploitation_type'],
    }) }}
),

-- share of children: under 18 at identification over persons of known age
v6 as (
    {{ indicator_rollup('identified', 'V6',
        count_when("age_group = 'child'"),
        count_when("age_group in ('child', 'adult')"), {
        'total': [],
        'sex': ['sex'],
    }) }}
    union all
    {{ indicator_rollup('identified_forms', 'V6',
        count_when("age_group = 'child'"),
        count_when("age_group in ('child', 'adult')"), {
        'exploitation_type': ['exploitation_type'],
    }) }}
),

-- share of foreign nationals over persons of known citizenship
v7 as (
    {{ indicator_rollup('identified', 'V7',
        count_when("nationality_group not in ('national', 'unknown')"),
        count_when("nationality_group <> 'unknown'"), {
        'total': [],
        'sex': ['sex'],
    }) }}
),

-- exploitation mix: persons with the form over persons with any known form in the same group (sex or
-- age group). Multi-select: the total row sums the person-form pairs, so it is 100 or more.
v8_total as (
    {{ indicator_rollup('known_forms', 'V8', 'count(*)', 'count(distinct person_key)', {'total': []}) }}
),

v8_forms as (
    {{ indicator_rollup('identified_forms', 'V8', 'count(*)', none, {
        'exploitation_type': ['exploitation_type'],
        'exploitation_type_sex': ['exploitation_type', 'sex'],
        'exploitation_type_age_group': ['exploitation_type', 'age_group'],
    }) }}
),

v8_bases as (
    select period_type, period_id, '_all' as sex_key, '_all' as age_group_key,
        count(distinct person_key) as persons_with_known_form
    from known_forms
    group by period_type, period_id
    union all
    select period_type, period_id, sex, '_all', count(distinct person_key)
    from known_forms
    group by period_type, period_id, sex
    union all
    select period_type, period_id, '_all', age_group, count(distinct person_key)
    from known_forms
    group by period_type, period_id, age_group
),

v8 as (
    select * from v8_total
    union all
    select
        v8_forms.indicator_id,
        v8_forms.period_type,
        v8_forms.period_id,
        v8_forms.period_start,
        v8_forms.period_end,
        v8_forms.disaggregation,
        v8_forms.province_plate_code,
        v8_forms.nuts1_code,
        v8_forms.sex,
        v8_forms.age_group,
        v8_forms.nationality_group,
        v8_forms.exploitation_type,
        v8_forms.agency,
        v8_forms.category,
        v8_forms.numerator,
        -- the unknown form is shown apart, with no base: it is not a share of the known forms
        cast(case when v8_forms.exploitation_type <> 'unknown'
            then coalesce(v8_bases.persons_with_known_form, 0) end as bigint) as denominator
    from v8_forms
    left join v8_bases
        on v8_forms.period_type = v8_bases.period_type
        and v8_forms.period_id = v8_bases.period_id
        and coalesce(v8_forms.sex, '_all') = v8_bases.sex_key
        and coalesce(v8_forms.age_group, '_all') = v8_bases.age_group_key
),

final as (
    select * from v1
    union all
    select * from v2
    union all
    select * from v6
    union all
    select * from v7
    union all
    select * from v8
)

-- the totals cover every period of the spine: keep the recomputed years only
select * from final
{{ incremental_where(calendar_year('period_start')) }}
