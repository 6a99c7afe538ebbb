{#- Staging of an identifying agency's extract. Police and gendarmerie send the same contract fields
    (ingest/sources/police_identifications.yaml, gendarmerie_identifications.yaml): rename, cast, map
    codes, active batches only. -#}
{% macro staging_identifications(source_relation, source_name) %}
with source as (
    select * from {{ source_relation }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = '{{ source_name }}'
),

renamed as (
    select
        source.record_id as identification_id,
        source._batch_id as batch_id,
        source._source_row as source_row,
        source.person_key,
        cast(source.identification_date as date) as identified_on,
        source.status as status_source_code,
        status_code.code as identification_status,
        cast(source.province_code as integer) as province_plate_code,
        source.nationality as nationality_iso3,
        source.sex as sex_source_code,
        sex_code.code as sex,
        cast(source.age as integer) as age_at_identification,
        source.exploitation_types as exploitation_source_codes,
        source.referral_source as referral_source_code,
        referral_code.code as referral_source,
        source.operation_ref as operation_reference
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as status_code
        on status_code.column_name = 'status' and status_code.source_code = source.status
    left join codes as sex_code
        on sex_code.column_name = 'sex' and sex_code.source_code = source.sex
    left join codes as referral_code
        on referral_code.column_name = 'referral_source' and referral_code.source_code = source.referral_source
)

select * from renamed
{% endmacro %}
