-- fct_identifications made small for the dashboards (macros/key_cells.sql): persons identified once summed
-- into cells of the columns the pages filter and group by, persons with several records kept by key.
with identifications as (
    select
        identification_year,
        {{ calendar_quarter('identified_on') }} as identification_quarter,
        {{ calendar_month('identified_on') }} as identification_month,
        identification_status,
        identifying_agency,
        province_plate_code,
        nationality_iso3,
        sex,
        age_group,
        exploitation_types,
        referral_source,
        person_key
    from {{ ref('fct_identifications') }}
),

cells as (
    {{ key_cells('identifications', 'person_key', [
        'identification_year', 'identification_quarter', 'identification_month', 'identification_status',
        'identifying_agency', 'province_plate_code', 'nationality_iso3', 'sex', 'age_group', 'exploitation_types',
        'referral_source',
    ]) }}
)

select
    cast(identification_year as integer) as identification_year,
    cast(identification_quarter as integer) as identification_quarter,
    cast(identification_month as integer) as identification_month,
    cast(identification_status as text) as identification_status,
    cast(identifying_agency as text) as identifying_agency,
    cast(province_plate_code as integer) as province_plate_code,
    cast(nationality_iso3 as text) as nationality_iso3,
    cast(sex as text) as sex,
    cast(age_group as text) as age_group,
    cast(exploitation_types as text) as exploitation_types,
    cast(referral_source as text) as referral_source,
    cast(person_key as text) as person_key,
    single_keys,
    records
from cells
