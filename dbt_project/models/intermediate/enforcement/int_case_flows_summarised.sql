-- One row per case (Esas No): its defendants at each stage, its dates and durations, and the police
-- operations its defendants were detained in. Counting rules:
--   * defendants_prosecuted: every defendant known from the indictment or the decision file;
--   * a defendant is decided once any decision is given; convicted/acquitted/dismissed/merged follow
--     the final decision (int_court_decisions_ranked), so decided = the four added up;
--   * first_decided_on: the case's first decision of any defendant at any instance;
--   * closed_on: the day the last defendant received a first decision, when the case leaves the trial
--     court's docket (the Ministry's "decided" case); final_decided_on: the last final decision. Both
--     stay null while a defendant is undecided (is_open);
--   * filing_year: the year of the first indictment, or the Esas No's year when the indictment is not
--     in the warehouse; closing_year is never before filing_year, so yearly flows always balance (a
--     decision dated before its filing is a data error, flagged by a test);
--   * linked operations: operations in which a defendant of the case was detained on or before the
--     filing (any time when the filing date is unknown), found through the shared pseudonymous key.
with prosecutions as (
    select * from {{ ref('int_prosecutions_deduplicated') }}
),

case_defendants as (
    select * from {{ ref('int_case_defendants_summarised') }}
),

decisions as (
    select case_reference, batch_id, decided_on, instance_level, source_row
    from {{ ref('int_court_decisions_ranked') }}
),

prosecution_victims as (
    select case_reference, victim_key from {{ ref('stg_justice__prosecution_victims') }}
),

suspects as (
    select suspect_key, operation_reference, detained_on from {{ ref('int_suspects_deduplicated') }}
),

-- the case's first indictment row (same tie-break as the deduplication) gives its filing date, court
-- and offence
ranked_indictments as (
    select
        case_reference,
        batch_id,
        filed_on,
        court_province_plate_code,
        offence,
        row_number() over (
            partition by case_reference order by filed_on, loaded_at desc, source_row, batch_id
        ) as row_rank
    from prosecutions
),

first_indictments as (
    select * from ranked_indictments where row_rank = 1
),

-- the extract a case is reported in: its first indictment's, or its first decision's when the
-- indictment is not in the warehouse (row access on fct_case_flow follows this extract's agency)
ranked_decisions as (
    select
        case_reference,
        batch_id,
        row_number() over (
            partition by case_reference order by decided_on, instance_level, source_row, batch_id
        ) as row_rank
    from decisions
),

first_decisions as (
    select * from ranked_decisions where row_rank = 1
),

victims as (
    select case_reference, count(distinct victim_key) as victims_named
    from prosecution_victims
    group by case_reference
),

defendant_counts as (
    select
        case_reference,
        count(*) as defendants_prosecuted,
        sum(case when has_indictment_record then 1 else 0 end) as with_indictment_record,
        sum(case when is_decided then 1 else 0 end) as decided,
        sum(case when final_outcome = 'convicted' then 1 else 0 end) as convicted,
        sum(case when final_outcome = 'acquitted' then 1 else 0 end) as acquitted,
        sum(case when final_outcome = 'dismissed' then 1 else 0 end) as dismissed,
        sum(case when final_outcome = 'merged' then 1 else 0 end) as merged,
        sum(case when is_convicted_first_instance then 1 else 0 end) as convicted_first_instance,
        sum(case when is_known_suspect then 1 else 0 end) as known_as_suspects,
        min(first_decided_on) as first_decided_on,
        max(first_decided_on) as last_first_decided_on,
        max(final_decided_on) as last_final_decided_on
    from case_defendants
    group by case_reference
),

linked_suspect_rows as (
    select distinct
        case_defendants.case_reference,
        suspects.operation_reference
    from case_defendants
    inner join suspects on case_defendants.defendant_key = suspects.suspect_key
    left join first_indictments on case_defendants.case_reference = first_indictments.case_reference
    where first_indictments.filed_on is null or suspects.detained_on <= first_indictments.filed_on
),

operation_links as (
    select
        linked_suspect_rows.case_reference,
        count(distinct linked_suspect_rows.operation_reference) as linked_operations,
        count(distinct suspects.suspect_key) as suspects_in_linked_operations
    from linked_suspect_rows
    inner join suspects on linked_suspect_rows.operation_reference = suspects.operation_reference
    group by linked_suspect_rows.case_reference
),

summarised as (
    select
        counts.case_reference,
        {{ enforcement_case_reference_year('counts.case_reference') }} as case_reference_year,
        coalesce(first_indictments.batch_id, first_decisions.batch_id) as batch_id,
        first_indictments.filed_on,
        first_indictments.court_province_plate_code,
        first_indictments.offence,
        cast(coalesce(victims.victims_named, 0) as integer) as victims_named,
        cast(counts.defendants_prosecuted as integer) as defendants_prosecuted,
        cast(counts.with_indictment_record as integer) as defendants_with_indictment_record,
        cast(counts.decided as integer) as defendants_decided,
        cast(counts.defendants_prosecuted - counts.decided as integer) as defendants_pending,
        cast(counts.convicted as integer) as defendants_convicted,
        cast(counts.acquitted as integer) as defendants_acquitted,
        cast(counts.dismissed as integer) as defendants_dismissed,
        cast(counts.merged as integer) as defendants_merged,
        cast(counts.convicted_first_instance as integer) as defendants_convicted_first_instance,
        cast(counts.known_as_suspects as integer) as defendants_known_as_suspects,
        cast(coalesce(links.linked_operations, 0) as integer) as linked_operations,
        cast(coalesce(links.suspects_in_linked_operations, 0) as integer) as suspects_in_linked_operations,
        counts.decided < counts.defendants_prosecuted as is_open,
        counts.first_decided_on,
        case when counts.decided = counts.defendants_prosecuted then counts.last_first_decided_on end
            as closed_on,
        case when counts.decided = counts.defendants_prosecuted then counts.last_final_decided_on end
            as final_decided_on,
        counts.decided = counts.defendants_prosecuted and counts.merged = counts.defendants_prosecuted
            as is_merged_away
    from defendant_counts as counts
    left join first_indictments on counts.case_reference = first_indictments.case_reference
    left join first_decisions on counts.case_reference = first_decisions.case_reference
    left join victims on counts.case_reference = victims.case_reference
    left join operation_links as links on counts.case_reference = links.case_reference
),

years as (
    select
        summarised.*,
        coalesce({{ calendar_year('filed_on') }}, case_reference_year) as filing_year,
        {{ calendar_year('closed_on') }} as closed_on_year
    from summarised
),

final as (
    select
        years.*,
        case when closed_on_year < filing_year then filing_year else closed_on_year end as closing_year,
        cast({{ dbt.datediff('filed_on', 'first_decided_on', 'day') }} as integer) as days_to_first_decision,
        cast({{ dbt.datediff('filed_on', 'final_decided_on', 'day') }} as integer) as days_to_final_decision
    from years
)

select * from final
