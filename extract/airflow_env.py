"""A project-local Airflow: its home under ``$WIREHOUSE_HOME/airflow`` and settings for 2 cores."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from extract.config import DUCKDB_POOL, PROJECT_DIR, Settings


def airflow_environ(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(settings.airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_DIR / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": "2",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "30",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": env.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO"),
            "WIREHOUSE_HOME": str(settings.home),
            "WIREHOUSE_ARCHIVE": str(settings.archive),
            "WIREHOUSE_SPACY_MODEL": settings.model,
            "DO_NOT_TRACK": "1",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_DIR), env.get("PYTHONPATH", "")) if p
            ),
            # `airflow standalone` starts its components as `airflow ...` through PATH.
            "PATH": os.pathsep.join(
                p for p in (str(Path(sys.executable).parent), env.get("PATH", "")) if p
            ),
        }
    )
    port = env.get("AIRFLOW__API__PORT")
    if port and "AIRFLOW__CORE__EXECUTION_API_SERVER_URL" not in env:
        # Task workers reach the api-server here; the default assumes port 8080.
        env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"http://localhost:{port}/execution/"
    return env


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def airflow(settings: Settings, *args: str, check: bool = True, quiet: bool = False):
    """Run the ``airflow`` CLI against the project-local home."""
    return subprocess.run(
        [airflow_bin(), *args],
        env=airflow_environ(settings),
        check=check,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
    )


def init_airflow(settings: Settings) -> None:
    """Create (or migrate) the metadata database and the DuckDB writer pool; idempotent."""
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    marker = settings.airflow_home / ".initialised"
    if marker.exists():
        return
    airflow(settings, "db", "migrate", quiet=True)
    airflow(
        settings, "pools", "set", DUCKDB_POOL, "1", "one writer for the DuckDB warehouse",
        quiet=True,
    )
    marker.write_text("ok\n")
