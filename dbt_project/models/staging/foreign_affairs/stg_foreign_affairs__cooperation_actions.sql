with source as (
    select * from {{ source('foreign_affairs', 'cooperation_actions') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'cooperation_actions'
),

renamed as (
    select
        source.action_ref as action_id,
        source._batch_id as batch_id,
        source._source_row as source_row,
        cast(source.action_date as date) as acted_on,
        source.partner_country as partner_country_iso3,
        source.action_type as action_type_source_code,
        action_type_code.code as action_type,
        source.case_ref as case_reference
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as action_type_code
        on action_type_code.column_name = 'action_type' and action_type_code.source_code = source.action_type
)

select * from renamed
