"""The DAG files import cleanly and keep the house rules (pools, retries, schedule)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from extract.config import DUCKDB_POOL, PROJECT_DIR


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory: pytest.TempPathFactory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(PROJECT_DIR / "dags"))


def test_no_import_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert "wirehouse_nightly" in dagbag.dags


def test_nightly_shape(dagbag) -> None:
    dag = dagbag.dags["wirehouse_nightly"]
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.doc_md and "Wirehouse nightly run" in dag.doc_md
    assert [t.task_id for t in dag.topological_sort()] == [
        "plan", "extract", "load_raw", "dbt_build", "publish",
    ]
    # Runs at 02:00 UTC over the previous day.
    after = dag.timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=_restriction(dt.datetime(2019, 3, 5, 12, tzinfo=dt.UTC)),
    )
    assert after is not None
    assert after.run_after.hour == 2
    assert after.data_interval.end - after.data_interval.start == dt.timedelta(days=1)


def _restriction(earliest: dt.datetime):
    from airflow.timetables.base import TimeRestriction

    return TimeRestriction(earliest=earliest, latest=None, catchup=False)


def test_every_duckdb_writer_takes_the_one_slot_pool(dagbag) -> None:
    dag = dagbag.dags["wirehouse_nightly"]
    for task_id in ("plan", "load_raw", "dbt_build", "publish"):
        assert dag.get_task(task_id).pool == DUCKDB_POOL
    # Extraction never opens the database, so it may run in parallel.
    assert dag.get_task("extract").pool != DUCKDB_POOL
    for task in dag.tasks:
        assert task.retries >= 1
        assert task.execution_timeout is not None


def test_dag_files_import_nothing_heavy_at_top_level() -> None:
    for path in Path(PROJECT_DIR / "dags").glob("*.py"):
        top = [
            line for line in path.read_text().splitlines()
            if line.startswith(("import ", "from "))
        ]
        for line in top:
            assert not any(heavy in line for heavy in ("spacy", "duckdb", "dbt", "pyarrow")), line


def test_any_article_date_can_be_run_and_unpausing_starts_one_run(dagbag) -> None:
    from extract.reader import MIN_DATE

    for dag_id in ("wirehouse_nightly", "wirehouse_backfill"):
        dag = dagbag.dags[dag_id]
        # Airflow creates no task instance for a logical date before start_date: the DAGs
        # start on the earliest date the reader accepts.
        assert dag.start_date.date() <= MIN_DATE, dag_id
        assert dag.catchup is False, dag_id
    # Unpaused with that old start_date, the schedule starts the latest interval only,
    # not one run per day since 1600.
    dag = dagbag.dags["wirehouse_nightly"]
    now = dt.datetime.now(dt.UTC)
    first = dag.timetable.next_dagrun_info(
        last_automated_data_interval=None, restriction=_restriction(dag.start_date),
    )
    assert first is not None
    assert now - dt.timedelta(days=2) < first.run_after <= now + dt.timedelta(days=1)
