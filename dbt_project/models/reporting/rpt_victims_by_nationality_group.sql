-- Identified (V1) and presumed (V2) victims per year by citizenship group as Eurostat groups it from
-- Türkiye (national, other EU, non-EU; unknown when not recorded; null = all), with the share of
-- foreign nationals among victims of known citizenship (V7). As published in rpt_indicator_values
-- (rounded counts, withheld shares; rule_disclosure).
with published as (
    select * from {{ ref('rpt_indicator_values') }}
    where period_type = 'year'
        and (
            (indicator_id in ('V1', 'V2') and disaggregation in ('total', 'nationality_group'))
            or (indicator_id = 'V7' and disaggregation = 'total')
        )
),

counts as (
    select
        period_id,
        nationality_group,
        max(case when indicator_id = 'V1' then numerator end) as identified_victims,
        max(case when indicator_id = 'V2' then numerator end) as presumed_victims
    from published
    where indicator_id in ('V1', 'V2')
    group by period_id, nationality_group
),

foreign_shares as (
    select period_id, value as share_foreign, is_withheld from published where indicator_id = 'V7'
),

final as (
    select
        cast(counts.period_id as integer) as year,
        cast(counts.nationality_group as text) as nationality_group,
        cast(coalesce(counts.identified_victims, 0) as bigint) as identified_victims,
        cast(coalesce(counts.presumed_victims, 0) as bigint) as presumed_victims,
        -- on the all-groups row only: the share of foreign nationals among victims of known citizenship
        cast(case when counts.nationality_group is null then foreign_shares.share_foreign end as numeric(18, 2))
            as share_foreign_among_known,
        coalesce(counts.nationality_group is null and foreign_shares.is_withheld, false)
            as is_share_withheld
    from counts
    left join foreign_shares on counts.period_id = foreign_shares.period_id
)

select * from final
