-- The names of the codes a donor report breaks its figures down by, in the code lists' order: sex,
-- form of exploitation and age group from the seeds, NUTS-1 regions from the provinces. A copy in the
-- reporting schema, so that the report (and the donor role) reads nothing outside it.
with sexes as (
    select * from {{ ref('sexes') }}
),

exploitation_types as (
    select * from {{ ref('exploitation_types') }}
),

age_bands as (
    select * from {{ ref('age_bands') }}
),

provinces as (
    select * from {{ ref('provinces') }}
),

-- one row per age group (the seed has one row per year of age), ordered by its first age
age_groups as (
    select age_group, min(sort_order) as sort_order
    from age_bands
    group by age_group
),

regions as (
    select nuts1_code, min(nuts1_name) as nuts1_name
    from provinces
    where nuts1_code is not null
    group by nuts1_code
),

labelled as (
    select 'sex' as code_list, sex as code, label_en, label_tr, sort_order
    from sexes
    union all
    select 'exploitation_type' as code_list, exploitation_type as code, label_en, label_tr, sort_order
    from exploitation_types
    -- the seed names age bands by single year only: the report names child and adult itself
    union all
    select 'age_group' as code_list, age_group as code, null as label_en, null as label_tr, sort_order
    from age_groups
    -- region names are proper names, the same in both languages
    union all
    select
        'nuts1' as code_list,
        nuts1_code as code,
        nuts1_name as label_en,
        nuts1_name as label_tr,
        row_number() over (order by nuts1_code) as sort_order
    from regions
),

final as (
    select
        cast(code_list as text) as code_list,
        cast(code as text) as code,
        cast(label_en as text) as label_en,
        cast(label_tr as text) as label_tr,
        cast(sort_order as integer) as sort_order
    from labelled
)

select * from final
