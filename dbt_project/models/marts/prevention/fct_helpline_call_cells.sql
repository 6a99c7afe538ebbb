-- fct_helpline_calls summed for the dashboards (macros/key_cells.sql): every call has its own id, so every
-- call is summed into the cell of the columns the Prevention page filters and groups by.
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
        led_to_identification,
        call_id
    from {{ ref('fct_helpline_calls') }}
),

cells as (
    {{ key_cells('calls', 'call_id', [
        'call_year', 'province_plate_code', 'reporting_agency', 'call_language', 'call_category',
        'call_outcome', 'caller_type', 'is_notification', 'led_to_identification',
    ]) }}
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
    records
from cells
