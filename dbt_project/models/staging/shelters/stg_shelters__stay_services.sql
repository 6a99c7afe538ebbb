-- One row per shelter stay and service received: the shelters send a comma-separated list. Matching on
-- the delimited list keeps this portable across engines (no split/unnest dialects); a code repeated in
-- one list gives one row. A stay is identified by (batch_id, source_row).
with stays as (
    select batch_id, source_row, service_source_codes
    from {{ ref('stg_shelters__stays') }}
    where service_source_codes is not null
),

codes as (
    select source_code, code
    from {{ ref('source_codes') }}
    where source = 'shelter_stays' and column_name = 'services'
),

unpacked as (
    select
        stays.batch_id,
        stays.source_row,
        codes.source_code as service_source_code,
        codes.code as service
    from stays
    inner join codes
        on position(',' || codes.source_code || ',' in ',' || stays.service_source_codes || ',') > 0
)

select * from unpacked
