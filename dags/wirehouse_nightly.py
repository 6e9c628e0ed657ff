"""
### Wirehouse nightly run

Every day at 02:00 UTC this DAG ingests the previous day's articles into the Wirehouse
warehouse and rebuilds the marts:

1. **plan** – list the archive's files no other run has claimed, dated on or before the run's
   date and at most `WIREHOUSE_LATE_DAYS` (30) days earlier (late files included; older
   history is left for a backfill), read or reject each, and stage the articles in chunks;
2. **extract** (mapped, one task per chunk) – run spaCy and stage sentences, entity mentions
   and statements as Arrow files;
3. **load_raw** – replace the run's partition of the `raw` schema in one DuckDB transaction;
4. **dbt_build** – one in-process `dbt build` of staging, intermediate and mart models;
5. **publish** – copy the marts to a read-only DuckDB file and Parquet for BI tools.

The run's date is the start of its data interval. Rerunning a date gives identical tables.
`start_date` is the earliest date an article may carry (1600-01-01), so any date of any
archive can be run or backfilled (`airflow backfill create`); `catchup=False`, so unpausing
starts only the latest interval, never one run per day since 1600.
Every task that touches DuckDB takes the one-slot `wirehouse_duckdb` pool and the
`warehouse` queue (on a Celery cluster, the worker holding the DuckDB file); extraction runs
on any worker, through `WIREHOUSE_STAGING_URL` when set (see `wirehouse_backfill`).
Params: `archive` (directory of article files; default `$WIREHOUSE_ARCHIVE` or `data/sample`).
"""

from __future__ import annotations

import datetime as dt
import logging

import pendulum
from airflow.sdk import Param, dag, get_current_context, task
from airflow.timetables.trigger import CronTriggerTimetable

from extract.cluster import warehouse_queue
from extract.config import DUCKDB_POOL, EARLIEST_DATE, retry_delay

WAREHOUSE = warehouse_queue()

log = logging.getLogger(__name__)


def _failure_callback(context) -> None:
    ti = context.get("task_instance")
    log.error(
        "Wirehouse task %s failed for run %s (try %s): %s. The warehouse keeps the last good "
        "partition and the published marts the last good build; clear the task or rerun "
        "the date to retry.",
        getattr(ti, "task_id", "?"), context.get("run_id"), getattr(ti, "try_number", "?"),
        context.get("exception"),
    )


def _run_date() -> dt.date:
    context = get_current_context()
    start = context.get("data_interval_start") or context["logical_date"]
    return start.date()


def _run_key() -> str:
    context = get_current_context()
    return f"{context['dag'].dag_id}/{context['run_id']}"


def _settings():
    import os
    from pathlib import Path

    from extract.config import settings

    archive = get_current_context()["params"].get("archive")
    current = settings()
    if archive:
        os.environ["WIREHOUSE_ARCHIVE"] = archive
        current = settings()
    return current, Path(current.archive)


@dag(
    dag_id="wirehouse_nightly",
    schedule=CronTriggerTimetable("0 2 * * *", timezone="UTC", interval=dt.timedelta(days=1)),
    # Any date an article may carry can be run or backfilled (see extract/config.py).
    start_date=pendulum.datetime(EARLIEST_DATE.year, EARLIEST_DATE.month, EARLIEST_DATE.day,
                                 tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["wirehouse"],
    params={"archive": Param(None, type=["null", "string"], description="archive directory")},
    default_args={
        "retries": 2,
        "retry_delay": retry_delay(),
        "retry_exponential_backoff": True,
        "max_retry_delay": dt.timedelta(minutes=10),
        "execution_timeout": dt.timedelta(hours=2),
        "on_failure_callback": _failure_callback,
    },
)
def wirehouse_nightly():
    @task(pool=DUCKDB_POOL, queue=WAREHOUSE)
    def plan() -> list[str]:
        from extract.config import late_days
        from extract.runs import plan_run
        from extract.staging import share_chunks
        from extract.warehouse import connect, ensure_schema

        settings, archive = _settings()
        with connect(settings.db_path) as con:
            ensure_schema(con)
            result = plan_run(settings, archive, _run_date(), con, late_days=late_days())
        counts = result.counts
        log.info(
            "run %s on %s: files seen %d = loaded %d + duplicates %d + rejected %d",
            result.run_date, archive, counts["seen"], counts["loaded"],
            counts["duplicate"], counts["rejected"],
        )
        day = result.run_date.isoformat()
        share_chunks(settings, _run_key(), [f"{day}/{c}" for c in result.chunks])
        return result.chunks

    @task
    def extract(chunk: str) -> dict[str, int] | None:
        import os

        from extract.staging import extract_shared

        settings, _ = _settings()
        n_process = int(os.environ.get("WIREHOUSE_N_PROCESS", "1"))
        ref = f"{_run_date().isoformat()}/{chunk}"
        return extract_shared(settings, _run_key(), ref, n_process=n_process)

    # An empty day maps no extract task; still record its files and rebuild.
    @task(pool=DUCKDB_POOL, queue=WAREHOUSE, trigger_rule="none_failed")
    def load_raw(extracted: list[dict[str, int] | None]) -> dict[str, int]:
        from extract.runs import load_run
        from extract.staging import collect_dates, drop_run
        from extract.warehouse import connect

        settings, _ = _settings()
        collect_dates(settings, _run_key(), [_run_date()])
        with connect(settings.db_path) as con:
            counts = load_run(settings, _run_date(), con)
        drop_run(_run_key())
        log.info(
            "loaded into raw in one transaction: %d files recorded, %d articles loaded, "
            "%d files rejected; spans %s",
            counts.get("files", 0), counts.get("articles", 0), counts.get("rejects", 0),
            {k: v for k, v in counts.items() if k not in ("files", "articles", "rejects")},
        )
        return counts

    @task(pool=DUCKDB_POOL, queue=WAREHOUSE)
    def dbt_build(loaded: dict[str, int]) -> None:
        from extract.build import build

        settings, _ = _settings()
        build(settings, [_run_date()])

    @task(pool=DUCKDB_POOL, queue=WAREHOUSE)
    def publish() -> str:
        from extract.publish import publish as publish_marts
        from extract.warehouse import connect

        settings, _ = _settings()
        with connect(settings.db_path) as con:
            return str(publish_marts(settings, con))

    chunks = plan()
    extracted = extract.expand(chunk=chunks)
    built = dbt_build(load_raw(extracted))
    built >> publish()


wirehouse_nightly()
