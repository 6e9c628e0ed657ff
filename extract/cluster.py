"""``wirehouse cluster``: Airflow with the CeleryExecutor on PostgreSQL + Redis, N workers.

One machine plays every role here (the tests and the benchmark run it that way); on several
machines each runs the same commands with the same settings (docs/scale-out.md). The roles:

- metadata DB: a PostgreSQL database of its own (``WIREHOUSE_AIRFLOW_DB``, created if
  missing), also the Celery result backend (``db+postgresql``);
- broker: Redis (``WIREHOUSE_BROKER_URL``), every key under ``WIREHOUSE_BROKER_PREFIX`` so
  several clusters can share one Redis;
- scheduler, dag-processor, api-server (``WIREHOUSE_API_PORT``), all sharing one
  ``jwt_secret`` (made at ``up``, kept in ``cluster.json``);
- Celery workers ``w1..wN``, each with its own ``-H`` name, log-server port and (when staging
  is remote) its own scratch home: ``w1`` serves the default queue and the ``warehouse``
  queue and holds the DuckDB file; the others serve the default queue (extraction) only.

Every address comes from settings whose defaults are loopback; every server binds
``WIREHOUSE_BIND_HOST`` (default 127.0.0.1), the workers' task-log servers too (each worker
runs with ``--skip-serve-logs`` behind ``log_server_command``: Airflow's own log server binds
every interface). ``up`` records what it started in ``$WIREHOUSE_HOME/cluster/cluster.json``
(it holds the ``jwt_secret``: mode 600, in the cluster folder of mode 700, logs 600 too);
``down`` and ``status`` read it back. The api-server's password is made by us before it
starts (Airflow would print it into its log) and printed only on a terminal.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from extract.config import DUCKDB_POOL, Settings
from extract.security import client_host, private_dir, private_umask, redact, write_private

WAREHOUSE_QUEUE_ENV = "WIREHOUSE_WAREHOUSE_QUEUE"
WORKER_NAME_ENV = "WIREHOUSE_WORKER_NAME"
DAG_IDS = ("wirehouse_backfill", "wirehouse_nightly")
API_USER = "wirehouse"  # the api-server's admin user (simple auth manager)


def warehouse_queue() -> str:
    """The Celery queue of every task that writes DuckDB (read by the DAGs at parse time)."""
    return os.environ.get(WAREHOUSE_QUEUE_ENV, "warehouse")


def worker_hostname() -> str:
    """``[core] hostname_callable`` of the cluster: a worker's ``-H`` name (so two workers on
    one machine are told apart in ``task_instance.hostname``), else the machine's name."""
    return os.environ.get(WORKER_NAME_ENV) or socket.getfqdn()


@dataclass
class ClusterConfig:
    """Where the cluster's parts live; ``from_env`` gives the loopback defaults."""

    pg_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432"
    db_name: str = "wirehouse_airflow"
    broker_url: str = "redis://127.0.0.1:6379/0"
    key_prefix: str = "wirehouse:"
    bind_host: str = "127.0.0.1"
    api_port: int = 8080
    log_port: int = 8793  # worker i serves its logs on log_port + i - 1
    default_queue: str = "default"
    warehouse_queue: str = "warehouse"
    staging_url: str | None = None
    paused: bool = False  # DAGs paused at creation (no scheduled nightly; triggers unpause)
    jwt_secret: str = ""
    processes: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> ClusterConfig:
        env = os.environ
        base = cls()
        return cls(
            pg_url=env.get("WIREHOUSE_PG_URL", base.pg_url),
            db_name=env.get("WIREHOUSE_AIRFLOW_DB", base.db_name),
            broker_url=env.get("WIREHOUSE_BROKER_URL", base.broker_url),
            key_prefix=env.get("WIREHOUSE_BROKER_PREFIX", base.key_prefix),
            bind_host=env.get("WIREHOUSE_BIND_HOST", base.bind_host),
            api_port=int(env.get("WIREHOUSE_API_PORT", base.api_port)),
            log_port=int(env.get("WIREHOUSE_LOG_PORT", base.log_port)),
            default_queue=env.get("WIREHOUSE_DEFAULT_QUEUE", base.default_queue),
            warehouse_queue=env.get(WAREHOUSE_QUEUE_ENV, base.warehouse_queue),
            staging_url=env.get("WIREHOUSE_STAGING_URL") or None,
        )

    @property
    def metadata_url(self) -> str:
        return f"{self.pg_url.rstrip('/')}/{self.db_name}"

    @property
    def api_url(self) -> str:
        return f"http://{client_host(self.bind_host)}:{self.api_port}"

    @property
    def workers(self) -> list[str]:
        return sorted((n for n in self.processes if n.startswith("w")), key=lambda n: int(n[1:]))


def state_file(settings: Settings) -> Path:
    return settings.home / "cluster" / "cluster.json"


def load_config(settings: Settings) -> ClusterConfig | None:
    path = state_file(settings)
    if not path.exists():
        return None
    return ClusterConfig(**json.loads(path.read_text()))


def _save(settings: Settings, cfg: ClusterConfig) -> None:
    write_private(state_file(settings), json.dumps(asdict(cfg), indent=1))  # jwt_secret


def logs_dir(settings: Settings) -> Path:
    """The components' logs, mode 700 (a log may name a URL or a task's secrets)."""
    private_dir(settings.home / "cluster")
    return private_dir(settings.home / "cluster" / "logs")


def worker_home(settings: Settings, cfg: ClusterConfig, name: str) -> Path:
    """w1 holds the warehouse; with remote staging the others get a scratch home of their
    own, as on a machine of their own (they never see the DuckDB file)."""
    if name == "w1" or not cfg.staging_url:
        return settings.home
    return settings.home / "cluster" / "workers" / name


def cluster_environ(
    settings: Settings, cfg: ClusterConfig, worker: str | None = None, n_workers: int = 1
) -> dict[str, str]:
    """The environment of every cluster process (``worker``: that worker's own parts)."""
    from extract.airflow_env import airflow_environ

    env = airflow_environ(settings)
    db = cfg.metadata_url
    env.update({
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": db,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": db,
        "AIRFLOW__CELERY__BROKER_URL": cfg.broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{db}",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",  # one spaCy process per worker
        # Airflow's Celery settings plus the spaCy model loaded once per worker, inherited
        # by every forked task process (extract/celery_worker.py).
        "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": "extract.celery_worker.CELERY_CONFIG",
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX": cfg.key_prefix,
        # A task may run for hours (execution_timeout 12 h): no redelivery before that.
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "86400",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": cfg.default_queue,
        WAREHOUSE_QUEUE_ENV: cfg.warehouse_queue,
        "AIRFLOW__API_AUTH__JWT_SECRET": cfg.jwt_secret,
        "AIRFLOW__API__SECRET_KEY": cfg.jwt_secret,
        "AIRFLOW__API__HOST": cfg.bind_host,
        # The bind host of the workers' log servers (extract.airflow_serve.serve_logs).
        "WIREHOUSE_BIND_HOST": cfg.bind_host,
        "AIRFLOW__API__PORT": str(cfg.api_port),
        "AIRFLOW__API__BASE_URL": cfg.api_url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{cfg.api_url}/execution/",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "extract.cluster.worker_hostname",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{API_USER}:admin",
        # Enough running tasks to keep every worker fed, with one queued behind each.
        "AIRFLOW__CORE__PARALLELISM": str(max(4, 2 * n_workers + 2)),
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": str(max(2, 2 * n_workers)),
        "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "30",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": str(cfg.paused),
    })
    if cfg.staging_url:
        env["WIREHOUSE_STAGING_URL"] = cfg.staging_url
    if worker is not None:
        index = int(worker[1:])
        env[WORKER_NAME_ENV] = f"{worker}@{socket.gethostname()}"
        env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(cfg.log_port + index - 1)
        env["WIREHOUSE_HOME"] = str(worker_home(settings, cfg, worker))
        # Per-worker overrides, e.g. WIREHOUSE_W2_PAUSE_AT for the crash test.
        prefix = f"WIREHOUSE_{worker.upper()}_"
        for key, value in os.environ.items():
            if key.startswith(prefix):
                env["WIREHOUSE_" + key[len(prefix):]] = value
    return env


# -- the metadata database ------------------------------------------------------------------


def _pg_connect(cfg: ClusterConfig, db: str | None = None):
    import psycopg

    server = cfg.pg_url.rstrip("/").replace("postgresql+psycopg://", "postgresql://")
    url = f"{server}/{db or cfg.db_name}"
    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def ensure_database(cfg: ClusterConfig) -> bool:
    """Create the metadata database if missing; True if it was created."""
    from psycopg import sql

    with _pg_connect(cfg, "postgres") as con:
        exists = con.execute(
            "select 1 from pg_database where datname = %s", [cfg.db_name]
        ).fetchone()
        if exists:
            return False
        con.execute(sql.SQL("create database {}").format(sql.Identifier(cfg.db_name)))
        return True


def drop_database(cfg: ClusterConfig) -> None:
    from psycopg import sql

    with _pg_connect(cfg, "postgres") as con:
        con.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(cfg.db_name))
        )


def query(cfg: ClusterConfig, statement: str, params: list | None = None) -> list[tuple]:
    with _pg_connect(cfg) as con:
        return con.execute(statement, params or []).fetchall()


def worker_task_counts(cfg: ClusterConfig, dag_id: str | None = None) -> dict[str, dict]:
    """Per worker hostname, how many task tries of each task it ran (every try that reached
    a worker: the current ones in ``task_instance``, earlier ones in its history)."""
    where = "hostname is not null and hostname <> ''"
    params: list = []
    if dag_id:
        where += " and dag_id = %s"
        params = [dag_id]
    rows = query(
        cfg,
        "select hostname, task_id, count(*) from ("
        f" select hostname, task_id, dag_id from task_instance where {where}"
        " union all"
        f" select hostname, task_id, dag_id from task_instance_history where {where}"
        ") as tries group by hostname, task_id order by hostname, task_id",
        params * 2,
    )
    out: dict[str, dict] = {}
    for hostname, task_id, n in rows:
        out.setdefault(hostname, {})[task_id] = int(n)
    return out


# -- processes ------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (our own child, not yet reaped) is not alive
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _open_log(path: Path) -> int:
    """A component's log for appending, mode 600 (also one made before)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def _start(settings: Settings, name: str, args: list[str], env: dict[str, str],
           command: list[str] | None = None) -> dict:
    """Start ``airflow *args`` (or ``command``) with its output in ``<name>.log``."""
    from extract.airflow_env import airflow_bin

    log_path = logs_dir(settings) / f"{name}.log"
    offset = log_path.stat().st_size if log_path.exists() else 0
    out = _open_log(log_path)
    try:
        # A session of its own: `down` (or a crash test) signals the whole process group.
        proc = subprocess.Popen(
            command or [airflow_bin(), *args], env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    finally:
        os.close(out)
    return {"pid": proc.pid, "log": str(log_path), "log_offset": offset, "args": args}


def _wait(what: str, check, timeout: float, procs: dict[str, dict]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        dead = [n for n, p in procs.items() if not _alive(p["pid"])]
        if dead:
            raise RuntimeError(
                f"cluster: {', '.join(dead)} exited while waiting for {what}; see "
                + ", ".join(procs[n]["log"] for n in dead)
            )
        time.sleep(0.5)
    raise TimeoutError(f"cluster: {what} not ready after {timeout:.0f}s")


def _api_healthy(cfg: ClusterConfig) -> bool:
    try:
        with urllib.request.urlopen(f"{cfg.api_url}/api/v2/monitor/health", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _dags_parsed(cfg: ClusterConfig) -> bool:
    try:
        rows = query(cfg, "select count(*) from dag where dag_id = any(%s)", [list(DAG_IDS)])
    except Exception:  # noqa: BLE001 - the table appears with the first parse
        return False
    return rows[0][0] == len(DAG_IDS)


def _set_pool(settings: Settings, cfg: ClusterConfig) -> None:
    """The one-slot DuckDB writer pool, through the REST API (no CLI start-up to pay)."""
    from extract.cluster_run import api_call, api_token

    token = api_token(settings, cfg)
    body = {"name": DUCKDB_POOL, "slots": 1, "description": "one writer for the DuckDB "
            "warehouse", "include_deferred": False}
    try:
        api_call(cfg, "POST", "/api/v2/pools", body, token)
    except RuntimeError as exc:
        if "HTTP 409" not in str(exc):
            raise
        api_call(cfg, "PATCH", f"/api/v2/pools/{DUCKDB_POOL}", body, token)


def up(
    settings: Settings, workers: int, *, paused: bool = False, timeout: float = 240.0
) -> ClusterConfig:
    """Create/migrate the metadata DB, start every component, wait until all are ready."""
    from extract.airflow_env import airflow_bin
    from extract.airflow_serve import ensure_passwords, password_file
    from extract.security import restrict_tree

    if workers < 1:
        raise ValueError("--workers must be at least 1")
    old = load_config(settings)
    if old and any(_alive(p["pid"]) for p in old.processes.values()):
        raise RuntimeError(f"a cluster is already up for {settings.home}: `wirehouse cluster "
                           "down` first")
    cfg = ClusterConfig.from_env()
    # Every machine of a cluster must share it (docs/scale-out.md); one machine makes its own.
    cfg.jwt_secret = os.environ.get("WIREHOUSE_JWT_SECRET") or secrets.token_urlsafe(32)
    cfg.paused = paused
    private_dir(settings.airflow_home)
    restrict_tree(settings.airflow_home)  # a home made before files were private
    restrict_tree(settings.home / "cluster")
    ensure_database(cfg)
    env = cluster_environ(settings, cfg, n_workers=workers)
    out = _open_log(logs_dir(settings) / "migrate.log")
    try:
        # airflow.cfg (with its generated keys) is written by the first command: mode 600.
        with private_umask():
            subprocess.run([airflow_bin(), "db", "migrate"], env=env, check=True, stdout=out,
                           stderr=subprocess.STDOUT)
    finally:
        os.close(out)
    # The api-server would generate the password itself and print it into its log.
    new_passwords = ensure_passwords(settings, env)
    if new_passwords and sys.stdout.isatty():
        for user, password in new_passwords.items():
            print(f"wirehouse: log in as {user} with password {password} (printed this once)",
                  flush=True)
    print(f"wirehouse: passwords are kept in {password_file(settings, env)} (mode 600)",
          flush=True)
    procs: dict[str, dict] = {}
    procs["scheduler"] = _start(settings, "scheduler", ["scheduler", "--skip-serve-logs"], env)
    procs["dag-processor"] = _start(settings, "dag-processor", ["dag-processor"], env)
    procs["api-server"] = _start(
        settings, "api-server",
        ["api-server", "--host", cfg.bind_host, "--port", str(cfg.api_port), "--workers", "1"],
        env,
    )
    cfg.processes = procs
    for i in range(1, workers + 1):
        start_worker(settings, cfg, i, workers)
    try:
        _wait("api-server", lambda: _api_healthy(cfg), timeout, procs)
        _set_pool(settings, cfg)
        for name in cfg.workers:
            wait_worker_ready(cfg, name, timeout)
        _wait("DAG parsing", lambda: _dags_parsed(cfg), timeout, procs)
    except Exception:
        down(settings)
        raise
    return cfg


def start_worker(settings: Settings, cfg: ClusterConfig, index: int, n_workers: int) -> dict:
    """Start Celery worker ``w<index>`` (w1 also serves the warehouse queue) and record it."""
    from extract.airflow_env import airflow_bin
    from extract.airflow_serve import log_server_command

    name = f"w{index}"
    env = cluster_environ(settings, cfg, worker=name, n_workers=n_workers)
    Path(env["WIREHOUSE_HOME"]).mkdir(parents=True, exist_ok=True)
    queues = cfg.default_queue + ("," + cfg.warehouse_queue if index == 1 else "")
    args = ["celery", "worker", "-H", env[WORKER_NAME_ENV], "-q", queues, "-c", "1",
            "--without-mingle", "--without-gossip", "--skip-serve-logs"]
    # Airflow's log server binds every interface: ours serves the worker's port on the bind
    # host, then the command becomes the worker (same pid and process group).
    command = log_server_command([cfg.log_port + index - 1], then=[airflow_bin(), *args])
    proc = _start(settings, name, args, env, command)
    proc.update(queues=queues, log_port=cfg.log_port + index - 1, home=env["WIREHOUSE_HOME"],
                hostname=env[WORKER_NAME_ENV])
    cfg.processes[name] = proc
    _save(settings, cfg)
    return proc


# What a worker on another machine must share with the cluster (`wirehouse cluster env`).
JOIN_SETTINGS = (
    "AIRFLOW__CORE__EXECUTOR", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__BROKER_URL", "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
)


def read_env_file(path: Path) -> dict[str, str]:
    """The ``export KEY=value`` lines ``wirehouse cluster env`` prints, as a dict."""
    import shlex

    out = {}
    for line in path.read_text().splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            words = words[1:]
        for word in words:
            key, sep, value = word.partition("=")
            if sep:
                out[key] = value
    return out


def join_command(
    settings: Settings, name: str, *, queues: str | None = None, log_port: int | None = None,
    hostname: str | None = None, concurrency: int = 1,
) -> tuple[list[str], dict[str, str]]:
    """Command and environment of one Celery worker joining the cluster whose settings are in
    this process's environment (the output of ``wirehouse cluster env``, addresses edited
    for this machine): ``wirehouse cluster worker`` runs it in the foreground."""
    from extract.airflow_env import airflow_bin, airflow_environ
    from extract.airflow_serve import log_server_command

    env = airflow_environ(settings)
    missing = [k for k in JOIN_SETTINGS if not env.get(k)]
    if missing or env["AIRFLOW__CORE__EXECUTOR"] != "CeleryExecutor":
        raise RuntimeError(
            f"cluster worker: {', '.join(missing) or 'AIRFLOW__CORE__EXECUTOR'} not set for a "
            "Celery cluster: load the settings `wirehouse cluster env` prints on the cluster's "
            "machine (--env-file FILE)")
    node = f"{name}@{socket.gethostname()}"  # Celery's name for it
    # Recorded in task_instance.hostname: `cluster status` counts its tasks under it, and the
    # api-server fetches its task logs from http://<hostname>:<log port>.
    hostname = hostname or socket.getfqdn()
    port = log_port or int(env.get("AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT")
                           or env.get("WIREHOUSE_LOG_PORT") or ClusterConfig.log_port)
    queues = queues or env.get("AIRFLOW__OPERATORS__DEFAULT_QUEUE") or "default"
    env.update({
        WORKER_NAME_ENV: hostname,  # recorded in task_instance.hostname (cluster status)
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(port),
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "extract.cluster.worker_hostname",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(concurrency),
        "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": "extract.celery_worker.CELERY_CONFIG",
    })
    args = ["celery", "worker", "-H", node, "-q", queues, "-c", str(concurrency),
            "--without-mingle", "--without-gossip", "--skip-serve-logs"]
    return log_server_command([port], then=[airflow_bin(), *args]), env


def run_worker(settings: Settings, name: str, **kwargs) -> None:
    """Become one Celery worker of the cluster (``exec``: signals reach it directly)."""
    command, env = join_command(settings, name, **kwargs)
    private_dir(settings.airflow_home)  # 700: the airflow.cfg it writes at first start
    os.execvpe(command[0], command, env)


def wait_worker_ready(cfg: ClusterConfig, name: str, timeout: float = 240.0) -> None:
    proc = cfg.processes[name]
    log_path = Path(proc["log"])
    offset = proc.get("log_offset", 0)
    _wait(f"worker {name}", lambda: " ready." in log_path.read_text(errors="replace")[offset:],
          timeout, {name: proc})


def _stat(pid: int | str) -> tuple[int, int] | None:
    """(parent pid, start time) of a process, None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return int(fields[1]), int(fields[19])
    except (OSError, ValueError, IndexError):
        return None


def _tree(pid: int) -> list[tuple[int, int]]:
    """``pid`` and every process below it, with their start times. Airflow 3 runs each task
    in a process group of its own (so its supervisor can signal the task's children), which a
    signal to the worker's group does not reach: read the tree first, while the parent links
    still hold."""
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(entry)) is not None:
            children.setdefault(stat[0], []).append((int(entry), stat[1]))
    root = _stat(pid)
    out: list[tuple[int, int]] = []
    todo = [(pid, root[1])] if root else []
    while todo:
        current = todo.pop()
        out.append(current)
        todo += children.get(current[0], [])
    return out


def _kill_tree(tree: list[tuple[int, int]]) -> None:
    """SIGKILL each process of ``tree`` still running (same pid and start time: never a
    process that reused a pid since)."""
    for pid, started in tree:
        stat = _stat(pid)
        if stat is None or stat[1] != started:
            continue
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def stop(settings: Settings, cfg: ClusterConfig, name: str, sig: int = signal.SIGTERM,
         timeout: float = 30.0) -> None:
    """Signal one component's process group (SIGKILL: as if its machine died, its running
    task processes too) and wait."""
    pid = cfg.processes[name]["pid"]
    tree = _tree(pid)
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return
    if sig == signal.SIGKILL:
        _kill_tree(tree)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)
        _kill_tree(tree)


def down(settings: Settings, *, timeout: float = 30.0) -> list[str]:
    """Stop every process ``up`` started (TERM to each group, KILL after ``timeout``)."""
    cfg = load_config(settings)
    if cfg is None:
        return []
    stopped = []
    # Workers first, so no task starts while the scheduler goes away.
    order = [*cfg.workers, "api-server", "dag-processor", "scheduler"]
    trees = {name: _tree(p["pid"]) for name, p in cfg.processes.items() if _alive(p["pid"])}
    for name in order:
        proc = cfg.processes.get(name)
        if proc and _alive(proc["pid"]):
            try:
                os.killpg(proc["pid"], signal.SIGTERM)
                stopped.append(name)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + timeout
    for name in order:
        proc = cfg.processes.get(name)
        if not proc:
            continue
        while _alive(proc["pid"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        try:
            os.killpg(proc["pid"], signal.SIGKILL)  # stragglers of the group
        except (ProcessLookupError, PermissionError):
            pass
        _kill_tree(trees.get(name, []))  # and task processes in groups of their own
    cfg.processes = {}
    _save(settings, cfg)
    return stopped


def status(settings: Settings) -> dict:
    """Components (alive or not), the per-worker task counts and the latest DAG runs."""
    cfg = load_config(settings)
    if cfg is None or not cfg.processes:
        return {"up": False, "workers": {}, "components": {}}
    components = {
        name: {"pid": p["pid"], "alive": _alive(p["pid"]), "log": p["log"],
               **{k: p[k] for k in ("queues", "log_port", "home", "hostname") if k in p}}
        for name, p in cfg.processes.items()
    }
    out: dict = {
        "up": all(c["alive"] for c in components.values()),
        "api_url": cfg.api_url,
        "bind_host": cfg.bind_host,
        "metadata_db": redact(cfg.metadata_url),
        "broker": redact(cfg.broker_url),
        "staging_url": cfg.staging_url and redact(cfg.staging_url),
        "components": components,
        "workers": {},
        "dag_runs": [],
    }
    try:
        out["workers"] = worker_task_counts(cfg)
        out["dag_runs"] = [
            {"dag_id": d, "run_id": r, "state": s}
            for d, r, s in query(
                cfg, "select dag_id, run_id, state from dag_run order by id desc limit 5"
            )
        ]
    except Exception as exc:  # noqa: BLE001 - status still reports the processes
        out["error"] = redact(f"metadata DB: {exc}")
    return out
