-- One row per referral. Any agency may send the referrals extract, and a row names the referring agency
-- itself (from_agency), so the same referral (person, from, to, date, service) can reach staging twice:
-- from the referring agency and from another agency that reported it too, or as two rows of one file
-- that differ only in the acceptance date (exact repeats are already quarantined at ingest, and one
-- agency's active batches never overlap in period). One copy is kept by the rule documented in
-- _protection__models.yml; staging_rows says how many staging rows the referral had.
with referrals as (
    select * from {{ ref('stg_referrals__referrals') }}
),

batches as (
    select batch_id, loaded_at from {{ ref('stg_ops__batches') }}
),

ranked as (
    select
        referrals.batch_id,
        referrals.source_row,
        referrals.sending_agency,
        referrals.person_key,
        referrals.from_agency,
        referrals.to_agency,
        referrals.referred_on,
        referrals.service_requested,
        referrals.accepted_on,
        count(*) over (
            partition by
                referrals.person_key, referrals.from_agency, referrals.to_agency, referrals.referred_on,
                referrals.service_requested
        ) as staging_rows,
        row_number() over (
            partition by
                referrals.person_key, referrals.from_agency, referrals.to_agency, referrals.referred_on,
                referrals.service_requested
            order by
                -- a copy that records the acceptance knows more than one that does not
                case when referrals.accepted_on is null then 1 else 0 end,
                -- then the referring agency's own record (the contract's one row per referral made)
                case when referrals.sending_agency = referrals.from_agency then 0 else 1 end,
                -- then the newest extract, then a fixed order so both engines keep the same row
                batches.loaded_at desc,
                referrals.source_row,
                referrals.batch_id
        ) as copy_rank
    from referrals
    inner join batches on referrals.batch_id = batches.batch_id
),

final as (
    select
        batch_id,
        source_row,
        sending_agency,
        person_key,
        from_agency,
        to_agency,
        referred_on,
        service_requested,
        accepted_on,
        cast(staging_rows as integer) as staging_rows
    from ranked
    where copy_rank = 1
)

select * from final
