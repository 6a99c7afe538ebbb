-- Every participant group of the training extract has a sector in seeds/indicators/
-- training_audience_sectors.csv, or T1 and T2 by sector would put it under unknown. Fails with one row
-- per participant group without a sector.
select trainings.participant_agency, count(*) as training_rows
from {{ ref('fct_trainings') }} as trainings
left join {{ ref('training_audience_sectors') }} as sectors
    on trainings.participant_agency = sectors.participant_agency
where sectors.participant_agency is null
group by trainings.participant_agency
