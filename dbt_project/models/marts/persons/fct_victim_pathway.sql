-- One row per person: the pathway from identification through referral to shelter, health services
-- and return, from int_victim_pathways. Durations are whole days; a negative one (a step before the
-- first identification, or assistance before the first referral) is kept and flagged.
with pathways as (
    select * from {{ ref('int_victim_pathways') }}
),

final as (
    select
        cast(person_key as text) as person_key,
        cast(identifying_agency as text) as identifying_agency,
        cast(person_identification_status as text) as person_identification_status,
        cast(identified_on as date) as identified_on,
        cast({{ calendar_year('identified_on') }} as integer) as identification_year,
        cast(first_referred_on as date) as first_referred_on,
        cast(first_sheltered_on as date) as first_sheltered_on,
        cast(first_health_service_on as date) as first_health_service_on,
        cast(returned_on as date) as returned_on,
        cast(first_assistance_on as date) as first_assistance_on,
        cast(has_reintegration_assistance as boolean) as has_reintegration_assistance,
        cast(days_identification_to_first_referral as integer) as days_identification_to_first_referral,
        cast(days_identification_to_first_shelter as integer) as days_identification_to_first_shelter,
        cast(days_identification_to_first_health_service as integer)
            as days_identification_to_first_health_service,
        cast(days_identification_to_return as integer) as days_identification_to_return,
        cast(days_identification_to_first_assistance as integer) as days_identification_to_first_assistance,
        cast(days_first_referral_to_first_assistance as integer) as days_first_referral_to_first_assistance,
        cast(has_step_before_identification as boolean) as has_step_before_identification,
        cast(has_assistance_before_referral as boolean) as has_assistance_before_referral,
        cast(pathway_stage as text) as pathway_stage,
        cast(pathway_stage_rank as integer) as pathway_stage_rank
    from pathways
)

select * from final
