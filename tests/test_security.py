"""Where servers listen and which files are private, without starting them (the real
processes are checked in tests/test_airflow_backfill.py)."""

from __future__ import annotations

import importlib
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from extract.airflow_env import airflow_environ
from extract.airflow_serve import ensure_passwords, password_file
from extract.config import Settings
from extract.security import (
    bind_host,
    client_host,
    private_umask,
    redact,
    restrict_tree,
    write_private,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("AIRFLOW__") or name == "WIREHOUSE_BIND_HOST":
            monkeypatch.delenv(name)
    return monkeypatch


def test_servers_listen_on_loopback_unless_the_setting_opens_them(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path, archive=tmp_path, model="m")
    env = airflow_environ(settings)
    assert bind_host() == "127.0.0.1"
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:8080/execution/"
    # The name components record (where the api-server fetches running tasks' logs).
    module, _, name = env["AIRFLOW__CORE__HOSTNAME_CALLABLE"].rpartition(".")
    assert getattr(importlib.import_module(module), name)() == "127.0.0.1"

    clean_env.setenv("WIREHOUSE_BIND_HOST", "10.1.2.3")
    clean_env.setenv("AIRFLOW__API__PORT", "8090")
    env = airflow_environ(settings)
    assert env["AIRFLOW__API__HOST"] == "10.1.2.3"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://10.1.2.3:8090/execution/"
    assert getattr(importlib.import_module(module), name)() == "10.1.2.3"

    clean_env.setenv("AIRFLOW__API__HOST", "127.0.0.1")  # an explicit Airflow setting wins
    assert airflow_environ(settings)["AIRFLOW__API__HOST"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("host", "client"),
    [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("::", "[::1]"),  # noqa: S104
     ("192.168.1.20", "192.168.1.20"), ("fe80::1", "[fe80::1]")],
)
def test_clients_reach_the_bind_host(host: str, client: str) -> None:
    assert client_host(host) == client


def test_private_files_and_folders_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)  # the loosest umask: modes must not depend on it
    try:
        secret = tmp_path / "home" / "airflow" / "secret.json"
        write_private(secret, '{"admin": "x"}\n')
        assert _mode(secret) == 0o600 and _mode(secret.parent) == 0o700
        write_private(secret, '{"admin": "y"}\n')  # rewritten atomically, still 600
        assert secret.read_text() == '{"admin": "y"}\n' and _mode(secret) == 0o600
        with private_umask():  # what a child process creates
            subprocess.run(["sh", "-c", f"mkdir {tmp_path}/d && echo x > {tmp_path}/d/f"],
                           check=True)
        assert _mode(tmp_path / "d") == 0o700 and _mode(tmp_path / "d" / "f") == 0o600
    finally:
        os.umask(previous)


def test_a_home_made_before_is_made_private(tmp_path: Path) -> None:
    home = tmp_path / "airflow"
    (home / "logs").mkdir(parents=True)
    (home / "airflow.cfg").write_text("[api]\n")
    os.chmod(home, 0o755)
    os.chmod(home / "logs", 0o775)
    os.chmod(home / "airflow.cfg", 0o644)
    outside = tmp_path / "shared.txt"
    outside.write_text("x")
    os.chmod(outside, 0o644)
    (home / "link").symlink_to(outside)
    restrict_tree(home)
    assert (_mode(home), _mode(home / "logs"), _mode(home / "airflow.cfg")) == (
        0o700, 0o700, 0o600)
    assert _mode(outside) == 0o644  # a symlink's target is not ours to change


def test_passwords_are_generated_private_and_kept(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path, archive=tmp_path, model="m")
    env = airflow_environ(settings)
    new = ensure_passwords(settings, env)
    path = password_file(settings, env)
    assert list(new) == ["admin"] and len(new["admin"]) == 16
    assert json.loads(path.read_text()) == new and _mode(path) == 0o600
    assert ensure_passwords(settings, env) == {}  # kept: printed once, at the first start
    env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] = "admin:admin,alice:viewer"
    assert list(ensure_passwords(settings, env)) == ["alice"]
    assert set(json.loads(path.read_text())) == {"admin", "alice"}


def test_passwords_in_urls_are_redacted() -> None:
    assert redact("broker redis://:s3cret@127.0.0.1:6379/0 up") == (
        "broker redis://:***@127.0.0.1:6379/0 up")
    assert redact("db+postgresql://wh:p%40ss@db/airflow") == "db+postgresql://wh:***@db/airflow"
    assert redact("amqp://guest@localhost// and http://h:8080/x") == (
        "amqp://guest@localhost// and http://h:8080/x")


def test_cluster_state_is_private_and_status_names_no_password(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from extract import cluster

    settings = Settings(home=tmp_path / "home", archive=tmp_path, model="m")
    clean_env.setenv("WIREHOUSE_PG_URL", "postgresql+psycopg://wh:s3cretdb@127.0.0.1:1")
    clean_env.setenv("WIREHOUSE_BROKER_URL", "redis://:s3cretbroker@127.0.0.1:6379/0")
    cfg = cluster.ClusterConfig.from_env()
    cfg.jwt_secret = "jwt-s3cret-jwt-s3cret"
    old = os.umask(0o022)  # a permissive umask: the modes must not depend on it
    try:
        proc = cluster._start(settings, "probe", [], dict(os.environ), ["true"])
    finally:
        os.umask(old)
    cfg.processes = {"probe": proc}
    cluster._save(settings, cfg)
    folder = settings.home / "cluster"
    assert (_mode(folder), _mode(folder / "logs"), _mode(Path(proc["log"]))) == (
        0o700, 0o700, 0o600)
    assert _mode(cluster.state_file(settings)) == 0o600
    assert cluster.load_config(settings).jwt_secret == cfg.jwt_secret
    report = json.dumps(cluster.status(settings))  # the metadata DB is unreachable: an error
    assert "s3cret" not in report and "wh:***@" in report and ":***@127.0.0.1:6379" in report
    # The api-server, the workers' log servers and the URLs follow the bind host.
    assert cfg.api_url.startswith("http://127.0.0.1:")
    env = cluster.cluster_environ(settings, cfg, worker="w1")
    assert env["WIREHOUSE_BIND_HOST"] == env["AIRFLOW__API__HOST"] == "127.0.0.1"
    clean_env.setenv("WIREHOUSE_BIND_HOST", "0.0.0.0")  # noqa: S104 - the setting under test
    opened = cluster.ClusterConfig.from_env()
    assert opened.api_url == f"http://127.0.0.1:{opened.api_port}"
    assert cluster.cluster_environ(settings, opened, worker="w1")["WIREHOUSE_BIND_HOST"] == (
        "0.0.0.0")  # noqa: S104
