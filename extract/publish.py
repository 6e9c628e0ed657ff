"""Publish the marts as a read-only copy BI tools can hold open while the pipeline writes.

A new file is written next to the published one and renamed over it, so a reader sees either
the old build or the new one, never half of one, and never holds the pipeline's lock. The
file carries a ``build_info`` table (build id, publish time, rows per mart) so a reader can
check which build it sees. The Parquet copy goes to ``published/builds/<build id>/`` and
``published/parquet`` is a symlink switched atomically to the newest build (the previous
build is kept for readers that still have its files open).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from extract.config import Settings

log = logging.getLogger(__name__)

MART_SCHEMA = "marts"
BUILD_TABLE = "build_info"
KEEP_BUILDS = 2


def mart_tables(con) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? order by table_name",
        [MART_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def _remove_stale(out_dir: Path) -> None:
    """Temporary files of a publish that was killed (only one publish runs at a time: it
    holds the warehouse writer lock)."""
    for stale in out_dir.glob(".wirehouse.duckdb.*.tmp*"):
        stale.unlink(missing_ok=True)
    for stale in out_dir.glob(".parquet.*.tmp"):
        stale.unlink(missing_ok=True)


def _switch_parquet(out_dir: Path, build_dir: Path) -> None:
    link = out_dir / "parquet"
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # the layout before builds/: a plain folder
    tmp = out_dir / f".parquet.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(build_dir.relative_to(out_dir), target_is_directory=True)
    tmp.replace(link)


def _prune_builds(builds_dir: Path, current: Path) -> None:
    dirs = sorted(
        (p for p in builds_dir.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime_ns
    )
    for old in dirs[:-KEEP_BUILDS]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)


def publish(settings: Settings, con) -> Path:
    """Copy every mart into ``published/wirehouse.duckdb`` (+ Parquet) atomically."""
    from extract.warehouse import pause_point

    out_dir = settings.published_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(out_dir)
    target = out_dir / "wirehouse.duckdb"
    tmp = out_dir / f".wirehouse.duckdb.{os.getpid()}.tmp"
    build_id = uuid.uuid4().hex[:16]
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # metadata, not logic
    names = mart_tables(con)
    counts: dict[str, int] = {}
    con.execute("attach ? as pub", [str(tmp)])
    try:
        for name in names:
            con.execute(f"create table pub.main.{name} as select * from {MART_SCHEMA}.{name}")
            counts[name] = con.execute(f"select count(*) from pub.main.{name}").fetchall()[0][0]
        info = pa.table(
            {
                "build_id": [build_id] * len(names),
                "published_at": pa.array([published_at] * len(names), pa.timestamp("us")),
                "table_name": names,
                "n_rows": pa.array([counts[n] for n in names], pa.int64()),
            }
        )
        con.register("incoming_build_info", info)
        try:
            con.execute(
                f"create table pub.main.{BUILD_TABLE} as select * from incoming_build_info"
            )
        finally:
            con.unregister("incoming_build_info")
    finally:
        con.execute("detach pub")
    pause_point("publish")
    builds_dir = out_dir / "builds"
    build_dir = builds_dir / build_id
    build_dir.mkdir(parents=True)
    for name in names:
        # Through Arrow, so no file path is ever spliced into SQL.
        table = con.sql(f"select * from {MART_SCHEMA}.{name}").to_arrow_table()
        pq.write_table(table, build_dir / f"{name}.parquet")
    pq.write_table(info, build_dir / f"{BUILD_TABLE}.parquet")
    tmp.replace(target)
    _switch_parquet(out_dir, build_dir)
    _prune_builds(builds_dir, build_dir)
    log.info("published build %s: %d marts to %s (%s)", build_id, len(names), target, counts)
    return target
