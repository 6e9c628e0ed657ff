"""DuckDB access: the writer lock, the raw schema and one-transaction partition writes.

DuckDB allows one read-write process per file, so every writer goes through ``connect`` which
waits for the lock with a clear message instead of failing on the first try.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from extract import tables

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)


PAUSE_ENV = "WIREHOUSE_PAUSE_AT"


def pause_point(name: str) -> None:
    """Crash-test hook: with ``WIREHOUSE_PAUSE_AT=<name>:<flag file>`` set, write the flag
    file and sleep here so a test can ``kill -9`` the process at this exact point. Unset (the
    normal case) it does nothing."""
    spec = os.environ.get(PAUSE_ENV, "")
    point, _, flag = spec.partition(":")
    if point != name:
        return
    log.warning("pausing at %s for a crash test (%s)", name, PAUSE_ENV)
    if flag:
        Path(flag).write_text(str(os.getpid()))
    time.sleep(3600)


class WarehouseLocked(RuntimeError):
    """Another process holds the DuckDB writer lock for longer than we were willing to wait."""


def connect(path: Path, *, read_only: bool = False, wait_s: float = 300.0):
    """Open the warehouse, waiting up to ``wait_s`` for another writer to let go of the lock."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    delay = 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"{path} is locked by another process (a running Wirehouse job or an open "
                    f"read-write client); waited {wait_s:.0f}s. Close it or retry later."
                ) from exc
            log.info("warehouse %s is locked, waiting %.1fs", path, delay)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for name, schema in tables.STORED_TABLES.items():
        con.execute(tables.ddl(name, schema))
        # Columns added in later versions reach existing warehouses too.
        existing = {
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = ?",
                [name],
            ).fetchall()
        }
        for field in schema:
            if field.name not in existing:
                column_type = tables.ddl(name, pa.schema([field])).split("(", 1)[1][:-1]
                con.execute(f"alter table raw.{name} add column {column_type}")
                if name in tables.ARTICLE_TABLES and field.name == tables.LOAD_RUN_DATE.name:
                    _fill_run_dates(con, name)
    con.execute(tables.ddl("build_runs", tables.BUILD_RUNS))
    con.execute(tables.ddl("build_touched", tables.BUILD_TOUCHED))


def _fill_run_dates(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """A warehouse from before per-article rows carried their run's date: give every row of
    ``raw.<name>`` its article's run_date (once, when the column is added). The rows stay
    where they are, in load order, so the zone maps of run_date prune as on a new warehouse.
    """
    con.execute(
        f"update raw.{name} as child set run_date = articles.run_date "
        "from raw.articles as articles where child.article_id = articles.article_id"
    )


def _insert(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    if table.num_rows == 0:
        return
    view = f"incoming_{name}"
    con.register(view, table)
    try:
        con.execute(f"insert into raw.{name} by name select * from {view}")
    finally:
        con.unregister(view)


def write_run_partition(
    con: duckdb.DuckDBPyConnection, run_date: dt.date, batch: Mapping[str, pa.Table],
    *, schema_ready: bool = False,
) -> None:
    """Replace everything run ``run_date`` wrote, in one transaction: delete, then insert.

    ``batch`` maps raw table names to Arrow tables; missing tables count as empty.
    ``schema_ready``: ``ensure_schema`` already ran on ``con`` (a backfill loading many
    dates through one connection checks the schema once, not once per date).
    """
    if not schema_ready:
        ensure_schema(con)
    incoming = batch.get("articles")
    kept = [] if incoming is None else incoming.column("article_id").to_pylist()
    con.execute("begin transaction")
    try:
        # A run that stored no articles has no child rows and drops none: its first load
        # (every date of a backfill, every new night) skips the scans below.
        stored = con.execute(
            "select exists (select 1 from raw.articles where run_date = ?)", [run_date]
        ).fetchall()[0][0]
        if stored:
            # The articles this rerun drops: the next incremental build deletes their rows
            # (macros/incremental.sql, stale_article) without comparing every row against
            # every article; the publish after a successful build empties the log.
            con.execute(
                "insert into raw.build_touched select 'removed', article_id, run_date, 'load' "
                "from raw.articles where run_date = ? and article_id not in (select unnest(?))",
                [run_date, kept],
            )
            for child in tables.ARTICLE_TABLES:
                con.execute(
                    f"delete from raw.{child} where article_id in "
                    "(select article_id from raw.articles where run_date = ?)",
                    [run_date],
                )
        for name in ("articles", "files", "rejects"):
            con.execute(f"delete from raw.{name} where run_date = ?", [run_date])
        for name, schema in tables.ALL_TABLES.items():
            table = batch.get(name)
            if table is not None:
                table = table.cast(schema)
                if name in tables.ARTICLE_TABLES:
                    dates = pa.array([run_date] * table.num_rows, tables.LOAD_RUN_DATE.type)
                    table = table.append_column(tables.LOAD_RUN_DATE, dates)
                _insert(con, name, table)
        pause_point("load")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def table_checksum(con: duckdb.DuckDBPyConnection, qualified_name: str) -> tuple[int, int]:
    """Row count and an order-independent hash of every row (for idempotency checks)."""
    row = con.execute(
        f"select count(*), coalesce(sum(hash(t)), 0) from {qualified_name} as t"
    ).fetchall()[0]
    return int(row[0]), int(row[1])
