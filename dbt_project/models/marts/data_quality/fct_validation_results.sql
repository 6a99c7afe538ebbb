-- Validation rules in the DHIS2 manner: one row per rule, year and (where the rule is per agency) agency,
-- with the left value, the operator, the right value and whether the rule passed.
--
-- Missing values: DHIS2's SKIP_IF_ANY_VALUE_MISSING. A side is missing for a year when an extract it is
-- counted from did not arrive: an expected period of that year not received (fct_extract_reporting), or,
-- for a source nobody is obliged to send (shelter stays), no active batch covering the year. A side
-- counted "by the end of the year" needs every year up to it. A missing side has a null value and the
-- rule is skipped (result 'skipped', is_passed null) instead of passing or failing on a count that only
-- looks like zero. A side whose extracts all arrived but that counts nothing is 0, and the rule is
-- evaluated.
--
-- Rows: per-agency rules have a row for each agency and year in which that agency owes or sent the
-- rule's left-side source; rules over all agencies (agency null) have a row for each year of the
-- reporting window.
with sides as (
    select * from {{ ref('int_validation_sides_counted') }}
),

reports as (
    select agency, source_name, period_year, actual_reports from {{ ref('fct_extract_reporting') }}
),

active_batches as (
    select agency, source_name, period_start, period_end
    from {{ ref('stg_ops__batches') }}
    where is_active
),

identification_sources as (
    select distinct batches.source_name
    from {{ ref('int_identifications_unioned') }} as records
    inner join {{ ref('stg_ops__batches') }} as batches on records.batch_id = batches.batch_id
),

rules as (
    select
        'R01' as rule_id, 'convicted_le_prosecuted' as rule_name, 'agency' as row_scope,
        'less_than_or_equal_to' as operator,
        'Convicted defendants of the cases filed in the year (a conviction at any instance, decided in any year) cannot outnumber the defendants prosecuted in those cases (filing-year cohort, per prosecuting agency).' as rule_description,
        'defendants convicted in the cohort''s cases' as left_side_description,
        'defendants prosecuted in cases filed in the year' as right_side_description
    union all
    select
        'R02', 'children_le_identified', 'agency', 'less_than_or_equal_to',
        'Persons identified as children (under 18 at identification) cannot outnumber the persons identified, per identifying agency and year.',
        'persons identified as children', 'persons identified'
    union all
    select
        'R03', 'case_victims_le_identified', 'all', 'less_than_or_equal_to',
        'Victims named in the Ministry of Justice cases filed in the year cannot outnumber the persons identified by all identifying agencies by the end of that year (Q4, cross-agency).',
        'distinct victims named in cases filed in the year', 'persons identified by the end of the year'
    union all
    select
        'R08', 'case_victims_identified', 'all', 'equal_to',
        'Every victim named in a case filed in the year should have been identified by an identifying agency by the end of that year (Q4, linked by person key).',
        'victims named in cases filed in the year and identified by then', 'distinct victims named in cases filed in the year'
    union all
    select
        'R04', 'returns_identified_le_identified', 'agency', 'less_than_or_equal_to',
        'Identified persons assisted to return in the year cannot outnumber the persons identified by the end of that year; a failure means a return was recorded before the person was identified.',
        'identified persons returned in the year', 'persons identified by the end of the year'
    union all
    select
        'R05', 'shelter_identified_le_identified', 'agency', 'less_than_or_equal_to',
        'Identified persons admitted to a shelter in the year cannot outnumber the persons identified by the end of that year (per shelter).',
        'identified persons admitted in the year', 'persons identified by the end of the year'
    union all
    select
        'R06', 'training_participants_total', 'agency', 'equal_to',
        'Training participants: women + men = total. The trainings extract has no total column, so the total is the sum of the row totals (women + men of each row, unknown when either is missing): the rule fails when a row has only one of the two counts.',
        'women + men (each summed over rows)', 'sum of row totals'
    union all
    select
        'R07', 'sentence_present_when_convicted', 'agency', 'equal_to',
        'Every conviction (any instance) carries the sentence in months, per agency and decision year.',
        'convicted decisions with a sentence in months', 'convicted decisions'
),

-- Which sources each side is counted from; cumulative = every year up to the rule's year is needed.
side_sources as (
    select 'R01' as rule_id, 'left' as side, 'justice_prosecutions' as source_name, 'agency' as source_scope,
        false as is_cumulative
    union all select 'R01', 'left', 'justice_decisions', 'agency', false
    union all select 'R01', 'right', 'justice_prosecutions', 'agency', false
    union all select 'R02', 'left', source_name, 'agency', false from identification_sources
    union all select 'R02', 'right', source_name, 'agency', false from identification_sources
    union all select 'R03', 'left', 'justice_prosecutions', 'all', false
    union all select 'R03', 'right', source_name, 'all', true from identification_sources
    union all select 'R08', 'left', 'justice_prosecutions', 'all', false
    union all select 'R08', 'left', source_name, 'all', true from identification_sources
    union all select 'R08', 'right', 'justice_prosecutions', 'all', false
    union all select 'R04', 'left', 'iom_returns', 'agency', false
    union all select 'R04', 'right', source_name, 'all', true from identification_sources
    union all select 'R05', 'left', 'shelter_stays', 'agency', false
    union all select 'R05', 'right', source_name, 'all', true from identification_sources
    union all select 'R06', 'left', 'iom_trainings', 'agency', false
    union all select 'R06', 'right', 'iom_trainings', 'agency', false
    union all select 'R07', 'left', 'justice_decisions', 'agency', false
    union all select 'R07', 'right', 'justice_decisions', 'agency', false
),

owed_source_years as (
    select agency, source_name, period_year, min(actual_reports) as is_complete
    from reports
    group by agency, source_name, period_year
),

owed_pairs as (
    select distinct agency, source_name from reports
),

window_years as (
    select distinct period_year from reports
),

sent_source_years as (
    select distinct active_batches.agency, active_batches.source_name, window_years.period_year, 1 as is_complete
    from active_batches
    inner join window_years
        on {{ calendar_year('active_batches.period_start') }} <= window_years.period_year
        and {{ calendar_year('active_batches.period_end') }} >= window_years.period_year
    left join owed_pairs
        on active_batches.agency = owed_pairs.agency and active_batches.source_name = owed_pairs.source_name
    where owed_pairs.agency is null
),

source_years as (
    select agency, source_name, period_year, is_complete from owed_source_years
    union all
    select agency, source_name, period_year, is_complete from sent_source_years
),

rule_rows as (
    select distinct rules.rule_id, source_years.period_year, source_years.agency
    from rules
    inner join side_sources on rules.rule_id = side_sources.rule_id and side_sources.side = 'left'
    inner join source_years on side_sources.source_name = source_years.source_name
    where rules.row_scope = 'agency'
    union all
    select rules.rule_id, window_years.period_year, cast(null as text) as agency
    from rules
    cross join window_years
    where rules.row_scope = 'all'
),

-- The sources a side needs for one rule row: every source of an all-agency side; for a per-agency side,
-- those of its sources the row's agency owes or has ever sent (an identifying agency sends one of the
-- identification sources, not all of them).
known_pairs as (
    select distinct agency, source_name from source_years
),

side_needs as (
    select rule_rows.rule_id, rule_rows.period_year, rule_rows.agency, side_sources.side,
        side_sources.source_name, side_sources.source_scope, side_sources.is_cumulative
    from rule_rows
    inner join side_sources on rule_rows.rule_id = side_sources.rule_id
    left join known_pairs
        on side_sources.source_scope = 'agency'
        and known_pairs.agency = rule_rows.agency
        and known_pairs.source_name = side_sources.source_name
    where side_sources.source_scope = 'all' or known_pairs.agency is not null
),

-- A side is complete when each source it needs has at least one owing or sending agency in scope for
-- the years needed, and every one of those agency-years arrived.
side_presence as (
    select
        side_needs.rule_id,
        side_needs.period_year,
        side_needs.agency,
        side_needs.side,
        count(distinct source_years.source_name) as sources_found,
        count(distinct side_needs.source_name) as sources_needed,
        min(source_years.is_complete) as all_arrived
    from side_needs
    left join source_years
        on side_needs.source_name = source_years.source_name
        and (side_needs.source_scope = 'all' or source_years.agency = side_needs.agency)
        and (
            source_years.period_year = side_needs.period_year
            or (side_needs.is_cumulative and source_years.period_year < side_needs.period_year)
        )
    group by side_needs.rule_id, side_needs.period_year, side_needs.agency, side_needs.side
),

rule_sides as (
    select rule_rows.rule_id, rule_rows.period_year, rule_rows.agency, sides_of_rule.side
    from rule_rows
    cross join (select 'left' as side union all select 'right' as side) as sides_of_rule
),

side_values as (
    select
        rule_sides.rule_id,
        rule_sides.period_year,
        rule_sides.agency,
        rule_sides.side,
        coalesce(
            side_presence.sources_found = side_presence.sources_needed and side_presence.all_arrived = 1, false
        ) as is_complete,
        sides.side_value
    from rule_sides
    left join side_presence
        on rule_sides.rule_id = side_presence.rule_id
        and rule_sides.side = side_presence.side
        and rule_sides.period_year = side_presence.period_year
        and coalesce(rule_sides.agency, '*') = coalesce(side_presence.agency, '*')
    left join sides
        on rule_sides.rule_id = sides.rule_id
        and rule_sides.side = sides.side
        and rule_sides.period_year = sides.period_year
        and (sides.agency = rule_sides.agency or sides.agency = '*')
),

evaluated as (
    select
        rule_rows.rule_id,
        rule_rows.period_year,
        rule_rows.agency,
        left_side.is_complete as is_left_complete,
        right_side.is_complete as is_right_complete,
        case when left_side.is_complete then coalesce(left_side.side_value, 0) end as left_value,
        case when right_side.is_complete then coalesce(right_side.side_value, 0) end as right_value
    from rule_rows
    inner join side_values as left_side
        on rule_rows.rule_id = left_side.rule_id
        and rule_rows.period_year = left_side.period_year
        and coalesce(rule_rows.agency, '*') = coalesce(left_side.agency, '*')
        and left_side.side = 'left'
    inner join side_values as right_side
        on rule_rows.rule_id = right_side.rule_id
        and rule_rows.period_year = right_side.period_year
        and coalesce(rule_rows.agency, '*') = coalesce(right_side.agency, '*')
        and right_side.side = 'right'
),

judged as (
    select
        evaluated.*,
        rules.rule_name,
        rules.operator,
        rules.rule_description,
        rules.left_side_description,
        rules.right_side_description,
        case
            when evaluated.left_value is null or evaluated.right_value is null then cast(null as boolean)
            when rules.operator = 'equal_to' then evaluated.left_value = evaluated.right_value
            when rules.operator = 'less_than_or_equal_to' then evaluated.left_value <= evaluated.right_value
        end as is_passed
    from evaluated
    inner join rules on evaluated.rule_id = rules.rule_id
),

final as (
    select
        cast(rule_id as text) as rule_id,
        cast(rule_name as text) as rule_name,
        cast(period_year as integer) as period_year,
        cast(agency as text) as agency,
        cast(left_side_description as text) as left_side_description,
        cast(left_value as bigint) as left_value,
        cast(operator as text) as operator,
        cast(right_side_description as text) as right_side_description,
        cast(right_value as bigint) as right_value,
        cast(is_passed as boolean) as is_passed,
        cast(case when is_passed then 'passed' when not is_passed then 'failed' else 'skipped' end as text)
            as result,
        cast('SKIP_IF_ANY_VALUE_MISSING' as text) as missing_value_strategy,
        cast(is_left_complete as boolean) as is_left_complete,
        cast(is_right_complete as boolean) as is_right_complete,
        cast(rule_description as text) as rule_description
    from judged
)

select * from final
