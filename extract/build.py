"""Run dbt in-process (one ``dbtRunner`` invocation per build, not one task per model)."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from extract.config import DBT_PROJECT_DIR, Settings

log = logging.getLogger(__name__)


class DbtBuildFailed(RuntimeError):
    pass


def dbt_env(settings: Settings) -> None:
    os.environ["WIREHOUSE_DB"] = str(settings.db_path)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def run_dbt(settings: Settings, args: Sequence[str]) -> None:
    """Invoke dbt with ``args`` against the warehouse of ``settings``; raise on failure."""
    from dbt.cli.main import dbtRunner

    dbt_env(settings)
    work = settings.home / "dbt"
    full = [
        *args,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"),
    ]
    log.info("dbt %s", " ".join(full))
    try:
        result = dbtRunner().invoke(full)
    finally:
        release_duckdb()
    if not result.success:
        failures = []
        if result.result is not None and hasattr(result.result, "results"):
            failures = [
                f"{r.node.unique_id}: {r.status} {r.message or ''}".strip()
                for r in result.result.results
                if str(r.status) not in ("success", "pass", "skipped")
            ]
        detail = "; ".join(failures[:10]) or str(result.exception)
        raise DbtBuildFailed(f"dbt {args[0]} failed: {detail}")


def release_duckdb() -> None:
    """Close the database dbt-duckdb keeps open in-process, so the lock is free afterwards.

    dbt-duckdb caches one environment per process and does not always close it after an
    in-process invocation; a later read-only or cross-process open would then fail.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            env.close()
            DuckDBConnectionManager._ENV = None


def build(settings: Settings) -> None:
    run_dbt(settings, ["build"])
