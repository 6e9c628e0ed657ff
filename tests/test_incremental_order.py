"""Incremental builds out of date order: a run built after later runs (a backfill of an earlier
day, a nightly rerun of an old day) gives the marts a full rebuild gives. A one-word name is
linked by the people named in full in the runs up to its own (int_mentions_resolved), so an
earlier run built last can change the links of later runs already built."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from extract.build import build
from extract.config import Settings
from extract.relink import relinked_runs
from extract.runs import run_without_airflow
from extract.warehouse import connect, table_checksum
from tests.late_files import MARTS, MODEL, write_archive

# The per-article models whose rows depend on a one-word name's link, the people named in
# full per run that the links read of the runs built already, and the marts.
TABLES = [f"marts.{name}" for name in MARTS] + [
    "intermediate.int_mentions_resolved", "intermediate.int_statements_attributed",
    "intermediate.int_person_name_runs",
]

# A name no KB entry holds: "Marchetti" alone links only by the people named in full.
FIRST = {"2019-03-01/fuel-tax.txt": (
    "2019-03-01",
    "Italy raises its fuel tax\n\nItalian Finance Minister Paolo Marchetti said on Friday that "
    "the government in Rome would raise the fuel tax next month.\n",
)}
LATER = {"2019-03-10/protests.txt": (
    "2019-03-10",
    "Fuel tax rise draws protests\n\nTruck drivers blocked roads near Milan on Sunday. \"We "
    "will not change course,\" Marchetti said in a statement.\n",
)}
# Another Marchetti, named in full on a day between them, arriving after both were built.
BETWEEN = {"2019-03-05/festival.txt": (
    "2019-03-05",
    "Film festival opens in Venice\n\nThe director Giulia Marchetti opened the Venice film "
    "festival on Tuesday with a documentary about Sicily.\n",
)}
# The same file rerun without her name: the article naming her goes.
BETWEEN_RERUN = {"2019-03-05/festival.txt": (
    "2019-03-05",
    "Film festival opens in Venice\n\nThe festival opened on Tuesday with a documentary "
    "about Sicily.\n",
)}


def _checksums(settings: Settings) -> dict[str, tuple[int, int]]:
    with connect(settings.db_path, read_only=True) as con:
        return {name: table_checksum(con, name) for name in TABLES}


def _bare_marchetti(settings: Settings) -> set[str]:
    """The name keys (the person linked to) of the later run's one-word "Marchetti"."""
    with connect(settings.db_path, read_only=True) as con:
        return {r[0] for r in con.execute(
            "select name_key from intermediate.int_mentions_resolved "
            "where mention_key = 'marchetti' and article_date = date '2019-03-10'"
        ).fetchall()}


def test_an_earlier_run_built_after_later_runs_relinks_them(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    settings = Settings(home=tmp_path / "home", archive=archive, model=MODEL)
    write_archive(archive, FIRST | LATER)
    run_without_airflow(settings, archive, dt.date(2019, 3, 1))
    run_without_airflow(settings, archive, dt.date(2019, 3, 10))
    # the one Marchetti named in full up to that run
    assert _bare_marchetti(settings) == {"paolo marchetti"}
    # A rerun of 03-01 (Paolo Marchetti named in full) would relink 03-10's bare name; a
    # build of the newest run has no later run to relink.
    assert relinked_runs(settings.db_path, [dt.date(2019, 3, 1)]) == {dt.date(2019, 3, 10)}
    assert relinked_runs(settings.db_path, [dt.date(2019, 3, 10)]) == set()

    write_archive(archive, BETWEEN)
    run_without_airflow(settings, archive, dt.date(2019, 3, 5))  # built after 03-10
    # two Marchettis named in full before 03-10 now: the bare name is linked to neither
    assert _bare_marchetti(settings) == {"marchetti"}
    incremental = _checksums(settings)

    build(settings, full_refresh=True)
    assert _checksums(settings) == incremental

    # A rerun of 03-05 takes Giulia Marchetti's only full naming away: 03-10's bare name is
    # Paolo's again, as in a full rebuild (the links read the people named in full per run,
    # int_person_name_runs, without the changed runs' rows of the last build).
    write_archive(archive, BETWEEN_RERUN)
    run_without_airflow(settings, archive, dt.date(2019, 3, 5))
    assert _bare_marchetti(settings) == {"paolo marchetti"}
    rerun = _checksums(settings)
    build(settings, full_refresh=True)
    assert _checksums(settings) == rerun
