-- What the person models read, per person key, as a count and a checksum of the person's records
-- (docs block incremental_models): int_persons_resolved and int_victim_pathways recompute only the
-- persons whose records changed since they were last built (a new record, a record gone with a
-- superseded batch or destroyed by retention, a record of a resent batch that differs). A person's row
-- depends on that person's records only.
with records as (
    select * from {{ ref('int_person_records_unioned') }}
),

rows_fingerprinted as (
    select
        person_key as unit,
        -- every column but batch_id, which no person model reads: a resend of the same rows changes nothing
        {{ row_fingerprint([
            'person_key', 'source', 'record_id', 'agency', 'event_kind', 'event_on', 'is_identification',
            'identification_status', 'sex', 'nationality_iso3', 'age_at_event', 'birth_year_estimate',
            'has_reintegration_assistance',
        ]) }} as row_fingerprint
    from records
),

final as (
    {{ fingerprint_units('rows_fingerprinted') }}
)

select * from final
