"""The published DuckDB file as two slots used in turn (issue 16: a night's publish costs what
changed, not a file copy of the whole published file).

``published/wirehouse.duckdb`` is a relative symlink to ``wirehouse.a.duckdb`` or
``wirehouse.b.duckdb``. Readers open the link and so always get the slot it named when they
opened it: a complete file, committed and checkpointed before the link was switched to it.
A publish writes the *other* slot, which holds the build before the current one, and then
switches the link atomically (a rename over it). To bring that slot to the new build it must
replay what the current build's publish changed as well as what changed since; this module
keeps that record (``.wirehouse.slots.json``: the current build, the build before it, and
the runs, extra articles per mart and relation days its publish replaced), written before
the switch. The slot is updated in place only when its build is the record's previous
build, nothing else has its file open (a reader holding it keeps DuckDB's lock, so the
attach fails) and it has no write-ahead log left by a killed publish; otherwise the publish
copies the current file as before, and renames the copy over the slot (a reader still on the
old file keeps reading it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

LINK = "wirehouse.duckdb"
SLOTS = ("wirehouse.a.duckdb", "wirehouse.b.duckdb")
STATE = ".wirehouse.slots.json"


def current_slot(out_dir: Path) -> Path | None:
    """The file readers open now: the link's slot, the plain file of an installation
    published before slots, or None before the first publish."""
    link = out_dir / LINK
    if link.is_symlink():
        return out_dir / os.readlink(link)
    return link if link.exists() else None


def next_slot(out_dir: Path) -> Path:
    """The slot the next publish writes: the one readers are not sent to now."""
    current = current_slot(out_dir)
    return out_dir / (SLOTS[1] if current is not None and current.name == SLOTS[0] else SLOTS[0])


def switch(out_dir: Path, slot: Path) -> None:
    """Point the link at ``slot`` atomically (a plain file there before slots is replaced by
    the link: readers holding it keep reading it)."""
    tmp = out_dir / f".{LINK}.{os.getpid()}.link.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(slot.name)
    tmp.replace(out_dir / LINK)


def remove_wal(path: Path) -> bool:
    """Remove a write-ahead log a killed writer left next to ``path``; True if there was one
    (DuckDB would replay it into whatever file has that name next)."""
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        wal.unlink()
        return True
    return False


@dataclass(frozen=True)
class Record:
    """What the publish of ``build_id`` replaced in the file of ``previous_build_id``."""

    build_id: str
    previous_build_id: str
    runs: set[dt.date]
    extra: dict[str, set[str]]  # per article mart: articles replaced beyond ``runs``' own
    days: list[dt.date] | None  # fct_country_relations days replaced (None: all)


def read_record(out_dir: Path) -> Record | None:
    try:
        body = json.loads((out_dir / STATE).read_text())
        return Record(
            body["build_id"], body["previous_build_id"],
            {dt.date.fromisoformat(d) for d in body["runs"]},
            {name: set(ids) for name, ids in body["extra"].items()},
            None if body["days"] is None else [dt.date.fromisoformat(d) for d in body["days"]],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_record(out_dir: Path, record: Record | None) -> None:
    """Record (atomically) what the publish about to be switched in replaced; None after a
    full copy (the other slot cannot be brought up to date from a record then)."""
    path = out_dir / STATE
    if record is None:
        path.unlink(missing_ok=True)
        return
    body = {
        "build_id": record.build_id,
        "previous_build_id": record.previous_build_id,
        "runs": sorted(d.isoformat() for d in record.runs),
        "extra": {name: sorted(ids) for name, ids in sorted(record.extra.items())},
        "days": None if record.days is None else [d.isoformat() for d in record.days],
    }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(body))
    tmp.replace(path)
