-- One row per shelter stay. Any shelter NGO may send the stays extract and each row names its shelter,
-- so the same stay (person, shelter, admission date) can reach staging twice: in two NGOs' workbooks, or
-- as two rows of one workbook that differ in discharge or services (exact repeats of a row are already
-- quarantined at ingest, and one agency's active batches never overlap in period). One copy is kept by
-- the rule documented in _protection__models.yml; staging_rows says how many staging rows the stay had.
with stays as (
    select * from {{ ref('stg_shelters__stays') }}
),

batches as (
    select batch_id, loaded_at from {{ ref('stg_ops__batches') }}
),

ranked as (
    select
        stays.batch_id,
        stays.source_row,
        stays.sending_agency,
        stays.person_key,
        stays.shelter,
        stays.admitted_on,
        stays.discharged_on,
        stays.discharge_reason,
        stays.service_source_codes,
        count(*) over (partition by stays.person_key, stays.shelter, stays.admitted_on) as staging_rows,
        row_number() over (
            partition by stays.person_key, stays.shelter, stays.admitted_on
            order by
                -- a copy that records the end of the stay knows more than one that shows it open
                case when stays.discharged_on is null then 1 else 0 end,
                -- then the newest extract, then a fixed order so both engines keep the same row
                batches.loaded_at desc,
                stays.source_row,
                stays.batch_id
        ) as copy_rank
    from stays
    inner join batches on stays.batch_id = batches.batch_id
),

final as (
    select
        batch_id,
        source_row,
        sending_agency,
        person_key,
        shelter,
        admitted_on,
        discharged_on,
        discharge_reason,
        service_source_codes,
        cast(staging_rows as integer) as staging_rows
    from ranked
    where copy_rank = 1
)

select * from final
