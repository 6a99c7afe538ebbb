-- One row per defendant, case and instance: a conviction upheld by the Court of Cassation is two rows.
-- The contract declares no unique key: the row is identified by (batch_id, source_row).
with source as (
    select * from {{ source('justice', 'decisions') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'justice_decisions'
),

renamed as (
    select
        source._batch_id as batch_id,
        source._source_row as source_row,
        source.case_ref as case_reference,
        source.defendant_key,
        cast(source.decision_date as date) as decided_on,
        source.outcome as outcome_source_code,
        outcome_code.code as outcome,
        source.instance as instance_source_code,
        instance_code.code as court_instance,
        cast(source.sentence_months as integer) as sentence_months,
        cast(source.judicial_fine_days as integer) as judicial_fine_days
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as outcome_code
        on outcome_code.column_name = 'outcome' and outcome_code.source_code = source.outcome
    left join codes as instance_code
        on instance_code.column_name = 'instance' and instance_code.source_code = source.instance
)

select * from renamed
