with provinces as (
    select * from {{ ref('provinces') }}
)

select
    plate_code as province_plate_code,
    province_name,
    nuts3_code,
    nuts2_code,
    nuts1_code,
    nuts1_name,
    latitude,
    longitude
from provinces
