with provinces as (
    select * from {{ ref('provinces') }}
),

final as (
    select
        cast(plate_code as integer) as province_plate_code,
        cast(province_name as text) as province_name,
        cast(nuts3_code as text) as nuts3_code,
        cast(nuts2_code as text) as nuts2_code,
        cast(nuts1_code as text) as nuts1_code,
        cast(nuts1_name as text) as nuts1_name,
        cast(latitude as numeric(9, 4)) as latitude,
        cast(longitude as numeric(9, 4)) as longitude
    from provinces
)

select * from final
