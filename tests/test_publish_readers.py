"""BI tools reading while the pipeline writes: a separate process queries the published marts
in a loop (DuckDB, SQLAlchemy through duckdb-engine as Superset does, the Parquet copy, and one
connection held open throughout) for the whole of a nightly run and a backfill. Zero errors,
and every query sees one whole build: the row counts it reads match that build's
``build_info``."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from extract.backfill import run_backfill
from extract.config import Settings
from extract.runs import run_without_airflow

READER = r'''
import json, os, sys, time
from pathlib import Path
import duckdb
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

published, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
modes = sys.argv[4].split(",")
db = published / "wirehouse.duckdb"
# One query reads the build's metadata and the marts together: one snapshot of one file.
CHECK = (
    "select b.build_id, b.table_name, b.n_rows, "
    "case b.table_name when 'dim_articles' then (select count(*) from dim_articles) "
    "when 'fct_actor_mentions' then (select count(*) from fct_actor_mentions) "
    "when 'dim_actors' then (select count(*) from dim_actors) end as actual "
    "from build_info as b "
    "where b.table_name in ('dim_articles', 'fct_actor_mentions', 'dim_actors')"
)
engine = sa.create_engine(f"duckdb:///{db}", connect_args={"read_only": True},
                          poolclass=NullPool)
stats = {"queries": 0, "errors": [], "inconsistent": [], "builds": [], "by_mode": {}}

def check(rows, mode):
    stats["queries"] += 1
    stats["by_mode"][mode] = stats["by_mode"].get(mode, 0) + 1
    ids = {r[0] for r in rows}
    if len(ids) != 1 or len(rows) != 3:
        stats["inconsistent"].append([mode, repr(rows)])
    for build_id, name, expected, actual in rows:
        if expected != actual:
            stats["inconsistent"].append([mode, build_id, name, expected, actual])
    for i in ids:
        if i not in stats["builds"]:
            stats["builds"].append(i)

# A client that keeps its connection open (its own process: DuckDB refuses a second
# connection to one file with another configuration in the same process).
held = duckdb.connect(str(db), read_only=True) if "held" in modes else None
i = 0
while not stop.exists():
    mode = modes[i % len(modes)]
    i += 1
    try:
        if mode == "duckdb":
            with duckdb.connect(str(db), read_only=True) as con:
                check(con.execute(CHECK).fetchall(), mode)
        elif mode == "held":
            check(held.execute(CHECK).fetchall(), mode)
        elif mode == "sqlalchemy":
            with engine.connect() as con:
                check([tuple(r) for r in con.execute(sa.text(CHECK)).fetchall()], mode)
        else:
            # Resolve the symlink once, then read every file of that one build.
            build = Path(os.path.realpath(published / "parquet"))
            con = duckdb.connect()
            con.register("build_info", con.read_parquet(str(build / "build_info.parquet")))
            for name in ("dim_articles", "fct_actor_mentions", "dim_actors"):
                con.register(name, con.read_parquet(str(build / name / "**" / "*.parquet"),
                                                    hive_partitioning=True))
            check(con.execute(CHECK).fetchall(), mode)
            con.close()
    except Exception as exc:  # noqa: BLE001 - every error counts
        stats["errors"].append(f"{mode}: {type(exc).__name__}: {exc}"[:300])
    time.sleep(0.02)
if held is not None:
    held.close()
out.write_text(json.dumps(stats))
'''


@pytest.fixture
def first_build(archive: Path, settings_for) -> Settings:
    settings = settings_for(archive)
    run_without_airflow(settings, archive, dt.date(2019, 3, 4))
    return settings


def test_readers_see_whole_builds_during_a_run_and_a_backfill(
    first_build: Settings, tmp_path: Path
) -> None:
    settings = first_build
    stop = tmp_path / "stop"
    outs = [tmp_path / "fresh.json", tmp_path / "held.json"]
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(settings.published_dir), str(stop), str(out),
             modes],
            stderr=subprocess.PIPE, text=True,
        )
        for out, modes in zip(outs, ("duckdb,sqlalchemy,parquet", "held"), strict=True)
    ]
    try:
        time.sleep(1.5)
        run_without_airflow(settings, settings.archive, dt.date(2019, 3, 5))
        run_backfill(settings, settings.archive, dt.date(2019, 3, 4), dt.date(2019, 3, 9),
                     reprocess=True, progress=False)
        time.sleep(0.5)
    finally:
        stop.write_text("stop")
        for reader in readers:
            reader.wait(timeout=60)
    for reader in readers:
        assert reader.returncode == 0, reader.stderr.read()[-3000:]
    stats, held = (json.loads(out.read_text()) for out in outs)
    print(f"reader: {stats['queries']} queries {stats['by_mode']}, "
          f"{len(stats['builds'])} builds seen, {len(stats['errors'])} errors")
    assert stats["errors"] == []
    assert stats["inconsistent"] == []
    assert stats["queries"] > 100
    assert all(n > 10 for n in stats["by_mode"].values())
    assert len(stats["builds"]) == 3  # first build, the run's, the backfill's
    # The connection held open all along kept reading the build it opened, without error.
    print(f"held reader: {held['queries']} queries, builds {held['builds']}, "
          f"{len(held['errors'])} errors")
    assert held["errors"] == [] and held["inconsistent"] == []
    assert held["queries"] > 10 and held["builds"] == stats["builds"][:1]

    # Every publish since the first one is readable, the newest is the backfill's.
    with duckdb.connect(str(settings.published_dir / "wirehouse.duckdb"), read_only=True) as con:
        newest = con.execute("select distinct build_id from build_info").fetchall()
    assert newest == [(stats["builds"][-1],)]
    builds = os.listdir(settings.published_dir / "builds")
    assert len(builds) == 2  # the newest and the one before, for readers still on it
    assert os.path.basename(os.path.realpath(settings.published_dir / "parquet")) in builds
