-- Monthly counts per agency, source and province, scored for outliers with a median-based rule
-- (Iglewicz and Hoaglin's modified z-score, DHIS2's MOD_Z_SCORE): robust for the small, skewed counts
-- of trafficking data, where a mean and standard deviation are pulled by the very spike to be found.
--
--   modified z = 0.6745 * (x - median) / MAD,  MAD = median(|x - median|)  over the whole series;
--   flagged when |modified z| > 3.5.
--   MAD = 0 (more than half of the months share one value, e.g. mostly zero): the mean absolute
--   deviation is used instead, z = (x - median) / (1.253314 * meanAD), the usual fallback
--   (1.253314 = sqrt(pi/2) makes meanAD comparable to a standard deviation); when that is 0 too the
--   series is constant and nothing is flagged (z = 0).
--   A series shorter than var('data_quality_outlier_min_months') (default 12) is not scored (z null).
--   A month is flagged only when it is also at least var('data_quality_outlier_min_difference')
--   (default 3) events away from the median: in the sparse province series of this domain (mostly 0,
--   now and then 1) the mean-absolute-deviation fallback scores a lone event far above 3.5, and one
--   identification in a quiet province is not a data-quality signal. Set the var to 0 for the bare rule.
--
-- Medians are computed with window functions only (row_number and count over the series), the same on
-- every engine; no percentile_cont. To stay exact the median is carried doubled (median_x2, an integer
-- for integer counts) and the MAD quadrupled (mad_x4), so the flag is an integer comparison and the
-- rounded z-score is computed with integer arithmetic (macros/data_quality_arithmetic.sql).
{%- set min_months = var('data_quality_outlier_min_months', 12) %}
{%- set min_difference = var('data_quality_outlier_min_difference', 3) %}

with series as (
    select * from {{ ref('int_monthly_counts_filled') }}
),

-- Window aggregates only (no self-joins), so no engine has to guess the size of a join.
ranked as (
    select
        series.*,
        row_number() over (
            partition by agency, source_name, province_plate_code order by event_count, month_start
        ) as value_rank,
        count(*) over (partition by agency, source_name, province_plate_code) as series_months
    from series
),

-- The middle value (odd length, counted twice) or the two middle values (even length), summed:
-- 2 x the median. Rank r is in the middle when n <= 2r <= n + 2.
medians as (
    select
        ranked.*,
        sum(
            case
                when 2 * value_rank between series_months and series_months + 2
                    then event_count * (case when mod(series_months, 2) = 1 then 2 else 1 end)
                else 0
            end
        ) over (partition by agency, source_name, province_plate_code) as median_x2
    from ranked
),

deviations as (
    select
        medians.*,
        cast(2 * event_count - median_x2 as bigint) as deviation_x2
    from medians
),

ranked_deviations as (
    select
        deviations.*,
        row_number() over (
            partition by agency, source_name, province_plate_code order by abs(deviation_x2), month_start
        ) as deviation_rank
    from deviations
),

-- Same middle rule over |2x - 2 median| (= 2 |x - median|): 2 x its median = 4 x MAD.
spreads as (
    select
        ranked_deviations.*,
        sum(
            case
                when 2 * deviation_rank between series_months and series_months + 2
                    then abs(deviation_x2) * (case when mod(series_months, 2) = 1 then 2 else 1 end)
                else 0
            end
        ) over (partition by agency, source_name, province_plate_code) as mad_x4,
        sum(abs(deviation_x2)) over (partition by agency, source_name, province_plate_code) as total_deviation_x2
    from ranked_deviations
),

scored as (
    select
        spreads.*,
        case
            when series_months < {{ min_months }} then 'too_short'
            when mad_x4 > 0 then 'mad'
            when total_deviation_x2 > 0 then 'mean_absolute_deviation'
            else 'constant'
        end as scale_method
    from spreads
),

final as (
    select
        cast(agency as text) as agency,
        cast(source_name as text) as source_name,
        cast(province_plate_code as integer) as province_plate_code,
        cast(month_start as date) as month_start,
        {{ calendar_year('month_start') }} as period_year,
        cast(event_count as bigint) as event_count,
        cast(series_months as integer) as series_months,
        {{ dq_round_ratio('median_x2', '2', 1) }} as series_median,
        {{ dq_round_ratio('mad_x4', '4', 2) }} as median_absolute_deviation,
        {{ dq_round_ratio('total_deviation_x2', '2 * series_months', 4) }} as mean_absolute_deviation,
        cast(scale_method as text) as scale_method,
        case scale_method
            when 'mad' then {{ dq_round_ratio('1349 * deviation_x2', '1000 * mad_x4', 4) }}
            when 'mean_absolute_deviation'
                then {{ dq_round_ratio('1000000 * series_months * deviation_x2', '1253314 * total_deviation_x2', 4) }}
            when 'constant' then cast(0 as numeric(12, 4))
        end as modified_z_score,
        case
            when abs(deviation_x2) < 2 * {{ min_difference }} then false
            when scale_method = 'mad' then 1349 * abs(deviation_x2) > 3500 * mad_x4
            when scale_method = 'mean_absolute_deviation'
                then 1000000 * series_months * abs(deviation_x2) > 4386599 * total_deviation_x2
            else false
        end as is_outlier
    from scored
)

select * from final
