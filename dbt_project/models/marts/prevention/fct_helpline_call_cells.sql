-- fct_helpline_calls summed for the dashboards (like macros/key_cells.sql, but every call has its own id,
-- so there is no key to keep): calls summed by the columns the Prevention page filters and groups by.
with calls as (
    select
        call_year,
        province_plate_code,
        reporting_agency,
        call_language,
        call_category,
        call_outcome,
        caller_type,
        is_notification,
        led_to_identification
    from {{ ref('fct_helpline_calls') }}
),

cells as (
    select
        call_year, province_plate_code, reporting_agency, call_language, call_category, call_outcome,
        caller_type, is_notification, led_to_identification,
        count(*) as records
    from calls
    group by
        call_year, province_plate_code, reporting_agency, call_language, call_category, call_outcome,
        caller_type, is_notification, led_to_identification
)

select
    cast(call_year as integer) as call_year,
    cast(province_plate_code as integer) as province_plate_code,
    cast(reporting_agency as text) as reporting_agency,
    cast(call_language as text) as call_language,
    cast(call_category as text) as call_category,
    cast(call_outcome as text) as call_outcome,
    cast(caller_type as text) as caller_type,
    cast(is_notification as boolean) as is_notification,
    cast(led_to_identification as boolean) as led_to_identification,
    cast(records as bigint) as records
from cells
