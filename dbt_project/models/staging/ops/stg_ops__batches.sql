with source as (
    select * from {{ source('ops', 'batches') }}
),

renamed as (
    select
        batch_id,
        agency,
        source as source_name,
        period,
        period_start,
        period_end,
        file_sha256,
        extracted_on,
        cast(loaded_at as timestamp) as loaded_at,
        rows_read,
        rows_loaded,
        rows_quarantined,
        rows_skipped,
        status,
        status = 'active' as is_active
    from source
)

select * from renamed
