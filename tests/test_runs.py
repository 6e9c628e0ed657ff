"""Runs without Airflow: the manifest reconciles, reruns are identical, late files are taken."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from extract import tables
from extract.runs import plan_run, run_without_airflow
from extract.warehouse import connect, table_checksum

RUN = dt.date(2019, 3, 5)


def _status_counts(db: Path, run_date: dt.date | None = None) -> dict[str, int]:
    with connect(db, read_only=True) as con:
        where = "where run_date = ?" if run_date else ""
        params = [run_date] if run_date else []
        return dict(
            con.execute(
                f"select status, count(*) from raw.files {where} group by status", params
            ).fetchall()
        )


def test_plan_reads_rejects_and_deduplicates(archive: Path, settings_for) -> None:
    settings = settings_for(archive)
    plan = plan_run(settings, archive, RUN)
    # seed + harbour (03-04) + grain (03-05) loaded; the copy is a duplicate; two bad files;
    # the 03-09 story waits for its own run.
    assert plan.counts == {"seen": 6, "loaded": 3, "duplicate": 1, "rejected": 2}
    assert len(plan.chunks) == 1


def test_run_twice_gives_identical_tables(archive: Path, settings_for) -> None:
    settings = settings_for(archive)
    run_without_airflow(settings, archive, RUN)
    names = [f"raw.{name}" for name in tables.ALL_TABLES] + [
        "marts.dim_actors", "marts.fct_actor_mentions", "marts.fct_country_relations",
        "marts.dim_countries", "marts.dim_articles",
    ]
    with connect(settings.db_path, read_only=True) as con:
        first = {name: table_checksum(con, name) for name in names}
    assert first["raw.articles"][0] == 3
    assert first["raw.entity_mentions"][0] > 10

    run_without_airflow(settings, archive, RUN)
    with connect(settings.db_path, read_only=True) as con:
        second = {name: table_checksum(con, name) for name in names}
    assert second == first


def test_files_seen_equal_loaded_plus_duplicates_plus_rejected(
    archive: Path, settings_for
) -> None:
    settings = settings_for(archive)
    run_without_airflow(settings, archive, RUN, build=False)
    run_without_airflow(settings, archive, dt.date(2019, 3, 9), build=False)
    counts = _status_counts(settings.db_path)
    assert counts == {"loaded": 4, "duplicate": 1, "rejected": 2}
    with connect(settings.db_path, read_only=True) as con:
        n_articles = con.execute("select count(*) from raw.articles").fetchall()[0][0]
        n_rejects = con.execute("select count(*) from raw.rejects").fetchall()[0][0]
        reasons = sorted(r[0] for r in con.execute("select reason from raw.rejects").fetchall())
    assert n_articles == counts["loaded"]
    assert n_rejects == counts["rejected"]
    assert reasons == ["impossible_date", "no_date_line"]


def test_a_late_file_is_taken_by_the_next_run(archive: Path, settings_for) -> None:
    settings = settings_for(archive)
    run_without_airflow(settings, archive, RUN, build=False)
    late = archive / "late_arrival.txt"
    late.write_text("date 2019-03-04\nA story filed two days late about Chile and Peru.\n")
    run_without_airflow(settings, archive, dt.date(2019, 3, 6), build=False)
    with connect(settings.db_path, read_only=True) as con:
        rows = con.execute(
            "select run_date, article_date from raw.files where path = 'late_arrival.txt'"
        ).fetchall()
    assert rows == [(dt.date(2019, 3, 6), dt.date(2019, 3, 4))]
    # The earlier run is unchanged by the later one, and rerunning it does not take the file.
    before = _status_counts(settings.db_path, RUN)
    run_without_airflow(settings, archive, RUN, build=False)
    assert _status_counts(settings.db_path, RUN) == before


def test_a_failed_load_leaves_the_partition_as_it_was(
    archive: Path, settings_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(archive)
    run_without_airflow(settings, archive, RUN, build=False)
    with connect(settings.db_path, read_only=True) as con:
        before = table_checksum(con, "raw.articles")

    (archive / "2019-03-05_extra.txt").write_text("date 2019-03-05\nOne more story on Peru.\n")
    from extract import warehouse

    original = warehouse._insert

    def failing_insert(con, name, table):
        original(con, name, table)
        if name == "sentences":
            raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(warehouse, "_insert", failing_insert)
    with pytest.raises(RuntimeError, match="simulated"):
        run_without_airflow(settings, archive, RUN, build=False)
    with connect(settings.db_path, read_only=True) as con:
        assert table_checksum(con, "raw.articles") == before


def test_unreadable_and_odd_entries_are_rejected_not_fatal(
    archive: Path, settings_for, tmp_path: Path
) -> None:
    settings = settings_for(archive)
    (archive / "folder.txt").mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("date 2019-03-05\nOutside the archive.\n")
    os.symlink(outside, archive / "link.txt")
    locked = archive / "locked.txt"
    locked.write_text("date 2019-03-05\nNo permission.\n")
    locked.chmod(0)
    try:
        plan = plan_run(settings, archive, RUN)
    finally:
        locked.chmod(0o644)
    from extract.runs import extract_chunk, load_run
    from extract.warehouse import ensure_schema

    for chunk in plan.chunks:
        extract_chunk(settings, RUN, chunk)
    with connect(settings.db_path) as con:
        ensure_schema(con)
        load_run(settings, RUN, con)
        reasons = dict(con.execute("select path, reason from raw.rejects").fetchall())
    assert reasons["folder.txt"] == "not_a_file"
    assert reasons["link.txt"] == "symlink_outside_archive"
    if os.geteuid() != 0:  # root reads any file whatever its mode
        assert reasons["locked.txt"] == "unreadable"
    assert plan.counts["seen"] == sum(
        plan.counts[k] for k in ("loaded", "duplicate", "rejected")
    )
    shutil.rmtree(archive / "folder.txt")


def test_the_late_window_leaves_old_history_to_a_backfill(archive: Path, settings_for) -> None:
    settings = settings_for(archive)
    # A run a year later with a 30-day late window takes only the undated rejects...
    later = dt.date(2020, 3, 5)
    plan = plan_run(settings, archive, later, late_days=30)
    assert plan.counts == {"seen": 2, "loaded": 0, "duplicate": 0, "rejected": 2}
    # ...while a run of the stories' own date still takes them.
    plan = plan_run(settings, archive, RUN, late_days=30)
    assert plan.counts["loaded"] == 3


def test_a_nightly_lists_only_the_date_folders_of_its_late_window(tmp_path: Path) -> None:
    from extract.manifest import list_candidates

    for day in ("2019-01-02", "2019-02-20", "2019-03-05", "2019-03-06"):
        folder = tmp_path / day
        folder.mkdir()
        (folder / "story.txt").write_text(f"date {day}\nText of {day}.\n")
    (tmp_path / "undated.txt").write_text("no date line\n")
    listed = [c.path for c in list_candidates(tmp_path, RUN, since=RUN - dt.timedelta(days=30))]
    assert listed == ["undated.txt", "2019-02-20/story.txt", "2019-03-05/story.txt"]
    assert len(list(list_candidates(tmp_path, RUN))) == 4  # no window: all history up to RUN


def test_one_pool_for_all_chunks_stages_what_each_chunk_alone_stages(
    archive: Path, settings_for
) -> None:
    from extract.runs import extract_chunk, extract_chunks, read_arrow

    settings = settings_for(archive)

    def staged(plan) -> dict[str, list]:
        return {
            f"{chunk}/{path.name}": read_arrow(path).to_pylist()
            for chunk in plan.chunks
            for path in sorted((plan.stage_dir / chunk).glob("*.arrow"))
        }

    plan = plan_run(settings, archive, RUN, chunk_size=1)
    assert len(plan.chunks) == 3
    for chunk in plan.chunks:
        extract_chunk(settings, RUN, chunk)
    alone = staged(plan)
    plan = plan_run(settings, archive, RUN, chunk_size=1)
    counts = extract_chunks(settings, RUN, plan.chunks, n_process=2)
    assert staged(plan) == alone
    assert set(counts) == set(plan.chunks)
    assert sum(c["sentences"] for c in counts.values()) > 0
