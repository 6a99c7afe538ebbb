-- One row per suspect and operation. The police file declares no unique key, so the same suspect can be
-- listed twice for one operation: twice in one extract with some cell differing (the ingestion only
-- quarantines exact copies), or in two active extracts (detained on 31 December in one year's file and
-- on 1 January in the next one's). A person is taken into custody once per operation, so the earliest
-- detention is kept; on a tie, the row of the most recently loaded extract, then its first line.
-- source_rows says how many staging rows the kept row stands for.
with suspects as (
    select * from {{ ref('stg_police__suspects') }}
),

batches as (
    select batch_id, loaded_at from {{ ref('stg_ops__batches') }}
),

ranked as (
    select
        suspects.*,
        row_number() over (
            partition by suspects.suspect_key, suspects.operation_reference
            order by suspects.detained_on, batches.loaded_at desc, suspects.source_row, suspects.batch_id
        ) as row_rank,
        count(*) over (partition by suspects.suspect_key, suspects.operation_reference) as source_rows
    from suspects
    inner join batches on suspects.batch_id = batches.batch_id
),

final as (
    select
        suspect_key,
        operation_reference,
        batch_id,
        source_row,
        detained_on,
        sex,
        nationality_iso3,
        age_at_detention,
        role,
        cast(source_rows as integer) as source_rows
    from ranked
    where row_rank = 1
)

select * from final
