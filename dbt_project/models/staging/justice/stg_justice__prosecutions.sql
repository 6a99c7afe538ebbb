-- One row per defendant and case (a case with three defendants is three rows). The case's victims stay
-- here as the |-separated list the Ministry sends; stg_justice__prosecution_victims unpacks it.
with source as (
    select * from {{ source('justice', 'prosecutions') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'justice_prosecutions'
),

renamed as (
    select
        source._batch_id as batch_id,
        source._source_row as source_row,
        source.case_ref as case_reference,
        source.defendant_key,
        cast(source.filing_date as date) as filed_on,
        cast(source.court_province_code as integer) as court_province_plate_code,
        source.article as article_source_code,
        offence_code.code as offence,
        source.victim_keys as victim_key_list,
        cast({{ list_item_count('source.victim_keys', '|') }} as integer) as victim_key_count
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as offence_code
        on offence_code.column_name = 'article' and offence_code.source_code = source.article
)

select * from renamed
