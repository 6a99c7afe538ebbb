with countries as (
    select * from {{ ref('countries') }}
)

select
    iso3 as nationality_iso3,
    iso2 as nationality_iso2,
    name_en as nationality_name_en,
    name_tr as nationality_name_tr,
    eurostat_citizenship_group as citizenship_group,
    is_former_soviet
from countries
