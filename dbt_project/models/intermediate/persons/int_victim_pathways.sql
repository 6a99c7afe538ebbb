-- One row per person: the steps of the person's pathway through the referral mechanism, the first date
-- of each, and the days between identification and each step. Assistance is a service the person
-- actually received: a shelter admission, a health service or an assisted return (a referral is a
-- request, not yet assistance). A step dated before the first identification (a shelter that admitted
-- a person before the police recorded them, a return from an earlier, quarantined identification) gives
-- a negative number of days: it is kept, and the row is flagged, so a median of days can leave it out.
-- Incremental by person, as int_persons_resolved (docs block incremental_models).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ incremental_prepare('int_persons_fingerprinted', 'person_key') }}",
    post_hook="{{ incremental_save_state('int_persons_fingerprinted') }}",
) }}
{{ incremental_depends_on('int_persons_fingerprinted') }}

with persons as (
    select
        person_key,
        person_identification_status,
        first_identified_on,
        identifying_agency
    from {{ ref('int_persons_resolved') }}
    {{ incremental_where('person_key') }}
),

records as (
    select * from {{ ref('int_person_records_unioned') }}
    {{ incremental_where('person_key') }}
),

steps as (
    select
        person_key,
        min(case when event_kind = 'referral' then event_on end) as first_referred_on,
        min(case when event_kind = 'shelter_admission' then event_on end) as first_sheltered_on,
        min(case when event_kind = 'health_service' then event_on end) as first_health_service_on,
        min(case when event_kind = 'return' then event_on end) as returned_on,
        min(case when event_kind in ('shelter_admission', 'health_service', 'return') then event_on end)
            as first_assistance_on,
        -- null when the person did not return; true when any return came with reintegration assistance
        max(case when event_kind = 'return' then
            case when has_reintegration_assistance then 1 else 0 end
        end) as reintegration_assisted
    from records
    group by person_key
),

pathways as (
    select
        persons.person_key,
        persons.person_identification_status,
        persons.identifying_agency,
        persons.first_identified_on as identified_on,
        steps.first_referred_on,
        steps.first_sheltered_on,
        steps.first_health_service_on,
        steps.returned_on,
        steps.first_assistance_on,
        case steps.reintegration_assisted when 1 then true when 0 then false end as has_reintegration_assistance
    from persons
    inner join steps on persons.person_key = steps.person_key
),

final as (
    select
        pathways.*,
        cast({{ dbt.datediff('identified_on', 'first_referred_on', 'day') }} as integer)
            as days_identification_to_first_referral,
        cast({{ dbt.datediff('identified_on', 'first_sheltered_on', 'day') }} as integer)
            as days_identification_to_first_shelter,
        cast({{ dbt.datediff('identified_on', 'first_health_service_on', 'day') }} as integer)
            as days_identification_to_first_health_service,
        cast({{ dbt.datediff('identified_on', 'returned_on', 'day') }} as integer)
            as days_identification_to_return,
        cast({{ dbt.datediff('identified_on', 'first_assistance_on', 'day') }} as integer)
            as days_identification_to_first_assistance,
        cast({{ dbt.datediff('first_referred_on', 'first_assistance_on', 'day') }} as integer)
            as days_first_referral_to_first_assistance,
        coalesce(
            first_referred_on < identified_on
            or first_sheltered_on < identified_on
            or first_health_service_on < identified_on
            or returned_on < identified_on,
            false
        ) as has_step_before_identification,
        coalesce(first_assistance_on < first_referred_on, false) as has_assistance_before_referral,
        case
            when returned_on is not null then 'returned'
            when first_assistance_on is not null then 'assisted'
            when first_referred_on is not null then 'referred'
            when identified_on is not null then 'identified'
            else 'recorded_only'
        end as pathway_stage,
        case
            when returned_on is not null then 4
            when first_assistance_on is not null then 3
            when first_referred_on is not null then 2
            when identified_on is not null then 1
            else 0
        end as pathway_stage_rank
    from pathways
)

select * from final
