-- The build this reporting schema was made by, for the data-vintage sheet of donor reports: one row.
-- `taskforce build` records its build (status running) and the active batches it reads in ops before
-- dbt starts, so while these models run the current build is the latest one and still running. dbt run
-- on its own has no such build: build_id is null then and the batches are the active ones.
-- The two counts of unmatched batches are the donor report's check that the figures come from exactly
-- the active batches (tests: at most 0); on PostgreSQL a batch loaded during the build makes it fail.
with builds as (
    select * from {{ source('ops', 'builds') }}
),

build_batches as (
    select * from {{ source('ops', 'build_batches') }}
),

batches as (
    select * from {{ source('ops', 'batches') }}
),

latest_start as (
    select max(started_at) as started_at from builds
),

current_build as (
    select max(builds.build_id) as build_id
    from builds
    inner join latest_start on builds.started_at = latest_start.started_at
    where builds.status = 'running'
),

build as (
    select builds.*
    from builds
    inner join current_build on builds.build_id = current_build.build_id
),

used as (
    select build_batches.batch_id
    from build_batches
    inner join current_build on build_batches.build_id = current_build.build_id
    union all
    select batches.batch_id
    from batches
    where batches.status = 'active'
        and not exists (select 1 from current_build where current_build.build_id is not null)
),

active as (
    select batch_id from batches where status = 'active'
),

counts as (
    select
        (select count(*) from used) as batches_used,
        (select count(*) from active where batch_id not in (select batch_id from used))
            as active_batches_not_used,
        (select count(*) from used where batch_id not in (select batch_id from active))
            as used_batches_not_active
),

final as (
    select
        cast(build.build_id as text) as build_id,
        cast(coalesce(build.engine, '{{ target.type }}') as text) as engine,
        cast(build.started_at as timestamp) as build_started_at,
        cast(coalesce(build.dbt_version, '{{ dbt_version }}') as text) as dbt_version,
        build.build_id is not null as is_recorded_build,
        cast(counts.batches_used as bigint) as batches_used,
        cast(counts.active_batches_not_used as bigint) as active_batches_not_used,
        cast(counts.used_batches_not_active as bigint) as used_batches_not_active
    from counts
    left join build on 1 = 1
)

select * from final
