-- One row per case and defendant known from either Ministry file: the indictment (deduplicated) and the
-- decisions. A decision implies an indictment, so a defendant whose indictment row is missing (filed
-- before the first reporting year, or quarantined) is still a defendant of the case. Sex and citizenship
-- come from the police's record of the same key as a suspect (the Ministry's files carry neither), the
-- most recent detention when there are several.
with prosecutions as (
    select * from {{ ref('int_prosecutions_deduplicated') }}
),

decisions as (
    select * from {{ ref('int_court_decisions_ranked') }}
),

suspects as (
    select * from {{ ref('int_suspects_deduplicated') }}
),

defendants as (
    select case_reference, defendant_key from prosecutions
    union
    select case_reference, defendant_key from decisions
),

decided as (
    select
        case_reference,
        defendant_key,
        min(decided_on) as first_decided_on,
        max(case when is_final then decided_on end) as final_decided_on,
        max(case when is_final then outcome end) as final_outcome,
        max(case when is_final then court_instance end) as final_court_instance,
        max(case when is_latest_in_instance and instance_level = 1 then outcome end) as first_instance_outcome
    from decisions
    group by case_reference, defendant_key
),

suspect_persons as (
    select
        suspect_key,
        sex,
        nationality_iso3,
        row_number() over (
            partition by suspect_key order by detained_on desc, operation_reference desc
        ) as row_rank
    from suspects
),

final as (
    select
        defendants.case_reference,
        defendants.defendant_key,
        prosecutions.case_reference is not null as has_indictment_record,
        prosecutions.filed_on,
        decided.first_decided_on,
        decided.case_reference is not null as is_decided,
        decided.final_decided_on,
        decided.final_court_instance,
        decided.final_outcome,
        coalesce(decided.final_outcome = 'convicted', false) as is_convicted,
        decided.first_instance_outcome,
        coalesce(decided.first_instance_outcome = 'convicted', false) as is_convicted_first_instance,
        suspect_persons.suspect_key is not null as is_known_suspect,
        coalesce(suspect_persons.sex, 'unknown') as sex,
        suspect_persons.nationality_iso3
    from defendants
    left join prosecutions
        on defendants.case_reference = prosecutions.case_reference
        and defendants.defendant_key = prosecutions.defendant_key
    left join decided
        on defendants.case_reference = decided.case_reference
        and defendants.defendant_key = decided.defendant_key
    left join suspect_persons
        on defendants.defendant_key = suspect_persons.suspect_key and suspect_persons.row_rank = 1
)

select * from final
