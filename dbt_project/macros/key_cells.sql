{#- The body of a *cells* mart (docs block key_cells): a person-level fact made small enough for the
    dashboards to count distinct keys on any engine in milliseconds, and still exactly.

    The rows of `relation` whose `key` occurs in that one row only, or is null, are summed into cells, one
    per combination of `columns` (single_keys: the distinct keys among them; records: the fact rows). The
    rows of keys that occur in several rows keep their key (one row per combination of `columns` and
    key). So for any filter and grouping over `columns`:

        count(distinct key) over the fact
            = count(distinct key) + sum(single_keys) over the cells
        count(*) over the fact = sum(records) over the cells

    since a key of one row passes a filter or not as a whole, and keys of several rows are counted by
    their key as before (dashboards/data.py: distinct_keys). `columns` must hold every column a reader
    filters or groups by, and the column row-level security reads. -#}
{% macro key_cells(relation, key, columns) -%}
with keyed as (
    select
        {{ columns | join(', ') }},
        {{ key }} as cell_key,
        count({{ key }}) over (partition by {{ key }}) as rows_of_key
    from {{ relation }}
),

single_rows as (
    select
        {{ columns | join(', ') }},
        cast(null as text) as {{ key }},
        cast(count(cell_key) as bigint) as single_keys,
        cast(count(*) as bigint) as records
    from keyed
    where rows_of_key <= 1
    group by {{ columns | join(', ') }}
),

repeated_rows as (
    select
        {{ columns | join(', ') }},
        cast(cell_key as text) as {{ key }},
        cast(0 as bigint) as single_keys,
        cast(count(*) as bigint) as records
    from keyed
    where rows_of_key > 1
    group by {{ columns | join(', ') }}, cell_key
)

select * from single_rows
union all
select * from repeated_rows
{%- endmacro %}
