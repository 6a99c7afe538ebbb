-- V5, the SDG 16.2.2 rate: identified victims of the year (V1) per 100,000 residents. The base is the
-- resident population of the year from the population seed (sex = total; the seed's 2006 figure is an
-- estimate, flagged there). By form of exploitation the base stays the whole population, as in the SDG
-- metadata. Yearly only: the population is a yearly figure. A year without a population figure has a
-- V5 row with no denominator, and so no value, rather than a wrong one.
-- A table, not a view: read by several models and tests, and PostgreSQL plans a stack of views badly
-- (no JIT for it on PostgreSQL: macros/indicator_planner_settings.sql).
{{ config(materialized='table', pre_hook="{{ indicator_planner_settings() }}") }}

with victims as (
    select * from {{ ref('int_indicator_inputs_victims') }}
    where indicator_id = 'V1'
        and period_type = 'year'
        and disaggregation in ('total', 'exploitation_type')
),

population as (
    select year, population from {{ ref('population') }} where sex = 'total'
),

final as (
    select
        cast('V5' as text) as indicator_id,
        victims.period_type,
        victims.period_id,
        victims.period_start,
        victims.period_end,
        victims.disaggregation,
        victims.province_plate_code,
        victims.nuts1_code,
        victims.sex,
        victims.age_group,
        victims.nationality_group,
        victims.exploitation_type,
        victims.agency,
        victims.category,
        victims.numerator,
        cast(population.population as bigint) as denominator
    from victims
    left join population on {{ calendar_year('victims.period_start') }} = population.year
)

select * from final
