-- Prosecution and conviction figures per year for donor reports: persons prosecuted (P3) and convicted
-- at first instance (P4), for every trafficking-related offence of the Ministry of Justice's extract
-- and for TPC Art. 80 (trafficking in persons) alone, prosecutions initiated (P3A), and the
-- first-instance conviction rate (P5). As published in rpt_indicator_values (rounded counts, withheld
-- rates; rule_disclosure).
with published as (
    select * from {{ ref('rpt_indicator_values') }}
    where period_type = 'year'
        and indicator_id in ('P3', 'P3A', 'P4', 'P5')
        and (disaggregation = 'total' or (disaggregation = 'offence' and category = 'trafficking_in_persons'))
),

final as (
    select
        cast(period_id as integer) as year,
        cast(coalesce(max(case when indicator_id = 'P3' and disaggregation = 'total' then numerator end), 0)
            as bigint) as persons_prosecuted,
        cast(coalesce(max(case when indicator_id = 'P3' and disaggregation = 'offence' then numerator end), 0)
            as bigint) as persons_prosecuted_art80,
        cast(coalesce(max(case when indicator_id = 'P3A' and disaggregation = 'total' then numerator end), 0)
            as bigint) as prosecutions_initiated,
        cast(coalesce(max(case when indicator_id = 'P4' and disaggregation = 'total' then numerator end), 0)
            as bigint) as persons_convicted,
        cast(coalesce(max(case when indicator_id = 'P4' and disaggregation = 'offence' then numerator end), 0)
            as bigint) as persons_convicted_art80,
        cast(coalesce(max(case when indicator_id = 'P5' and disaggregation = 'total' then denominator end), 0)
            as bigint) as first_instance_verdicts,
        cast(max(case when indicator_id = 'P5' and disaggregation = 'total' then value end) as numeric(18, 2))
            as conviction_rate,
        coalesce(max(case when indicator_id = 'P5' and disaggregation = 'total' and is_withheld then 1 else 0 end), 0) = 1
            as is_conviction_rate_withheld,
        cast(max(case when indicator_id = 'P5' and disaggregation = 'offence' then value end) as numeric(18, 2))
            as conviction_rate_art80,
        coalesce(max(case when indicator_id = 'P5' and disaggregation = 'offence' and is_withheld then 1 else 0 end), 0) = 1
            as is_conviction_rate_art80_withheld
    from published
    group by period_id
)

select * from final
