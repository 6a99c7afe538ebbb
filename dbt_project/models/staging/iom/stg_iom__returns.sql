with source as (
    select * from {{ source('iom', 'returns') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'iom_returns'
),

renamed as (
    select
        source.case_id as return_id,
        source._batch_id as batch_id,
        source._source_row as source_row,
        source.person_key,
        cast(source.departure_date as date) as departed_on,
        source.destination_country as destination_iso3,
        source.return_type as return_type_source_code,
        return_type_code.code as return_type,
        source.reintegration_assistance as reintegration_source_code,
        case reintegration_code.code when 'true' then true when 'false' then false end
            as has_reintegration_assistance,
        source.sex as sex_source_code,
        sex_code.code as sex,
        cast(source.age as integer) as age_at_return
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as return_type_code
        on return_type_code.column_name = 'return_type' and return_type_code.source_code = source.return_type
    left join codes as reintegration_code
        on reintegration_code.column_name = 'reintegration_assistance'
        and reintegration_code.source_code = source.reintegration_assistance
    left join codes as sex_code
        on sex_code.column_name = 'sex' and sex_code.source_code = source.sex
)

select * from renamed
