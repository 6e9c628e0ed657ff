"""Publish the marts as a read-only copy BI tools can hold open while the pipeline writes.

A new file is written next to the published one and renamed over it, so a reader sees either
the old build or the new one, never half of one, and never holds the pipeline's lock.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pyarrow.parquet as pq

from extract.config import Settings

log = logging.getLogger(__name__)

MART_SCHEMA = "marts"


def mart_tables(con) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? order by table_name",
        [MART_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def publish(settings: Settings, con) -> Path:
    """Copy every mart into ``published/wirehouse.duckdb`` (+ Parquet) atomically."""
    out_dir = settings.published_dir
    parquet_dir = out_dir / "parquet"
    parquet_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "wirehouse.duckdb"
    tmp = out_dir / f".wirehouse.duckdb.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    names = mart_tables(con)
    con.execute("attach ? as pub", [str(tmp)])
    try:
        for name in names:
            con.execute(f"create table pub.main.{name} as select * from {MART_SCHEMA}.{name}")
    finally:
        con.execute("detach pub")
    for name in names:
        # Through Arrow, so no file path is ever spliced into SQL.
        table = con.sql(f"select * from {MART_SCHEMA}.{name}").to_arrow_table()
        part = parquet_dir / f".{name}.parquet.tmp"
        pq.write_table(table, part)
        part.replace(parquet_dir / f"{name}.parquet")
    tmp.replace(target)
    log.info("published %d marts to %s", len(names), target)
    return target
