-- The two sides of each validation rule (fct_validation_results), counted from the staging models: one
-- row per rule, side ('left' or 'right'), year and agency ('*' when the side counts every agency).
-- Only counts that exist are here: the mart decides whether an absent count is 0 (the data for that year
-- arrived) or missing (it did not).
--
-- "Identified persons" are distinct person keys with an identification record (identified or presumed)
-- from any identifying agency; "identified by the end of year Y" counts each person once, from the
-- year of their first identification.
with batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

years as (
    select period_year from {{ ref('int_reporting_periods_expected') }}
    union
    select {{ calendar_year('period_start') }} from {{ ref('stg_ops__batches') }} where is_active
    union
    select {{ calendar_year('period_end') }} from {{ ref('stg_ops__batches') }} where is_active
),

identifications as (
    select
        batches.agency,
        records.person_key,
        records.identified_on,
        {{ calendar_year('records.identified_on') }} as identification_year,
        records.age_at_identification
    from {{ ref('int_identifications_unioned') }} as records
    inner join batches on records.batch_id = batches.batch_id
),

identified_persons as (
    select person_key, min(identification_year) as first_identification_year
    from identifications
    group by person_key
),

identified_by_year_end as (
    select years.period_year, count(*) as persons
    from years
    inner join identified_persons on identified_persons.first_identification_year <= years.period_year
    group by years.period_year
),

prosecutions as (
    select
        batches.agency,
        records.batch_id,
        records.source_row,
        records.case_reference,
        records.defendant_key,
        {{ calendar_year('records.filed_on') }} as filing_year
    from {{ ref('stg_justice__prosecutions') }} as records
    inner join batches on records.batch_id = batches.batch_id
),

cohort_defendants as (
    select distinct agency, filing_year, case_reference, defendant_key from prosecutions
),

cohort_cases as (
    select distinct agency, filing_year, case_reference from prosecutions
),

decisions as (
    select
        batches.agency,
        records.case_reference,
        records.defendant_key,
        records.outcome,
        records.sentence_months,
        {{ calendar_year('records.decided_on') }} as decision_year
    from {{ ref('stg_justice__decisions') }} as records
    inner join batches on records.batch_id = batches.batch_id
),

convicted_defendants as (
    select distinct case_reference, defendant_key from decisions where outcome = 'convicted'
),

case_victims as (
    select distinct prosecutions.filing_year, victims.victim_key
    from {{ ref('stg_justice__prosecution_victims') }} as victims
    inner join prosecutions
        on victims.batch_id = prosecutions.batch_id and victims.source_row = prosecutions.source_row
),

returns as (
    select batches.agency, records.person_key, {{ calendar_year('records.departed_on') }} as return_year
    from {{ ref('stg_iom__returns') }} as records
    inner join batches on records.batch_id = batches.batch_id
),

shelter_stays as (
    select batches.agency, records.person_key, {{ calendar_year('records.admitted_on') }} as admission_year
    from {{ ref('stg_shelters__stays') }} as records
    inner join batches on records.batch_id = batches.batch_id
),

trainings as (
    select
        batches.agency,
        {{ calendar_year('records.started_on') }} as training_year,
        records.participants_female,
        records.participants_male
    from {{ ref('stg_iom__trainings') }} as records
    inner join batches on records.batch_id = batches.batch_id
),

sides as (
    -- R01: a filing-year cohort's convicted defendants (any instance, decided in any year) <= its prosecuted defendants
    select 'R01' as rule_id, 'left' as side, cohort_cases.filing_year as period_year, cohort_cases.agency,
        count(*) as side_value
    from cohort_cases
    inner join convicted_defendants on cohort_cases.case_reference = convicted_defendants.case_reference
    group by cohort_cases.filing_year, cohort_cases.agency
    union all
    select 'R01', 'right', filing_year, agency, count(*)
    from cohort_defendants
    group by filing_year, agency
    -- R02: persons identified as children <= persons identified, per identifying agency and year
    union all
    select 'R02', 'left', identification_year, agency,
        count(distinct case when age_at_identification < 18 then person_key end)
    from identifications
    group by identification_year, agency
    union all
    select 'R02', 'right', identification_year, agency, count(distinct person_key)
    from identifications
    group by identification_year, agency
    -- R03: victims named in MoJ cases filed in the year <= persons identified by the end of the year
    union all
    select 'R03', 'left', filing_year, '*', count(*)
    from case_victims
    group by filing_year
    union all
    select 'R03', 'right', period_year, '*', persons
    from identified_by_year_end
    -- R08: victims named in MoJ cases filed in the year who were identified by then = all victims named
    union all
    select 'R08', 'left', case_victims.filing_year, '*', count(*)
    from case_victims
    inner join identified_persons
        on case_victims.victim_key = identified_persons.person_key
        and identified_persons.first_identification_year <= case_victims.filing_year
    group by case_victims.filing_year
    union all
    select 'R08', 'right', filing_year, '*', count(*)
    from case_victims
    group by filing_year
    -- R04: identified persons returned in the year <= persons identified by the end of the year
    union all
    select 'R04', 'left', returns.return_year, returns.agency, count(distinct returns.person_key)
    from returns
    inner join identified_persons on returns.person_key = identified_persons.person_key
    group by returns.return_year, returns.agency
    union all
    select 'R04', 'right', period_year, '*', persons
    from identified_by_year_end
    -- R05: identified persons admitted to a shelter in the year <= persons identified by the end of the year
    union all
    select 'R05', 'left', shelter_stays.admission_year, shelter_stays.agency, count(distinct shelter_stays.person_key)
    from shelter_stays
    inner join identified_persons on shelter_stays.person_key = identified_persons.person_key
    group by shelter_stays.admission_year, shelter_stays.agency
    union all
    select 'R05', 'right', period_year, '*', persons
    from identified_by_year_end
    -- R06: women + men = total participants (the total is the sum of row totals: see the mart)
    union all
    select 'R06', 'left', training_year, agency,
        coalesce(sum(participants_female), 0) + coalesce(sum(participants_male), 0)
    from trainings
    group by training_year, agency
    union all
    select 'R06', 'right', training_year, agency, coalesce(sum(participants_female + participants_male), 0)
    from trainings
    group by training_year, agency
    -- R07: convicted decisions with a sentence in months = convicted decisions
    union all
    select 'R07', 'left', decision_year, agency,
        sum(case when sentence_months is not null then 1 else 0 end)
    from decisions
    where outcome = 'convicted'
    group by decision_year, agency
    union all
    select 'R07', 'right', decision_year, agency, count(*)
    from decisions
    where outcome = 'convicted'
    group by decision_year, agency
),

final as (
    select
        cast(rule_id as text) as rule_id,
        cast(side as text) as side,
        cast(period_year as integer) as period_year,
        cast(agency as text) as agency,
        cast(side_value as bigint) as side_value
    from sides
)

select * from final
