-- Gendarmerie identification records: the police contract's fields, staged by the same macro.
{{ staging_identifications(source('gendarmerie', 'identifications'), 'gendarmerie_identifications') }}
