"""What Wirehouse exposes: the address its servers listen on, and files only its user reads.

Every server Wirehouse starts (Airflow's api-server and log servers, `wirehouse docs`, the
cluster's components) binds ``bind_host()``: ``127.0.0.1`` unless ``WIREHOUSE_BIND_HOST`` says
otherwise (README, "Opening Wirehouse to a network", lists what must be set with it).
Secrets and the state that holds them (the generated admin password, ``airflow.cfg`` with its
keys, the metadata DB, any file with a broker or database URL) are created mode 600 in a
folder of mode 700: ``private_umask()`` around whatever creates them, ``private_dir()`` and
``write_private()`` for files we write ourselves, ``restrict_tree()`` for a home made before.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

BIND_HOST_ENV = "WIREHOUSE_BIND_HOST"
LOOPBACK = "127.0.0.1"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def bind_host() -> str:
    """The address every Wirehouse server listens on (``WIREHOUSE_BIND_HOST``, default
    loopback)."""
    return os.environ.get(BIND_HOST_ENV, "").strip() or LOOPBACK


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def client_host(host: str | None = None) -> str:
    """How a process on this machine reaches a server bound on ``host`` (for URLs): the
    wildcard addresses are reached on loopback; an IPv6 address goes in brackets."""
    host = bind_host() if host is None else host
    if host in ("", "0.0.0.0"):  # noqa: S104 - the wildcard itself, not a bind
        return LOOPBACK
    if host == "::":
        return "[::1]"
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def advertised_hostname() -> str:
    """The host name Airflow records for a component (``[core] hostname_callable``): the
    api-server fetches a running task's log from ``http://<it>:<log server port>``, so it must
    reach the log server where that one listens. On loopback, that is 127.0.0.1 (a machine
    whose name resolves to 127.0.1.1 or a LAN address would otherwise not reach it)."""
    host = bind_host()
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - listening everywhere: the usual name
        return socket.getfqdn()
    return host.strip("[]")


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it mode 700, also when it existed."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)
    return path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, the file mode 600 from its first byte."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # O_CREAT keeps the mode of a leftover tmp file
        with os.fdopen(fd, "w", encoding="utf-8", closefd=False) as handle:
            handle.write(text)
    finally:
        os.close(fd)
    tmp.replace(path)


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created inside (by us or by child processes, which inherit the
    umask) are mode 600 / 700."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def restrict_tree(root: Path) -> None:
    """Take group and other permissions off everything under ``root`` (a home created by an
    older version, or by a tool that ignored the umask). Symlinks are left alone."""
    if not root.exists():
        return
    private_dir(root)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode) or not stat.S_IMODE(mode) & 0o077:
                continue
            os.chmod(path, stat.S_IMODE(mode) & 0o700)


_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]*@")


def redact(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@host`` URL replaced by
    ``***`` (for log lines and messages that name a broker or database)."""
    return _URL_PASSWORD.sub(r"\g<head>***@", text)
