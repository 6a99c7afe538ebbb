-- One row per shelter stay and service received: the shelters send a comma-separated list. A stay is
-- identified by (batch_id, source_row).
{{ unpack_code_list(
    ref('stg_shelters__stays'), ['batch_id', 'source_row'], 'service_source_codes',
    'shelter_stays', 'services', 'service_source_code', 'service'
) }}
