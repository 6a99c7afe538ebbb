-- One row per prosecution row (defendant and case) and victim key named in it. The Ministry sends the
-- keys as one |-separated list; it is cut into items portably: positions 1..N come from dbt's
-- cross-database generate_series, each item from split_part_portable (a dispatched macro: split_part
-- exists on DuckDB and PostgreSQL alike). N is var('max_victims_per_prosecution'); the at_most test on
-- stg_justice__prosecutions.victim_key_count fails the build before a longer list could be cut short.
-- A key repeated in one list gives one row (at its first position).
{%- set max_victims = var('max_victims_per_prosecution', 200) %}

with prosecutions as (
    select batch_id, source_row, case_reference, defendant_key, victim_key_list, victim_key_count
    from {{ ref('stg_justice__prosecutions') }}
    where victim_key_list is not null
),

positions as (
    {{ dbt.generate_series(max_victims) }}
),

items as (
    select
        prosecutions.batch_id,
        prosecutions.source_row,
        prosecutions.case_reference,
        prosecutions.defendant_key,
        cast(positions.generated_number as integer) as victim_position,
        {{ split_part_portable('prosecutions.victim_key_list', "'|'", 'positions.generated_number') }} as victim_key
    from prosecutions
    cross join positions
    where positions.generated_number <= prosecutions.victim_key_count
),

unpacked as (
    select
        batch_id,
        source_row,
        case_reference,
        defendant_key,
        victim_key,
        min(victim_position) as victim_position
    from items
    group by batch_id, source_row, case_reference, defendant_key, victim_key
)

select * from unpacked
