-- One row per suspect and operation. The contract declares no unique key: the row is identified by
-- (batch_id, source_row).
with source as (
    select * from {{ source('police', 'suspects') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'police_suspects'
),

renamed as (
    select
        source._batch_id as batch_id,
        source._source_row as source_row,
        source.suspect_key,
        source.operation_ref as operation_reference,
        cast(source.detained_date as date) as detained_on,
        source.sex as sex_source_code,
        sex_code.code as sex,
        source.nationality as nationality_iso3,
        cast(source.age as integer) as age_at_detention,
        source.role as role_source_code,
        role_code.code as role
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as sex_code
        on sex_code.column_name = 'sex' and sex_code.source_code = source.sex
    left join codes as role_code
        on role_code.column_name = 'role' and role_code.source_code = source.role
)

select * from renamed
