-- fct_prosecutions made small for counting defendants (macros/key_cells.sql): defendants of one record
-- summed into cells of the columns the Justice page filters and groups by, the others kept by key.
with cells as (
    {{ key_cells(ref('fct_prosecutions'), 'defendant_key', [
        'filing_year', 'court_province_plate_code', 'reporting_agency', 'offence', 'article_source_code',
        'is_decided', 'is_convicted',
    ]) }}
)

select
    cast(filing_year as integer) as filing_year,
    cast(court_province_plate_code as integer) as court_province_plate_code,
    cast(reporting_agency as text) as reporting_agency,
    cast(offence as text) as offence,
    cast(article_source_code as text) as article_source_code,
    cast(is_decided as boolean) as is_decided,
    cast(is_convicted as boolean) as is_convicted,
    cast(defendant_key as text) as defendant_key,
    single_keys,
    records
from cells
