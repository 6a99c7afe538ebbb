-- Police identification records: renamed, cast, codes mapped, active batches only (the same shape as the
-- gendarmerie's, so both use one macro).
{{ staging_identifications(source('police', 'identifications'), 'police_identifications') }}
