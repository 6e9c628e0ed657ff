"""A project-local Airflow: its home under ``$WIREHOUSE_HOME/airflow`` and settings for 2 cores."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from extract.config import DUCKDB_POOL, PROJECT_DIR, Settings
from extract.security import bind_host, client_host, private_dir, private_umask


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
            # A task's supervisor sleeps up to this long in select() between its checks; when
            # the task closes its sockets just before it exits, the exit is noticed only at
            # the next check: with the default 5 s, one task in three ended 5 s late.
            # Also the heartbeat period (an execution API call per running task per second).
            "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": env.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO"),
            "WIREHOUSE_HOME": str(settings.home),
            "WIREHOUSE_ARCHIVE": str(settings.archive),
            "WIREHOUSE_SPACY_MODEL": settings.model,
            # Task logs are private too (Airflow makes them 664 in 775 folders by default).
            "AIRFLOW__LOGGING__FILE_TASK_HANDLER_NEW_FILE_PERMISSIONS": "0o600",
            "AIRFLOW__LOGGING__FILE_TASK_HANDLER_NEW_FOLDER_PERMISSIONS": "0o700",
            "DO_NOT_TRACK": "1",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_DIR), env.get("PYTHONPATH", "")) if p
            ),
            # Components and their task processes find `airflow` and the tools through PATH.
            "PATH": os.pathsep.join(
                p for p in (str(Path(sys.executable).parent), env.get("PATH", "")) if p
            ),
        }
    )
    # Every listener on WIREHOUSE_BIND_HOST (loopback by default); an explicit Airflow
    # setting wins. Airflow's own default host is 0.0.0.0: the whole network.
    env.setdefault("AIRFLOW__API__HOST", bind_host())
    # The name a component records for itself is where the api-server fetches running tasks'
    # logs: it must reach the log server on the bind host.
    env.setdefault("AIRFLOW__CORE__HOSTNAME_CALLABLE", "extract.security.advertised_hostname")
    if "AIRFLOW__CORE__EXECUTION_API_SERVER_URL" not in env:
        # Task workers reach the api-server here, on the address it listens on.
        port = env.get("AIRFLOW__API__PORT", "8080")
        env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = (
            f"http://{client_host(env['AIRFLOW__API__HOST'])}:{port}/execution/"
        )
    return env


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def airflow(
    settings: Settings, *args: str, check: bool = True, quiet: bool = False,
    private: bool = False,
):
    """Run the ``airflow`` CLI against the project-local home. ``private``: whatever it
    creates is mode 600 / 700 (the metadata DB and ``airflow.cfg`` with its keys). Runs of
    the DAGs are not: the warehouse and its published copy keep the user's umask, for BI
    tools of other users (task logs are 600 by the Airflow setting above)."""
    with private_umask() if private else contextlib.nullcontext():
        return subprocess.run(
            [airflow_bin(), *args],
            env=airflow_environ(settings),
            check=check,
            stdout=subprocess.DEVNULL if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
        )


def init_airflow(settings: Settings) -> None:
    """Create (or migrate) the metadata database and the DuckDB writer pool; idempotent."""
    private_dir(settings.airflow_home)
    marker = settings.airflow_home / ".initialised"
    if marker.exists():
        return
    airflow(settings, "db", "migrate", quiet=True, private=True)
    airflow(
        settings, "pools", "set", DUCKDB_POOL, "1", "one writer for the DuckDB warehouse",
        quiet=True, private=True,
    )
    marker.write_text("ok\n")
