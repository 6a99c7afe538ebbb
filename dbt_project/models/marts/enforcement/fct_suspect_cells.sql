-- fct_suspects made small for the dashboards (macros/key_cells.sql): suspects of one record summed into
-- cells of the columns the Justice page filters and groups by, the others kept by key.
with cells as (
    {{ key_cells(ref('fct_suspects'), 'suspect_key', [
        'detention_year', 'province_plate_code', 'reporting_agency', 'is_prosecuted', 'is_convicted',
    ]) }}
)

select
    cast(detention_year as integer) as detention_year,
    cast(province_plate_code as integer) as province_plate_code,
    cast(reporting_agency as text) as reporting_agency,
    cast(is_prosecuted as boolean) as is_prosecuted,
    cast(is_convicted as boolean) as is_convicted,
    cast(suspect_key as text) as suspect_key,
    single_keys,
    records
from cells
