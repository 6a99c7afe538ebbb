-- Every court decision row, ranked. A defendant can be decided more than once at the same instance (a
-- retrial after a higher court sent the case back, or a decision re-sent in a later extract): the
-- latest decision at an instance replaces the earlier ones (rank_in_instance = 1). The final decision
-- of a defendant in a case is the most recent of these latest decisions, the higher instance on the
-- same day: in the normal course that is the highest instance's decision (an upheld conviction is final
-- at the Court of Cassation); a lower court deciding after a higher one (a retrial) is final instead.
-- Ties (same defendant, case, instance and day) go to the most recently loaded extract, then its last line.
with decisions as (
    select * from {{ ref('stg_justice__decisions') }}
),

batches as (
    select batch_id, loaded_at from {{ ref('stg_ops__batches') }}
),

levelled as (
    select
        decisions.*,
        batches.loaded_at,
        {{ enforcement_instance_level('decisions.court_instance') }} as instance_level
    from decisions
    inner join batches on decisions.batch_id = batches.batch_id
),

in_instance as (
    select
        levelled.*,
        row_number() over (
            partition by case_reference, defendant_key, court_instance
            order by decided_on desc, loaded_at desc, source_row desc, batch_id desc
        ) as rank_in_instance,
        count(*) over (partition by case_reference, defendant_key, court_instance) as decisions_at_instance
    from levelled
),

in_case as (
    select
        in_instance.*,
        -- rank among the latest decisions per instance only, so a replaced decision is never final
        case when rank_in_instance = 1 then row_number() over (
            partition by case_reference, defendant_key, rank_in_instance
            order by decided_on desc, instance_level desc
        ) end as rank_in_case
    from in_instance
),

final as (
    select
        case_reference,
        defendant_key,
        batch_id,
        source_row,
        decided_on,
        outcome,
        court_instance,
        instance_level,
        sentence_months,
        judicial_fine_days,
        cast(rank_in_instance as integer) as rank_in_instance,
        rank_in_instance = 1 as is_latest_in_instance,
        cast(decisions_at_instance as integer) as decisions_at_instance,
        coalesce(rank_in_case = 1, false) as is_final
    from in_case
)

select * from final
