"""Which TCP sockets a process tree listens on, read from /proc (no `ss` needed): the
security tests check that every server Wirehouse starts is where it should be."""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path


def process_tree(root: int) -> set[int]:
    """``root`` and every process descended from it, from /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo.extend(children.get(pid, []))
    return tree


def address(hex_addr: str) -> str:
    raw = bytes.fromhex(hex_addr)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # /proc/net/tcp6: four 32-bit words, each in host (little-endian) order.
    return socket.inet_ntop(
        socket.AF_INET6, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    )


def listening(root: int) -> set[tuple[str, int, int]]:
    """(address, port, pid) of every TCP socket the process tree of ``root`` listens on."""
    owner: dict[int, int] = {}
    for pid in process_tree(root):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if link.startswith("socket:["):
                        owner[int(link[8:-1])] = pid
    found = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], int(fields[9])
            if state == "0A" and inode in owner:  # 0A: LISTEN
                addr, port = local.split(":")
                found.add((address(addr), int(port, 16), owner[inode]))
    return found
