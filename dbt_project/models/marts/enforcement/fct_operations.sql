-- One row per police operation. suspects_detained and victims_rescued are the police's own totals;
-- suspects_listed and victims_identified count the persons the suspect and identification files link to
-- the operation, so a gap between them is visible (e.g. a suspect row quarantined).
with operations as (
    select * from {{ ref('stg_police__operations') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

suspects as (
    select operation_reference, suspect_key from {{ ref('int_suspects_deduplicated') }}
),

-- every identifying agency's records that name an operation (gendarmerie references never match a
-- police operation, but an agency's operations file added later will find its victims here)
identifications as (
    select operation_reference, person_key from {{ ref('stg_police__identifications') }}
    where operation_reference is not null
    union all
    select operation_reference, person_key from {{ ref('stg_gendarmerie__identifications') }}
    where operation_reference is not null
),

suspect_counts as (
    select operation_reference, count(distinct suspect_key) as suspects_listed
    from suspects
    group by operation_reference
),

victim_counts as (
    select operation_reference, count(distinct person_key) as victims_identified
    from identifications
    group by operation_reference
),

final as (
    select
        cast(operations.operation_reference as text) as operation_reference,
        cast(operations.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(operations.carried_out_on as date) as carried_out_on,
        cast({{ calendar_year('operations.carried_out_on') }} as integer) as operation_year,
        cast(operations.province_plate_code as integer) as province_plate_code,
        cast(operations.article_source_code as text) as article_source_code,
        cast(operations.offence as text) as offence,
        cast(operations.suspects_detained as integer) as suspects_detained,
        cast(operations.victims_rescued as integer) as victims_rescued,
        cast(coalesce(suspect_counts.suspects_listed, 0) as integer) as suspects_listed,
        cast(coalesce(victim_counts.victims_identified, 0) as integer) as victims_identified
    from operations
    inner join batches on operations.batch_id = batches.batch_id
    left join suspect_counts on operations.operation_reference = suspect_counts.operation_reference
    left join victim_counts on operations.operation_reference = victim_counts.operation_reference
)

select * from final
