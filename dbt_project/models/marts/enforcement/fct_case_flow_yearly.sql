-- The Ministry of Justice's case-flow table, per year and offence charged (cases whose indictment is not
-- in the warehouse: 'unknown'):
--   cases_carried_in + cases_opened - cases_merged_away = cases_total
--   cases_total - cases_decided = cases_carried_out;  cases_closed = cases_merged_away + cases_decided
-- and cases_carried_in of a year equals cases_carried_out of the year before. Each column is counted
-- from the cases themselves (not from the others), so the identities are a real check, tested in the
-- YAML. A case opens in its filing_year and closes in its closing_year (int_case_flows_summarised).
-- Years run from the first year with an indictment date to the last year with a filing or a closing;
-- cases filed before the first year and closed in it or later are carried into the first year (cases
-- filed earlier that no file of the warehouse mentions cannot be counted).
{%- set max_years = 200 %}

with cases as (
    select
        case_reference,
        coalesce(offence, 'unknown') as offence,
        filing_year,
        closing_year,
        is_merged_away,
        defendants_prosecuted
    from {{ ref('int_case_flows_summarised') }}
),

bounds as (
    select
        min(case when filed_on is not null then filing_year end) as first_year,
        max(case when closing_year > filing_year then closing_year else filing_year end) as last_year
    from {{ ref('int_case_flows_summarised') }}
),

positions as (
    {{ dbt.generate_series(max_years) }}
),

years as (
    select cast(bounds.first_year + positions.generated_number - 1 as integer) as flow_year
    from bounds
    cross join positions
    where bounds.first_year + positions.generated_number - 1 <= bounds.last_year
),

offences as (
    select distinct offence from cases
),

counted as (
    select
        years.flow_year,
        offences.offence,
        count(case
            when cases.filing_year < years.flow_year
                and (cases.closing_year is null or cases.closing_year >= years.flow_year) then 1
        end) as cases_carried_in,
        count(case when cases.filing_year = years.flow_year then 1 end) as cases_opened,
        count(case when cases.closing_year = years.flow_year and cases.is_merged_away then 1 end)
            as cases_merged_away,
        count(case when cases.closing_year = years.flow_year and not cases.is_merged_away then 1 end)
            as cases_decided,
        count(case
            when cases.filing_year <= years.flow_year
                and (cases.closing_year is null or cases.closing_year > years.flow_year) then 1
        end) as cases_carried_out,
        sum(case when cases.filing_year = years.flow_year then cases.defendants_prosecuted else 0 end)
            as defendants_in_opened_cases,
        sum(case when cases.closing_year = years.flow_year then cases.defendants_prosecuted else 0 end)
            as defendants_in_closed_cases
    from years
    cross join offences
    left join cases on offences.offence = cases.offence
    group by years.flow_year, offences.offence
),

final as (
    select
        cast(flow_year as integer) as flow_year,
        cast(offence as text) as offence,
        cast(cases_carried_in as integer) as cases_carried_in,
        cast(cases_opened as integer) as cases_opened,
        cast(cases_merged_away as integer) as cases_merged_away,
        cast(cases_carried_in + cases_opened - cases_merged_away as integer) as cases_total,
        cast(cases_decided as integer) as cases_decided,
        cast(cases_merged_away + cases_decided as integer) as cases_closed,
        cast(cases_carried_out as integer) as cases_carried_out,
        cast(coalesce(defendants_in_opened_cases, 0) as integer) as defendants_in_opened_cases,
        cast(coalesce(defendants_in_closed_cases, 0) as integer) as defendants_in_closed_cases
    from counted
)

select * from final
