-- One row per suspect and operation (int_suspects_deduplicated). A person detained in two operations
-- has two rows: count persons with count(distinct suspect_key) or is_first_detention_of_person (P2).
with suspects as (
    select * from {{ ref('int_suspects_deduplicated') }}
),

operations as (
    select operation_reference, province_plate_code, offence from {{ ref('stg_police__operations') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

case_defendants as (
    select
        defendant_key,
        max(case when is_convicted then 1 else 0 end) = 1 as is_convicted
    from {{ ref('int_case_defendants_summarised') }}
    group by defendant_key
),

final as (
    select
        cast(suspects.suspect_key as text) as suspect_key,
        cast(suspects.operation_reference as text) as operation_reference,
        cast(suspects.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(suspects.detained_on as date) as detained_on,
        cast({{ calendar_year('suspects.detained_on') }} as integer) as detention_year,
        cast(operations.province_plate_code as integer) as province_plate_code,
        cast(operations.offence as text) as offence,
        cast(suspects.sex as text) as sex,
        cast(suspects.nationality_iso3 as text) as nationality_iso3,
        cast(suspects.age_at_detention as integer) as age_at_detention,
        cast({{ age_group('suspects.age_at_detention') }} as text) as age_group,
        cast(suspects.role as text) as role,
        case_defendants.defendant_key is not null as is_prosecuted,
        coalesce(case_defendants.is_convicted, false) as is_convicted,
        row_number() over (
            partition by suspects.suspect_key order by suspects.detained_on, suspects.operation_reference
        ) = 1 as is_first_detention_of_person,
        cast(suspects.source_rows as integer) as source_rows
    from suspects
    inner join batches on suspects.batch_id = batches.batch_id
    left join operations on suspects.operation_reference = operations.operation_reference
    left join case_defendants on suspects.suspect_key = case_defendants.defendant_key
)

select * from final
