{#- A cells mart (macros/key_cells.sql) against the fact it summarises: the same number of rows and, when
    the mart counts a key, of distinct keys. Fails with one row giving both sides. -#}
{% test cells_match_fact(model, fact, key=none) %}
with fact_side as (
    select
        count(*) as records,
        {{ 'count(distinct ' ~ key ~ ')' if key else '0' }} as distinct_keys
    from {{ fact }}
),

cells_side as (
    select
        coalesce(sum(records), 0) as records,
        {{ 'count(distinct ' ~ key ~ ') + coalesce(sum(single_keys), 0)' if key else '0' }} as distinct_keys
    from {{ model }}
)

select
    fact_side.records as fact_records,
    cells_side.records as cell_records,
    fact_side.distinct_keys as fact_distinct_keys,
    cells_side.distinct_keys as cell_distinct_keys
from fact_side
cross join cells_side
where fact_side.records <> cells_side.records or fact_side.distinct_keys <> cells_side.distinct_keys
{% endtest %}
