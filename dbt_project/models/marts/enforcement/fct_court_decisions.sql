-- One row per defendant, case and instance: the latest decision at that instance (earlier decisions it
-- replaced stay in int_court_decisions_ranked; decisions_at_instance counts them). Persons convicted
-- (P4): at first instance, count rows with court_instance = 'first_instance' and is_conviction; final,
-- rows with is_final and is_conviction. Decisions are dated by decided_on (the decision's year).
with decisions as (
    select * from {{ ref('int_court_decisions_ranked') }}
    where is_latest_in_instance
),

case_defendants as (
    select * from {{ ref('int_case_defendants_summarised') }}
),

prosecutions as (
    select case_reference, defendant_key, court_province_plate_code, offence
    from {{ ref('int_prosecutions_deduplicated') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

flagged as (
    select
        decisions.*,
        decisions.outcome = 'convicted' as is_conviction
    from decisions
),

final as (
    select
        cast(flagged.case_reference as text) as case_reference,
        cast(flagged.defendant_key as text) as defendant_key,
        cast(flagged.court_instance as text) as court_instance,
        cast(flagged.instance_level as integer) as instance_level,
        cast(flagged.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(flagged.decided_on as date) as decided_on,
        cast({{ calendar_year('flagged.decided_on') }} as integer) as decision_year,
        cast(flagged.outcome as text) as outcome,
        flagged.is_conviction,
        flagged.outcome = 'acquitted' as is_acquittal,
        flagged.is_final,
        cast(flagged.sentence_months as integer) as sentence_months,
        cast({{ enforcement_sentence_band('flagged.sentence_months', 'flagged.is_conviction') }} as text)
            as sentence_band,
        case
            when flagged.is_conviction
                then coalesce(flagged.sentence_months >= {{ enforcement_art80_minimum_months() }}, false)
        end as is_sentence_at_least_art80_minimum,
        cast(flagged.judicial_fine_days as integer) as judicial_fine_days,
        cast(flagged.decisions_at_instance as integer) as decisions_at_instance,
        cast(prosecutions.court_province_plate_code as integer) as court_province_plate_code,
        cast(prosecutions.offence as text) as offence,
        cast(case_defendants.sex as text) as sex,
        cast(case_defendants.nationality_iso3 as text) as nationality_iso3,
        cast(case_defendants.filed_on as date) as filed_on,
        cast({{ dbt.datediff('case_defendants.filed_on', 'flagged.decided_on', 'day') }} as integer)
            as days_since_filing
    from flagged
    inner join batches on flagged.batch_id = batches.batch_id
    inner join case_defendants
        on flagged.case_reference = case_defendants.case_reference
        and flagged.defendant_key = case_defendants.defendant_key
    left join prosecutions
        on flagged.case_reference = prosecutions.case_reference
        and flagged.defendant_key = prosecutions.defendant_key
)

select * from final
