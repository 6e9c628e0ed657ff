-- Severity warn: a run that rejected more than half of the files it saw (a wrong archive,
-- a new encoding). It does not stop publishing; `dbt build` reports it as WARN.
{{ config(severity='warn') }}

select
    run_date,
    count(*) as n_files,
    count(*) filter (where status = 'rejected') as n_rejected
from {{ source('news', 'files') }}
where {{ changed_rows_predicate('run_date', 'run') }}
group by run_date
having count(*) >= 10 and count(*) filter (where status = 'rejected') * 2 > count(*)
