-- The catalogue documents every breakdown an indicator is published with, and every breakdown it lists
-- is published: fails with one row per (indicator, disaggregation) found in fct_indicator_values but not
-- listed in the catalogue's disaggregations (or total), and per one listed but absent from the yearly
-- values. An indicator with nothing counted yet (no yearly total above zero: its extracts have not
-- arrived, as in a deployment's first weeks) publishes no breakdown rows and is not held to its list.
-- The list is cut into items with split_part_portable over generated positions.
with catalogue as (
    select indicator_id, disaggregations from {{ ref('indicators') }}
),

published as (
    select distinct indicator_id, disaggregation from {{ ref('fct_indicator_values') }}
),

published_yearly as (
    select distinct indicator_id, disaggregation
    from {{ ref('fct_indicator_values') }}
    where period_type = 'year'
),

positions as (
    {{ dbt.generate_series(50) }}
),

listed as (
    select
        catalogue.indicator_id,
        {{ split_part_portable('catalogue.disaggregations', "'|'", 'positions.generated_number') }} as disaggregation
    from catalogue
    cross join positions
    where catalogue.disaggregations is not null
        and positions.generated_number <= {{ list_item_count('catalogue.disaggregations', '|') }}
),

not_listed as (
    select published.indicator_id, published.disaggregation, 'published but not in the catalogue' as problem
    from published
    left join catalogue on published.indicator_id = catalogue.indicator_id
    where published.disaggregation <> 'total'
        and position('|' || published.disaggregation || '|' in '|' || coalesce(catalogue.disaggregations, '') || '|') = 0
),

counted as (
    select distinct indicator_id
    from {{ ref('fct_indicator_values') }}
    where period_type = 'year' and is_total and numerator > 0
),

not_published as (
    select listed.indicator_id, listed.disaggregation, 'in the catalogue but not published' as problem
    from listed
    inner join counted on listed.indicator_id = counted.indicator_id
    left join published_yearly
        on listed.indicator_id = published_yearly.indicator_id
        and listed.disaggregation = published_yearly.disaggregation
    where published_yearly.indicator_id is null
)

select * from not_listed
union all
select * from not_published
