{#- the last 8 characters of the stem with every digit removed: '' when they are all digits (portable,
    no regular expressions) -#}
{%- set ns = namespace(sql='right(stem, 8)') -%}
{%- for digit in range(10) -%}
    {%- set ns.sql = "replace(" ~ ns.sql ~ ", '" ~ digit ~ "', '')" -%}
{%- endfor -%}
{%- set date_digits_removed = ns.sql -%}

-- The batches the build read (rpt_data_vintage), one row per extract file: agency, source, period, file
-- hash and rows, for the data-vintage sheet of donor reports. No batch id (its name marks person-level
-- columns in this schema, and agency, source, period and hash say the same).
-- The file name is published only when it follows the naming convention of docs/extract-spec.md,
-- <agency>_<what>_<period>[_<YYYYMMDD>].<csv|xlsx>, where <what> is part of the source's own name:
-- such a name is made of codes only. `taskforce ingest --source` accepts a file under any name, and a
-- name chosen by hand might name a person: that name is withheld (null, is_file_name_withheld).
with vintage as (
    select * from {{ ref('rpt_data_vintage') }}
),

build_batches as (
    select * from {{ source('ops', 'build_batches') }}
),

batches as (
    select * from {{ source('ops', 'batches') }}
),

used as (
    select build_batches.batch_id
    from build_batches
    inner join vintage on build_batches.build_id = vintage.build_id
    union all
    select batches.batch_id
    from batches
    where batches.status = 'active'
        and not exists (select 1 from vintage where vintage.build_id is not null)
),

used_batches as (
    select batches.*
    from batches
    inner join used on batches.batch_id = used.batch_id
),

extensions as (
    select
        *,
        case
            when right(file_name, 4) = '.csv' then '.csv'
            when right(file_name, 5) = '.xlsx' then '.xlsx'
        end as extension
    from used_batches
),

stems as (
    select
        *,
        left(file_name, greatest(length(file_name) - length(extension), 0)) as stem
    from extensions
),

-- an optional extraction date: _YYYYMMDD before the extension
undated as (
    select
        *,
        case
            when length(stem) > 9
                and substr(stem, greatest(length(stem) - 8, 1), 1) = '_'
                and {{ date_digits_removed }} = ''
                then left(stem, greatest(length(stem) - 9, 0))
            else stem
        end as base
    from stems
),

-- base = <agency>_<what>_<period>
parts as (
    select
        *,
        length(base) - length(agency) - length(period) - 2 as what_length,
        substr(base, length(agency) + 2, greatest(length(base) - length(agency) - length(period) - 2, 0))
            as what
    from undated
),

checked as (
    select
        *,
        coalesce(
            extension is not null
            and what_length > 0
            and left(base, length(agency) + 1) = agency || '_'
            and right(base, length(period) + 1) = '_' || period
            and position(what in source) > 0,
            false
        ) as is_conventional
    from parts
),

final as (
    select
        cast(agency as text) as agency,
        cast(source as text) as source,
        cast(period as text) as period,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(case when is_conventional then file_name end as text) as file_name,
        not is_conventional as is_file_name_withheld,
        cast(file_sha256 as text) as file_sha256,
        cast(rows_loaded as bigint) as rows_loaded
    from checked
)

select * from final
