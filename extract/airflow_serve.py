"""`wirehouse airflow`: Airflow's components on this machine, every listener on ``bind_host()``.

What `airflow standalone` did, with two differences that keep a laptop's Airflow off the
network: Airflow's own task-log servers bind every interface with no setting to change it,
so the scheduler and triggerer run with ``--skip-serve-logs`` and ``serve_logs`` below
serves both log ports on the bind host; and the admin password is generated here, mode 600,
and printed only on a terminal. Components: scheduler, dag-processor, triggerer,
api-server (UI, REST and execution API on ``AIRFLOW__API__HOST``, the bind host by default)
and the log server. Ctrl-C or SIGTERM stops them all; if one dies, the others are stopped.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from extract.config import Settings
from extract.security import bind_host, client_host, restrict_tree, write_private

COMPONENTS = {
    "scheduler": ["scheduler", "--skip-serve-logs"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer", "--skip-serve-logs"],
    "api-server": ["api-server"],
}
STOP_GRACE_S = 30


def password_file(settings: Settings, env: dict[str, str]) -> Path:
    """Where Airflow's simple auth manager keeps the generated passwords."""
    configured = env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")
    return Path(configured) if configured else (
        settings.airflow_home / "simple_auth_manager_passwords.json.generated"
    )


def ensure_passwords(settings: Settings, env: dict[str, str]) -> dict[str, str]:
    """Give every user of ``[core] simple_auth_manager_users`` (default ``admin``) a password
    in the password file (mode 600) unless it has one; return the new ones. Airflow would
    generate them itself and print them to its output, which may be a log file."""
    users = [
        entry.split(":", 1)[0].strip()
        for entry in env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "admin:admin").split(",")
        if entry.strip()
    ]
    path = password_file(settings, env)
    known = json.loads(path.read_text() or "{}") if path.exists() else {}
    alphabet = "abcdefghkmnpqrstuvwxyzABCDEFGHKMNPQRSTUVWXYZ23456789"  # Airflow's own
    new = {
        user: "".join(secrets.choice(alphabet) for _ in range(16))
        for user in users if user not in known
    }
    if new:
        write_private(path, json.dumps({**known, **new}) + "\n")
    return new


def serve_logs(host: str | None = None, ports: Sequence[int] | None = None) -> None:
    """Airflow's task-log server (the app `airflow scheduler` would start on every
    interface), on ``host`` (default ``bind_host()``) and ``ports`` (default the worker and
    triggerer log ports of Airflow's config); one process, one socket per port. Reusable
    by any component started with ``--skip-serve-logs`` (a Celery worker too)."""
    import socket

    import uvicorn
    from airflow.configuration import conf
    from airflow.utils.serve_logs.log_server import get_app

    host = (host or bind_host()).strip("[]")
    if ports is None:
        ports = [conf.getint("logging", "worker_log_server_port"),
                 conf.getint("logging", "trigger_log_server_port")]
    sockets = []
    for port in dict.fromkeys(ports):
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sockets.append(sock)
    level = conf.get("logging", "uvicorn_logging_level", fallback="info").lower()
    config = uvicorn.Config(get_app(), log_level=level, log_config=None, access_log=False)
    uvicorn.Server(config).run(sockets=sockets)


def log_server_command(ports: Sequence[int] = (), then: Sequence[str] = ()) -> list[str]:
    """The command that serves task logs on the bind host (``ports``: default the worker and
    triggerer ports of Airflow's config) and, with ``then``, becomes that command once the
    log server is started: a Celery worker run with ``--skip-serve-logs`` keeps its pid and
    process group, and whoever stops the group stops its log server too."""
    command = [sys.executable, "-m", "extract.airflow_serve", ",".join(map(str, ports))]
    return [*command, "--", *then] if then else command


def main(argv: Sequence[str]) -> None:
    """``python -m extract.airflow_serve [PORT,...] [-- COMMAND ...]`` (log_server_command)."""
    ports = [int(p) for p in argv[0].split(",") if p] if argv else []
    if "--" not in argv:
        serve_logs(ports=ports or None)
        return
    then = list(argv[argv.index("--") + 1:])
    # Same process group; SIGTERM when this process (about to become COMMAND) exits.
    subprocess.Popen(log_server_command(ports), preexec_fn=_die_with_parent)
    os.execvp(then[0], then)


def _die_with_parent() -> None:
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def serve(settings: Settings, env: dict[str, str]) -> int:
    """Start every component with ``env`` and supervise them until a signal or a death."""
    from extract.airflow_env import airflow_bin

    restrict_tree(settings.airflow_home)  # a home made before files were private
    new_passwords = ensure_passwords(settings, env)
    host, port = env["AIRFLOW__API__HOST"], env.get("AIRFLOW__API__PORT", "8080")
    url = f"http://{client_host(host)}:{port}"
    print(f"wirehouse: Airflow UI and API on {url} (listening on {host}; set "
          f"WIREHOUSE_BIND_HOST to open it to a network, see the README)", flush=True)
    if new_passwords and sys.stdout.isatty():
        for user, password in new_passwords.items():
            print(f"wirehouse: log in as {user} with password {password} (printed this once)",
                  flush=True)
    print(f"wirehouse: passwords are kept in {password_file(settings, env)} (mode 600)", flush=True)

    stop = {"signal": 0}

    def on_signal(signum, _frame) -> None:
        stop["signal"] = signum

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    procs: dict[str, subprocess.Popen] = {}
    rc = 0
    # Not under umask 077: the tasks write the warehouse and its published copy, which BI
    # tools of other users may read. The home is 700, its secrets 600, task logs 600.
    for name, args in COMPONENTS.items():
        procs[name] = subprocess.Popen([airflow_bin(), *args], env=env)
    procs["log-server"] = subprocess.Popen(log_server_command(), env=env)
    ready = False
    while not stop["signal"]:
        dead = [(n, p.returncode) for n, p in procs.items() if p.poll() is not None]
        if dead:
            print(f"wirehouse: Airflow {dead[0][0]} exited with {dead[0][1]}; stopping "
                  f"the other components", file=sys.stderr, flush=True)
            rc = dead[0][1] or 1
            break
        if not ready and _ready(f"{url}/api/v2/monitor/health"):
            ready = True
            print(f"wirehouse: Airflow is ready on {url}; Ctrl-C stops it", flush=True)
        time.sleep(1 if ready else 2)
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + STOP_GRACE_S
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return rc


if __name__ == "__main__":
    main(sys.argv[1:])
