-- One row per shelter stay, after the duplicate rule of int_shelter_stays_deduplicated. An open stay
-- (no discharge date yet) has no length: counting it as ending today would change with the build date.
with stays as (
    select * from {{ ref('int_shelter_stays_deduplicated') }}
),

stay_services as (
    select batch_id, source_row, service from {{ ref('stg_shelters__stay_services') }}
),

services as (
    select
        batch_id,
        source_row,
        {{ dbt.listagg('service', "','", "order by service") }} as services,
        count(*) as service_count,
        max(case when service = 'shelter' then 1 else 0 end) = 1 as received_shelter,
        max(case when service = 'psychosocial' then 1 else 0 end) = 1 as received_psychosocial,
        max(case when service = 'health' then 1 else 0 end) = 1 as received_health,
        max(case when service = 'legal' then 1 else 0 end) = 1 as received_legal,
        max(case when service = 'interpretation' then 1 else 0 end) = 1 as received_interpretation,
        max(case when service = 'education' then 1 else 0 end) = 1 as received_education,
        max(case when service = 'financial' then 1 else 0 end) = 1 as received_financial,
        max(case when service = 'other' then 1 else 0 end) = 1 as received_other
    from stay_services
    group by batch_id, source_row
),

final as (
    select
        cast(stays.batch_id || '#' || cast(stays.source_row as text) as text) as stay_id,
        cast(stays.batch_id as text) as batch_id,
        cast(stays.sending_agency as text) as reporting_agency,
        cast(stays.person_key as text) as person_key,
        cast(stays.shelter as text) as shelter,
        cast(stays.admitted_on as date) as admitted_on,
        cast(stays.discharged_on as date) as discharged_on,
        {{ calendar_year('stays.admitted_on') }} as admission_year,
        cast(
            case when stays.discharged_on is not null
                then {{ dbt.datediff('stays.admitted_on', 'stays.discharged_on', 'day') }}
            end as integer
        ) as length_of_stay_days,
        stays.discharged_on is null as is_open,
        cast(stays.discharge_reason as text) as discharge_reason,
        cast(services.services as text) as services,
        cast(coalesce(services.service_count, 0) as integer) as service_count,
        coalesce(services.received_shelter, false) as received_shelter,
        coalesce(services.received_psychosocial, false) as received_psychosocial,
        coalesce(services.received_health, false) as received_health,
        coalesce(services.received_legal, false) as received_legal,
        coalesce(services.received_interpretation, false) as received_interpretation,
        coalesce(services.received_education, false) as received_education,
        coalesce(services.received_financial, false) as received_financial,
        coalesce(services.received_other, false) as received_other
    from stays
    left join services
        on stays.batch_id = services.batch_id and stays.source_row = services.source_row
)

select * from final
