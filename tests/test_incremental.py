"""Incremental builds: a nightly build recomputes only the changed runs' articles, and gives
exactly the marts a full rebuild gives, late files included; a rerun changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from extract.build import build, mark_pending, pending_run_dates
from extract.config import Settings
from extract.runs import run_without_airflow
from extract.warehouse import connect, table_checksum
from tests.late_files import FILES, LATE, MARTS, MODEL, write_archive


def _checksums(settings: Settings) -> dict[str, tuple[int, int]]:
    with connect(settings.db_path, read_only=True) as con:
        return {name: table_checksum(con, f"marts.{name}") for name in MARTS}


def _relations(settings: Settings, day: str) -> set[tuple]:
    with connect(settings.db_path, read_only=True) as con:
        return set(con.execute(
            "select country_a, country_b, n_articles, n_copies from marts.fct_country_relations "
            "where relation_date = ?", [dt.date.fromisoformat(day)],
        ).fetchall())


# Three stories of 2019-04-01 that code Hana Mostafa (the grain story's speaker, Egyptian
# there) as Jordanian: her most frequent country becomes JOR. Another month than the other
# runs: the actor-level marts add the partial aggregates of both months.
RECODED = {
    f"2019-04-01/jordan-{i}.txt": (
        "2019-04-01",
        f"Jordan opens trade office number {i}\n\nJordanian trade official Hana Mostafa said "
        f"on Friday that Jordan would open its trade office number {i} in Amman.\n",
    )
    for i in range(1, 4)
}


def _speaker_countries(settings: Settings) -> set[str]:
    """The speaker country of Hana Mostafa's statements of the grain story (runs 03-05/03-07)."""
    with connect(settings.db_path, read_only=True) as con:
        return {r[0] for r in con.execute(
            "select speaker_country_iso3 from marts.fct_statements "
            "where speaker_name like '%Mostafa%' and article_date < date '2019-03-08'"
        ).fetchall()}


def test_incremental_equals_full_rebuild_late_files_and_reruns(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    settings = Settings(home=tmp_path / "home", archive=archive, model=MODEL)
    write_archive(archive, FILES)
    run_without_airflow(settings, archive, dt.date(2019, 3, 6))  # takes 03-04..03-06
    day4_before = _relations(settings, "2019-03-04")
    day5_before = _relations(settings, "2019-03-05")
    assert ("EGY", "UKR", 1, 1) in day5_before

    write_archive(archive, LATE)
    run_without_airflow(settings, archive, dt.date(2019, 3, 7))  # incremental: one run
    incremental = _checksums(settings)
    with connect(settings.db_path, read_only=True) as con:
        assert con.execute("select count(*) from raw.articles where run_date = ?",
                           [dt.date(2019, 3, 7)]).fetchall()[0][0] == 3

    # (2) the late files updated 2019-03-04: a new pair, and the grain story now counted
    # there (its earliest copy) with both copies, no longer on 2019-03-05.
    day4 = _relations(settings, "2019-03-04")
    assert day4 - day4_before >= {("CHL", "PER", 1, 1), ("EGY", "UKR", 1, 2)}
    assert day4_before <= day4
    assert not any(row[:2] == ("EGY", "UKR") for row in _relations(settings, "2019-03-05"))
    assert _relations(settings, "2019-03-05") == day5_before - {("EGY", "UKR", 1, 1)}

    # (3) rerunning the run changes nothing.
    run_without_airflow(settings, archive, dt.date(2019, 3, 7))
    assert _checksums(settings) == incremental
    assert not pending_run_dates(settings)

    # A rerun after a file was replaced (another date, another text): the old article's
    # rows go, from its date too.
    write_archive(archive, {"late/chile-peru.txt": (
        "2019-03-06", "Chile and Peru sign a fishing accord in Lima, ending a dispute.\n",
    )})
    run_without_airflow(settings, archive, dt.date(2019, 3, 7))
    assert not any(row[:2] == ("CHL", "PER") for row in _relations(settings, "2019-03-04"))
    replaced = _checksums(settings)
    assert replaced != incremental

    # An actor-level change: a later night codes the grain story's speaker to another
    # country more often than before, so dim_actors and the speaker columns of her
    # statements on earlier runs change (only her actor's rows are re-aggregated).
    assert _speaker_countries(settings) == {"EGY"}
    write_archive(archive, RECODED)
    run_without_airflow(settings, archive, dt.date(2019, 4, 1))
    assert _speaker_countries(settings) == {"JOR"}
    with connect(settings.db_path, read_only=True) as con:
        # Her actor's name forms are summed over the partial aggregates of both months.
        ((actor,),) = con.execute(
            "select distinct speaker_actor_id from marts.fct_statements "
            "where speaker_name like '%Mostafa%'").fetchall()
        summed = con.execute(
            "select sum(n_mentions), min(first_seen_date), max(last_seen_date) "
            "from marts.dim_actor_aliases where actor_id = ?", [actor]).fetchall()
        direct = con.execute(
            "select count(*), min(article_date), max(article_date) "
            "from intermediate.int_mentions_resolved where actor_id = ?", [actor]).fetchall()
        assert summed == direct and (direct[0][1].month, direct[0][2].month) == (3, 4)
        assert {r[0] for r in con.execute(
            "select run_month from intermediate.int_actor_form_months where actor_id = ?",
            [actor]).fetchall()} == {"2019-03", "2019-04"}
    recoded = _checksums(settings)

    # (1) a full rebuild gives exactly the same marts.
    build(settings, full_refresh=True)
    assert _checksums(settings) == recoded


def test_pending_run_dates_survive_until_a_build_succeeds(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", archive=tmp_path, model=MODEL)
    assert pending_run_dates(settings) == set()
    mark_pending(settings, [dt.date(2019, 3, 5)])
    mark_pending(settings, [dt.date(2019, 3, 6), dt.date(2019, 3, 5)])
    assert pending_run_dates(settings) == {dt.date(2019, 3, 5), dt.date(2019, 3, 6)}
