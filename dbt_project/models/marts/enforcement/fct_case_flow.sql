-- One row per case (Esas No) known from the Ministry's indictment or decision files, with its
-- defendants at each stage, its dates and durations (int_case_flows_summarised has the counting rules).
with cases as (
    select * from {{ ref('int_case_flows_summarised') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

final as (
    select
        cast(cases.case_reference as text) as case_reference,
        cast(cases.case_reference_year as integer) as case_reference_year,
        cast(cases.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(cases.filed_on as date) as filed_on,
        cast(cases.filing_year as integer) as filing_year,
        cast(cases.court_province_plate_code as integer) as court_province_plate_code,
        cast(cases.offence as text) as offence,
        cast(cases.victims_named as integer) as victims_named,
        cast(cases.defendants_prosecuted as integer) as defendants_prosecuted,
        cast(cases.defendants_with_indictment_record as integer) as defendants_with_indictment_record,
        cast(cases.defendants_decided as integer) as defendants_decided,
        cast(cases.defendants_pending as integer) as defendants_pending,
        cast(cases.defendants_convicted as integer) as defendants_convicted,
        cast(cases.defendants_acquitted as integer) as defendants_acquitted,
        cast(cases.defendants_dismissed as integer) as defendants_dismissed,
        cast(cases.defendants_merged as integer) as defendants_merged,
        cast(cases.defendants_convicted_first_instance as integer) as defendants_convicted_first_instance,
        cast(cases.defendants_known_as_suspects as integer) as defendants_known_as_suspects,
        cast(cases.linked_operations as integer) as linked_operations,
        cast(cases.suspects_in_linked_operations as integer) as suspects_in_linked_operations,
        cast(cases.first_decided_on as date) as first_decided_on,
        cast(cases.closed_on as date) as closed_on,
        cast(cases.closing_year as integer) as closing_year,
        cast(cases.final_decided_on as date) as final_decided_on,
        cast(cases.days_to_first_decision as integer) as days_to_first_decision,
        cast(cases.days_to_final_decision as integer) as days_to_final_decision,
        cases.is_open,
        cases.is_merged_away
    from cases
    inner join batches on cases.batch_id = batches.batch_id
)

select * from final
