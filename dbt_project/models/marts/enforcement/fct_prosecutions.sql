-- One row per defendant and case as indicted (int_prosecutions_deduplicated). Persons prosecuted (P3)
-- by filing year: count(distinct defendant_key) where filing_year = t. Defendants known only from a
-- decision (indicted before the first reporting year) are in fct_case_flow, not here.
with prosecutions as (
    select * from {{ ref('int_prosecutions_deduplicated') }}
),

case_defendants as (
    select * from {{ ref('int_case_defendants_summarised') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

final as (
    select
        cast(prosecutions.case_reference as text) as case_reference,
        cast(prosecutions.defendant_key as text) as defendant_key,
        cast(prosecutions.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(prosecutions.filed_on as date) as filed_on,
        cast({{ calendar_year('prosecutions.filed_on') }} as integer) as filing_year,
        cast(prosecutions.court_province_plate_code as integer) as court_province_plate_code,
        cast(prosecutions.article_source_code as text) as article_source_code,
        cast(prosecutions.offence as text) as offence,
        cast(prosecutions.victims_named as integer) as victims_named,
        cast(prosecutions.victims_identified as integer) as victims_identified,
        cast(case_defendants.sex as text) as sex,
        cast(case_defendants.nationality_iso3 as text) as nationality_iso3,
        case_defendants.is_known_suspect,
        case_defendants.is_decided,
        cast(case_defendants.final_outcome as text) as final_outcome,
        case_defendants.is_convicted,
        cast(prosecutions.source_rows as integer) as source_rows
    from prosecutions
    inner join batches on prosecutions.batch_id = batches.batch_id
    inner join case_defendants
        on prosecutions.case_reference = case_defendants.case_reference
        and prosecutions.defendant_key = case_defendants.defendant_key
)

select * from final
