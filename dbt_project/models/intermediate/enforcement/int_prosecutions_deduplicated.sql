-- One row per defendant and case. The Ministry's file declares no unique key, so the same defendant of
-- the same case can come twice: twice in one extract with some cell differing (the ingestion only
-- quarantines exact copies), or in two active extracts (an additional indictment against a defendant
-- already indicted, or a filing date corrected across the turn of a year). A person is prosecuted in a
-- case once, when first indicted: the earliest filing is kept; on a tie, the row of the most recently
-- loaded extract, then its first line. The victims named are counted over every row folded in, so no
-- victim key is lost with a dropped duplicate; source_rows says how many staging rows were folded.
with prosecutions as (
    select * from {{ ref('stg_justice__prosecutions') }}
),

prosecution_victims as (
    select case_reference, defendant_key, victim_key from {{ ref('stg_justice__prosecution_victims') }}
),

identified_persons as (
    select distinct person_key from {{ ref('int_identifications_unioned') }}
),

batches as (
    select batch_id, loaded_at from {{ ref('stg_ops__batches') }}
),

ranked as (
    select
        prosecutions.*,
        batches.loaded_at,
        row_number() over (
            partition by prosecutions.case_reference, prosecutions.defendant_key
            order by
                prosecutions.filed_on, batches.loaded_at desc, prosecutions.source_row, prosecutions.batch_id
        ) as row_rank,
        count(*) over (partition by prosecutions.case_reference, prosecutions.defendant_key) as source_rows
    from prosecutions
    inner join batches on prosecutions.batch_id = batches.batch_id
),

victims as (
    select
        prosecution_victims.case_reference,
        prosecution_victims.defendant_key,
        count(distinct prosecution_victims.victim_key) as victims_named,
        count(distinct identified_persons.person_key) as victims_identified
    from prosecution_victims
    left join identified_persons on prosecution_victims.victim_key = identified_persons.person_key
    group by prosecution_victims.case_reference, prosecution_victims.defendant_key
),

final as (
    select
        ranked.case_reference,
        ranked.defendant_key,
        ranked.batch_id,
        ranked.source_row,
        ranked.loaded_at,
        ranked.filed_on,
        ranked.court_province_plate_code,
        ranked.article_source_code,
        ranked.offence,
        cast(coalesce(victims.victims_named, 0) as integer) as victims_named,
        cast(coalesce(victims.victims_identified, 0) as integer) as victims_identified,
        cast(ranked.source_rows as integer) as source_rows
    from ranked
    left join victims
        on ranked.case_reference = victims.case_reference and ranked.defendant_key = victims.defendant_key
    where ranked.row_rank = 1
)

select * from final
