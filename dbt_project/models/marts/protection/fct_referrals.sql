-- One row per referral, after the duplicate rule of int_referrals_deduplicated. Days to acceptance are
-- calendar days from referral to acceptance; null while the referral is not (yet) accepted.
with referrals as (
    select * from {{ ref('int_referrals_deduplicated') }}
),

final as (
    select
        cast(batch_id || '#' || cast(source_row as text) as text) as referral_id,
        cast(batch_id as text) as batch_id,
        cast(sending_agency as text) as reporting_agency,
        cast(person_key as text) as person_key,
        cast(from_agency as text) as from_agency,
        cast(to_agency as text) as to_agency,
        cast(referred_on as date) as referred_on,
        {{ calendar_year('referred_on') }} as referral_year,
        cast(service_requested as text) as service_requested,
        cast(accepted_on as date) as accepted_on,
        accepted_on is not null as is_accepted,
        cast(
            case when accepted_on is not null
                then {{ dbt.datediff('referred_on', 'accepted_on', 'day') }}
            end as integer
        ) as days_to_acceptance
    from referrals
)

select * from final
