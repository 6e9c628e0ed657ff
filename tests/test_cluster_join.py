"""``wirehouse cluster worker``'s settings, without processes (test_cluster runs one for real):
the ``cluster env`` output read back, and the worker's command and environment built from it."""

from __future__ import annotations

import shlex
import socket
from pathlib import Path

import pytest

from extract import cluster
from extract.config import Settings

CLUSTER_ENV = {
    "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "postgresql+psycopg://postgres@db:5432/wh",
    "AIRFLOW__CELERY__BROKER_URL": "redis://db:6379/0",
    "AIRFLOW__CELERY__RESULT_BACKEND": "db+postgresql+psycopg://postgres@db:5432/wh",
    "AIRFLOW__API_AUTH__JWT_SECRET": "a secret with 'quotes' and spaces",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "http://control:8080/execution/",
    "AIRFLOW__OPERATORS__DEFAULT_QUEUE": "default",
    "WIREHOUSE_LOG_PORT": "8800",
}


def test_env_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "cluster.env"
    path.write_text("# from `wirehouse cluster env`\n" + "".join(
        f"export {k}={shlex.quote(v)}\n" for k, v in CLUSTER_ENV.items()))
    assert cluster.read_env_file(path) == CLUSTER_ENV


def test_join_command_has_the_cluster_settings(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in CLUSTER_ENV.items():
        monkeypatch.setenv(key, value)
    settings = Settings(home=tmp_path / "home", archive=tmp_path, model="m")
    command, env = cluster.join_command(settings, "w7", queues="default", hostname="box7")
    worker = command[command.index("--") + 1:]
    node = f"w7@{socket.gethostname()}"
    assert worker[1:] == ["celery", "worker", "-H", node, "-q", "default", "-c", "1",
                          "--without-mingle", "--without-gossip", "--skip-serve-logs"]
    assert command[command.index("extract.airflow_serve") + 1] == "8800"  # its log server
    assert env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] == "8800"
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == CLUSTER_ENV["AIRFLOW__API_AUTH__JWT_SECRET"]
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://control:8080/execution/"
    assert env[cluster.WORKER_NAME_ENV] == "box7"  # task_instance.hostname: its logs' host
    assert env["AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS"] == "extract.celery_worker.CELERY_CONFIG"
    assert env["AIRFLOW_HOME"] == str(settings.airflow_home)


def test_join_command_refuses_without_the_cluster_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in CLUSTER_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AIRFLOW__API_AUTH__JWT_SECRET")
    settings = Settings(home=tmp_path / "home", archive=tmp_path, model="m")
    with pytest.raises(RuntimeError, match="AIRFLOW__API_AUTH__JWT_SECRET.*cluster env"):
        cluster.join_command(settings, "w7")
