"""Data tests on an incremental build read the changed runs' rows only (macros/test_scope.sql),
and still fail on a bad row there: of an article of a changed run, or of an article the build
lists as touched that no longer exists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extract.build import DbtBuildFailed, run_dbt
from extract.config import Settings
from extract.runs import run_without_airflow
from extract.warehouse import connect
from tests.late_files import FILES, LATE, MODEL, write_archive

NIGHT = dt.date(2019, 3, 7)
# dbt test on one per-article model: its data tests (the project is unchanged: no unit tests).
TEST_MENTIONS = ["test", "--select", "fct_actor_mentions", "--exclude", "resource_type:unit_test"]


MENTION_OF_RUN = (
    "select * from marts.fct_actor_mentions where article_id = (select min(article_id) "
    "from raw.articles where run_date = ? and article_id in "
    "(select article_id from marts.fct_actor_mentions)) limit 1"
)


def _duplicate_mention(settings: Settings, run_date: dt.date) -> None:
    """Insert a copy of one mention of an article of ``run_date`` (same mention_id)."""
    with connect(settings.db_path) as con:
        con.execute(f"insert into marts.fct_actor_mentions by name {MENTION_OF_RUN}", [run_date])


def _orphan_mention(settings: Settings, article_id: str) -> None:
    """Insert a mention (a copy under a fresh id) of an article that does not exist."""
    with connect(settings.db_path) as con:
        con.execute(
            "insert into marts.fct_actor_mentions by name select * replace "
            "(?::varchar as article_id, md5(mention_id) as mention_id) "
            f"from ({MENTION_OF_RUN})",
            [article_id, NIGHT],
        )


def _set_build(settings: Settings, runs: list[dt.date], touched: list[str]) -> None:
    """What an incremental build of ``runs`` sees: its runs, and articles logged as touched."""
    with connect(settings.db_path) as con:
        con.execute("delete from raw.build_runs")
        con.execute("delete from raw.build_touched")
        for run in runs:
            con.execute("insert into raw.build_runs values (?)", [run])
        for key in touched:
            con.execute("insert into raw.build_touched values ('article', ?, null, 'test')",
                        [key])


def test_scoped_tests_read_the_night_and_fail_on_its_bad_rows(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    settings = Settings(home=tmp_path / "home", archive=archive, model=MODEL)
    write_archive(archive, FILES)
    run_without_airflow(settings, archive, dt.date(2019, 3, 6))
    write_archive(archive, LATE)
    run_without_airflow(settings, archive, NIGHT)  # incremental: its tests passed
    _set_build(settings, [NIGHT], [])
    run_dbt(settings, TEST_MENTIONS)

    # A row of an article that no longer exists: not read unless the build lists it as
    # touched (macros/incremental.sql); then read, and the relationships test to
    # dim_articles fails.
    _orphan_mention(settings, "gone-article")
    run_dbt(settings, TEST_MENTIONS)
    _set_build(settings, [NIGHT], ["gone-article"])
    with pytest.raises(DbtBuildFailed, match="relationships_fct_actor_mentions_article_id"):
        run_dbt(settings, TEST_MENTIONS)
    with connect(settings.db_path) as con:
        con.execute("delete from marts.fct_actor_mentions where article_id = 'gone-article'")
    _set_build(settings, [NIGHT], [])

    # A duplicate in an article of a run the build did not change: not read again.
    _duplicate_mention(settings, dt.date(2019, 3, 4))
    run_dbt(settings, TEST_MENTIONS)

    # A duplicate in an article of the changed run: read, fails.
    _duplicate_mention(settings, NIGHT)
    with pytest.raises(DbtBuildFailed, match="unique_fct_actor_mentions_mention_id"):
        run_dbt(settings, TEST_MENTIONS)
