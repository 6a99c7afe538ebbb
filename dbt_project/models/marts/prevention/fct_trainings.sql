-- One row per training session and participant group, as IOM reports them: a session that brought two
-- agencies together is two rows with the same training reference, so count sessions with
-- count(distinct training_reference) and participants with sum(participants_total).
with trainings as (
    select * from {{ ref('stg_iom__trainings') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

final as (
    select
        cast(trainings.batch_id || '#' || cast(trainings.source_row as text) as text) as training_row_id,
        cast(trainings.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(trainings.training_reference as text) as training_reference,
        cast(trainings.started_on as date) as started_on,
        {{ calendar_year('trainings.started_on') }} as training_year,
        cast(trainings.province_plate_code as integer) as province_plate_code,
        cast(trainings.participant_agency as text) as participant_agency,
        cast(trainings.topic as text) as topic,
        cast(trainings.participants_female as integer) as participants_female,
        cast(trainings.participants_male as integer) as participants_male,
        cast(trainings.participants_female + trainings.participants_male as integer) as participants_total
    from trainings
    inner join batches on trainings.batch_id = batches.batch_id
)

select * from final
