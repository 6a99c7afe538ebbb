-- One row per international cooperation action of the Ministry of Foreign Affairs.
with actions as (
    select * from {{ ref('stg_foreign_affairs__cooperation_actions') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

final as (
    select
        cast(actions.action_id as text) as action_id,
        cast(actions.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(actions.acted_on as date) as acted_on,
        {{ calendar_year('actions.acted_on') }} as action_year,
        cast(actions.partner_country_iso3 as text) as partner_country_iso3,
        cast(actions.action_type as text) as action_type,
        cast(actions.case_reference as text) as case_reference
    from actions
    inner join batches on actions.batch_id = batches.batch_id
)

select * from final
