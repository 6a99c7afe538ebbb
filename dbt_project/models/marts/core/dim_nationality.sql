with countries as (
    select * from {{ ref('countries') }}
),

final as (
    select
        cast(iso3 as text) as nationality_iso3,
        cast(iso2 as text) as nationality_iso2,
        cast(name_en as text) as nationality_name_en,
        cast(name_tr as text) as nationality_name_tr,
        cast(eurostat_citizenship_group as text) as citizenship_group,
        cast(is_former_soviet as boolean) as is_former_soviet
    from countries
)

select * from final
