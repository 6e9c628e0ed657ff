"""
### Wirehouse backfill (bulk)

Loads a date range of an archive in one DAG run, for archives of months or years, without
the per-day overhead of one `wirehouse_nightly` run per date:

1. **plan** – list the archive once, read every file of the range once, and stage each run
   date's articles in chunks (dates whose files are already loaded unchanged are skipped
   unless `reprocess`; chunks extracted by an interrupted run are kept);
2. **extract** (mapped, one task per group of chunks, at most `max_tasks`) – spaCy, in
   parallel, no database access;
3. **load_raw** – each run date in its own DuckDB transaction, in date order;
4. **dbt_build** – one in-process `dbt build` for the whole range;
5. **publish** – the marts, atomically, to the read-only copy BI tools read.

Each date ends up exactly as a nightly run of that date would leave it. A run that fails or
is killed resumes where it stopped when triggered again with the same params.
Every task that touches DuckDB takes the one-slot `wirehouse_duckdb` pool and, on a Celery
cluster (`wirehouse cluster up`), the `warehouse` queue served only by the worker holding the
DuckDB file; extraction goes to the default queue any worker serves. With
`WIREHOUSE_STAGING_URL` set, chunks and their results travel through that URL
(`extract.staging`). LocalExecutor and `dags test` ignore queues.

Params: `archive`, `from_date`, `to_date` (run dates, inclusive), `reprocess`,
`chunk_size` (articles per chunk), `max_tasks` (mapped extract tasks at most).
From the command line: `wirehouse backfill --archive DIR --from D --to D [--airflow]`.
"""

from __future__ import annotations

import datetime as dt
import logging

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from extract.cluster import warehouse_queue
from extract.config import DUCKDB_POOL, EARLIEST_DATE, retry_delay

WAREHOUSE = warehouse_queue()

log = logging.getLogger(__name__)


def _failure_callback(context) -> None:
    ti = context.get("task_instance")
    params = context.get("params") or {}
    log.error(
        "Wirehouse backfill task %s failed (run %s, dates %s..%s): %s. Trigger the DAG again "
        "with the same params to resume where it stopped.",
        getattr(ti, "task_id", "?"), context.get("run_id"), params.get("from_date"),
        params.get("to_date"), context.get("exception"),
    )


def _params():
    import os
    from pathlib import Path

    from extract.config import settings

    params = get_current_context()["params"]
    if params.get("archive"):
        os.environ["WIREHOUSE_ARCHIVE"] = params["archive"]
    current = settings()
    start = dt.date.fromisoformat(params["from_date"])
    end = dt.date.fromisoformat(params["to_date"])
    return current, Path(current.archive), start, end, params


def _run_key() -> str:
    context = get_current_context()
    return f"{context['dag'].dag_id}/{context['run_id']}"


def _plan(**kwargs):
    from extract.backfill import plan_backfill

    settings, archive, start, end, params = _params()
    return settings, plan_backfill(
        settings, archive, start, end, reprocess=bool(params.get("reprocess")),
        chunk_size=int(params.get("chunk_size") or 200), **kwargs,
    )


@dag(
    dag_id="wirehouse_backfill",
    schedule=None,
    # Any date an article may carry can be run or backfilled (see extract/config.py).
    start_date=pendulum.datetime(EARLIEST_DATE.year, EARLIEST_DATE.month, EARLIEST_DATE.day,
                                 tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["wirehouse"],
    params={
        "archive": Param(None, type=["null", "string"], description="archive directory"),
        "from_date": Param("2019-03-04", type="string", format="date",
                           description="first run date, YYYY-MM-DD"),
        "to_date": Param("2019-03-10", type="string", format="date",
                         description="last run date, YYYY-MM-DD (inclusive)"),
        "reprocess": Param(False, type="boolean",
                           description="redo dates already loaded with the same files"),
        "chunk_size": Param(200, type="integer", minimum=1, description="articles per chunk"),
        "max_tasks": Param(32, type="integer", minimum=1, maximum=1000,
                           description="mapped extract tasks at most"),
    },
    default_args={
        "retries": 2,
        "retry_delay": retry_delay(),
        "retry_exponential_backoff": True,
        "max_retry_delay": dt.timedelta(minutes=10),
        "execution_timeout": dt.timedelta(hours=12),
        "on_failure_callback": _failure_callback,
    },
)
def wirehouse_backfill():
    @task(pool=DUCKDB_POOL, queue=WAREHOUSE)
    def plan() -> list[list[str]]:
        from extract.backfill import group_refs
        from extract.staging import share_chunks

        result_settings, result = _plan()
        totals = {"seen": 0, "loaded": 0, "duplicate": 0, "rejected": 0}
        for day in result.staged:
            for key in totals:
                totals[key] += day.counts.get(key, 0)
        log.info(
            "backfill %s..%s: %d dates, %d already loaded (skipped), %d to load; files read "
            "%d = articles %d + duplicates %d + rejected %d; %d articles left to extract",
            result.start, result.end, len(result.dates), len(result.dates) - len(result.staged),
            len(result.staged), totals["seen"], totals["loaded"], totals["duplicate"],
            totals["rejected"], result.pending_articles,
        )
        groups = group_refs(result, int(get_current_context()["params"].get("max_tasks") or 32))
        share_chunks(result_settings, _run_key(), [ref for group in groups for ref in group])
        return groups

    @task
    def extract(refs: list[str]) -> int:
        import time

        from extract.staging import extract_shared

        settings, *_ = _params()
        started = time.monotonic()
        for i, ref in enumerate(refs, 1):
            counts = extract_shared(settings, _run_key(), ref)
            log.info("chunk %s done (%d/%d of this task): %s", ref, i, len(refs), counts)
        log.info("%d chunks in %.1fs", len(refs), time.monotonic() - started)
        return len(refs)

    @task(pool=DUCKDB_POOL, queue=WAREHOUSE, trigger_rule="none_failed")
    def load_raw(extracted: list[int]) -> int:
        from extract.backfill import load_staged, staged_plan
        from extract.staging import collect_dates, drop_run

        settings, _, start, end, params = _params()
        staged = staged_plan(settings, start, end, reprocess=bool(params.get("reprocess")))
        collect_dates(settings, _run_key(), [d.run_date for d in staged.staged])
        n = load_staged(settings, staged)
        drop_run(_run_key())
        log.info("loaded %d run dates into raw, one transaction each", n)
        return n

    @task(pool=DUCKDB_POOL, queue=WAREHOUSE)
    def dbt_build(loaded: int) -> None:
        from extract.backfill import read_state
        from extract.build import build

        settings, *_ = _params()
        state = read_state(settings)
        if state.get("build_pending") or loaded:
            # Incremental over the loaded dates (and any load still pending a build); a
            # full refresh when they are every run the warehouse holds.
            build(settings, [dt.date.fromisoformat(d) for d in state.get("finished", [])],
                  refresh_whole=True)
        else:
            log.info("nothing new loaded: no dbt build")

    @task(pool=DUCKDB_POOL, queue=WAREHOUSE)
    def publish() -> str:
        from extract.backfill import state_path
        from extract.publish import publish as publish_marts
        from extract.warehouse import connect

        settings, *_ = _params()
        with connect(settings.db_path) as con:
            target = publish_marts(settings, con)
        state_path(settings).unlink(missing_ok=True)
        return str(target)

    groups = plan()
    extracted = extract.expand(refs=groups)
    built = dbt_build(load_raw(extracted))
    built >> publish()


wirehouse_backfill()
