"""Incremental publish: after nightly runs the published DuckDB file and Parquet folders hold
exactly what a full publish of the same warehouse holds; a rerun rewrites only its run's
Parquet parts (the others are hard links to the previous build's), a full rebuild publishes
everything, a removed article disappears, and a published copy that went wrong is replaced by
a full copy."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from extract import cli
from extract.build import clear_unpublished, mark_unpublished, unpublished_runs
from extract.config import Settings
from extract.publish import publish
from extract.publish_slots import next_slot
from extract.runs import run_without_airflow
from extract.warehouse import connect
from tests.late_files import FILES, LATE, MARTS, MODEL, write_archive

ARTICLE_MARTS = [
    "dim_articles", "fct_actor_mentions", "fct_article_country_pairs", "fct_events",
    "fct_statements",
]
DAYS = [dt.date(2019, 3, 4), dt.date(2019, 3, 5), dt.date(2019, 3, 6)]


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run a night on 03-04, 03-05 and 03-06 (a full build and publish, then two
    incremental ones): one article per run."""
    root = tmp_path_factory.mktemp("nightly")
    settings = Settings(home=root / "home", archive=root / "archive", model=MODEL)
    write_archive(settings.archive, FILES)
    for day in DAYS:
        run_without_airflow(settings, settings.archive, day)
    return root


@pytest.fixture
def warehouse(
    nightly: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> Iterator[Settings]:
    root = tmp_path / "copy"
    shutil.copytree(nightly, root, symlinks=True)
    caplog.set_level(logging.INFO, logger="extract.publish")
    yield Settings(home=root / "home", archive=root / "archive", model=MODEL)
    # The incremental lake is right by construction, not by its row-count safety net.
    assert "do not add up" not in caplog.text


def _build_dir(settings: Settings) -> Path:
    return (settings.published_dir / "parquet").resolve()


def _published(settings: Settings) -> dict[str, list]:
    """Every published table (rows sorted; build_info without id and time) and every
    Parquet partition (``<mart>/run_month=YYYY-MM``, whatever its part files), and checks
    that readers of the hive-partitioned dataset (DuckDB, pyarrow.dataset) see the mart."""
    import pyarrow.dataset as ds

    out: dict[str, list] = {}
    with duckdb.connect(str(settings.published_dir / "wirehouse.duckdb"), read_only=True) as con:
        for name in MARTS:
            out[name] = sorted(con.execute(f"select * from {name}").fetchall(), key=repr)
        out["build_info"] = sorted(
            con.execute("select table_name, n_rows from build_info").fetchall())
    build = _build_dir(settings)
    con = duckdb.connect()
    for name in MARTS:
        for partition in sorted(p for p in (build / name).iterdir() if p.is_dir()):
            rows = con.read_parquet(str(partition / "*.parquet")).fetchall()
            out[f"{name}/{partition.name}"] = sorted(rows, key=repr)
        # What a reader reads: the whole mart, hive-partitioned (run_month, or the day-level
        # relations' relation_month, as a column).
        key = "relation_month" if name == "fct_country_relations" else "run_month"
        hive = con.sql(
            f"select * exclude ({key}) from read_parquet('{build / name}/**/*.parquet', "
            "hive_partitioning = true, union_by_name = true)"
        ).fetchall() if any(p.is_dir() for p in (build / name).iterdir()) else (
            con.read_parquet(str(build / name / "*.parquet")).fetchall())
        assert sorted(hive, key=repr) == out[name], name
        table = ds.dataset(build / name, format="parquet", partitioning="hive").to_table()
        assert table.num_rows == len(out[name]), name
    con.close()
    return out


def _assert_equals_full_publish(settings: Settings) -> dict[str, list]:
    incremental = _published(settings)
    mark_unpublished(settings, None)
    with connect(settings.db_path) as con:
        publish(settings, con)
    assert _published(settings) == incremental
    return incremental


def _name(part: Path) -> str:
    """A part's name without the ``~<build>`` an incremental publish gives a part it rewrote
    (a new name: parts are immutable)."""
    stem = part.name.removesuffix(".parquet")
    assert stem.count("~") <= 1, part
    return stem.partition("~")[0] + ".parquet"


def _parts(build: Path) -> dict[str, int]:
    """Inode of every part of the article marts, by mart/part name."""
    return {f"{name}/{_name(p)}": p.stat().st_ino
            for name in ARTICLE_MARTS for p in (build / name).rglob("*.parquet")}


def _relation_parts(build: Path) -> dict[str, int]:
    """Inode of every part of the day-level relations, by partition/part name."""
    folder = build / "fct_country_relations"
    return {f"{p.parent.name}/{_name(p)}": p.stat().st_ino for p in folder.rglob("*.parquet")}


def _log(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "extract.publish")


def test_unpublished_ledger_accumulates_until_a_publish(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", archive=tmp_path, model=MODEL)
    assert unpublished_runs(settings) is None  # no ledger: publish everything
    clear_unpublished(settings, None)
    assert unpublished_runs(settings) == set()
    mark_unpublished(settings, [DAYS[0]])
    mark_unpublished(settings, [DAYS[1], DAYS[0]])
    assert unpublished_runs(settings) == {DAYS[0], DAYS[1]}
    clear_unpublished(settings, {DAYS[0]})  # DAYS[1] was built after the publish read it
    assert unpublished_runs(settings) == {DAYS[1]}
    mark_unpublished(settings, None)
    mark_unpublished(settings, [DAYS[2]])
    assert unpublished_runs(settings) is None  # a full build wins
    clear_unpublished(settings, {DAYS[2]})
    assert unpublished_runs(settings) is None
    clear_unpublished(settings, None)
    assert unpublished_runs(settings) == set()


def test_nightly_runs_publish_incrementally_and_equal_a_full_publish(
    warehouse: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = warehouse
    before = _build_dir(settings)
    old_parts = _parts(before)
    # The first publish wrote its month as one part; the next two nights added day parts.
    assert {str(p.relative_to(before / "dim_articles"))
            for p in (before / "dim_articles").rglob("*.parquet")} == {
        "run_month=2019-03/part-2019-03-04_2019-03-04.parquet",
        "run_month=2019-03/part-2019-03-05.parquet", "run_month=2019-03/part-2019-03-06.parquet"}

    # Run 03-07 brings an article of its day and two late ones dated 03-04, one an earlier
    # wire copy of the grain story of run 03-05: that story's rows in other runs change.
    write_archive(settings.archive, LATE)
    run_without_airflow(settings, settings.archive, dt.date(2019, 3, 7))
    assert "incrementally: runs ['2019-03-07'] changed" in _log(caplog)
    # The other slot (two nights old) was brought up to date in place, not copied.
    assert "updated in place" in _log(caplog) and "copied" not in _log(caplog)
    assert os.path.islink(settings.published_dir / "wirehouse.duckdb")
    assert unpublished_runs(settings) == set()
    new_parts = _parts(_build_dir(settings))
    # The relations are by month of their day: 03-04 got new pairs, so 2019-03 is rewritten.
    relations = _relation_parts(_build_dir(settings))
    assert list(relations) == ["relation_month=2019-03/part-2019-03.parquet"]
    assert relations.items() != _relation_parts(before).items()
    rewritten = {k for k, ino in new_parts.items() if old_parts.get(k) != ino}
    assert {k for k in rewritten if "2019-03-07" not in k} == {
        "fct_article_country_pairs/part-2019-03-05.parquet",  # the story's copies changed
    }
    published = _assert_equals_full_publish(settings)
    with duckdb.connect(str(settings.published_dir / "wirehouse.duckdb"), read_only=True) as con:
        stories = con.execute(
            "select a.run_date, p.is_story_original, p.n_copies "
            "from fct_article_country_pairs as p join dim_articles as a using (article_id) "
            "where p.country_a = 'EGY' order by 1").fetchall()
    assert stories == [(dt.date(2019, 3, 5), False, 2), (dt.date(2019, 3, 7), True, 2)]
    assert len(published["dim_articles"]) == 6


def test_rerun_of_one_date_rewrites_only_that_date(
    warehouse: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = warehouse
    old_parts = _parts(_build_dir(settings))
    write_archive(settings.archive, {"2019-03-05/grain.txt": (
        "2019-03-05", "Egypt and Ukraine sign a grain deal in Cairo on Tuesday.\n")})
    run_without_airflow(settings, settings.archive, DAYS[1])
    assert "incrementally: runs ['2019-03-05'] changed" in _log(caplog)
    new_parts = _parts(_build_dir(settings))
    # A mart the rerun leaves with no rows becomes one empty part-all.parquet, a key the old
    # build did not have (fct_statements did when 03-05 held its only statement; since reported
    # speech other days keep statements and only its 03-05 part changes).
    emptied = {k for k in new_parts if k.endswith("/part-all.parquet") and k not in old_parts}
    assert {k for k, ino in new_parts.items() if old_parts.get(k) != ino} == {
        k for k in new_parts if "2019-03-05" in k} | emptied
    assert {k for k in old_parts if "2019-03-05" not in k} <= set(new_parts)
    (part,) = (_build_dir(settings) / "dim_articles" / "run_month=2019-03").glob(
        "part-2019-03-05*.parquet")
    (grain,) = duckdb.connect().read_parquet(str(part)).fetchall()
    assert "grain deal in Cairo" in repr(grain)
    _assert_equals_full_publish(settings)


def test_a_full_rebuild_publishes_everything(
    warehouse: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = warehouse
    old_parts = _parts(_build_dir(settings))
    monkeypatch.setenv("WIREHOUSE_HOME", str(settings.home))
    monkeypatch.setenv("WIREHOUSE_ARCHIVE", str(settings.archive))
    monkeypatch.setenv("WIREHOUSE_SPACY_MODEL", MODEL)
    assert cli.main(["rebuild"]) == 0
    assert "every mart copied" in _log(caplog)
    assert unpublished_runs(settings) == set()
    new_parts = _parts(_build_dir(settings))
    # One part per month and mart (the runs it covers in its name), nothing linked.
    assert "dim_articles/part-2019-03-04_2019-03-06.parquet" in new_parts
    assert len(new_parts) == len({k.split("/")[0] for k in new_parts})
    assert all("_" in k for k in new_parts)
    assert not set(new_parts.values()) & set(old_parts.values())
    _assert_equals_full_publish(settings)


def test_a_removed_article_disappears_from_the_copy(
    warehouse: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = warehouse
    with connect(settings.db_path, read_only=True) as con:
        (gone,), = con.execute("select article_id from marts.dim_articles "
                               "where source_path = '2019-03-06/border.txt'").fetchall()
    (settings.archive / "2019-03-06" / "border.txt").unlink()
    run_without_airflow(settings, settings.archive, DAYS[2])
    assert "incrementally: runs ['2019-03-06'] changed" in _log(caplog)
    assert not any("2019-03-06" in key for key in _parts(_build_dir(settings)))  # no article
    published = _assert_equals_full_publish(settings)
    assert not any(gone in row for name in MARTS for row in published[name])
    assert len(published["dim_articles"]) == 2


def test_a_wrong_copy_falls_back_to_a_full_copy(
    warehouse: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = warehouse
    target = settings.published_dir / "wirehouse.duckdb"
    # The file the next publish brings up to date in place (the other slot) and the
    # published one (copied when the other cannot be used): a row goes missing in both.
    for path in (next_slot(settings.published_dir), target):
        with duckdb.connect(str(path)) as con:  # a row of an unchanged run goes missing
            con.execute("delete from fct_actor_mentions where mention_id in (select mention_id "
                        "from fct_actor_mentions join dim_articles using (article_id) "
                        "where run_date = ? limit 1)", [DAYS[0]])
    mark_unpublished(settings, [DAYS[2]])
    with connect(settings.db_path) as con:
        publish(settings, con)
    assert "incremental publish failed: copying every mart" in _log(caplog)
    assert "row counts (published, marts) differ" in caplog.text
    with connect(settings.db_path, read_only=True) as con:
        marts = sorted(con.execute("select * from marts.fct_actor_mentions").fetchall(), key=repr)
    assert _published(settings)["fct_actor_mentions"] == marts
    assert os.path.exists(target)


def test_a_change_to_most_runs_of_a_month_rewrites_it_as_one_part(
    warehouse: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """An actor-level change touches rows of every run: one file per month and mart, not
    one per run date (the lake layout docs/scale-out.md describes)."""
    settings = warehouse
    old_parts = _parts(_build_dir(settings))
    assert len(old_parts) > len(ARTICLE_MARTS)  # day parts beside the first month part
    mark_unpublished(settings, DAYS)
    with connect(settings.db_path) as con:
        publish(settings, con)
    assert "incrementally" in _log(caplog)
    new_parts = _parts(_build_dir(settings))
    assert all("_" in k for k in new_parts), new_parts  # month parts only
    assert len(new_parts) == len({k.split("/")[0] for k in new_parts})  # one per mart
    assert not set(new_parts.values()) & set(old_parts.values())
    _assert_equals_full_publish(settings)


def test_a_publish_without_changes_links_every_relation_month(
    warehouse: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """fct_country_relations is laid out by the month of its day: a publish rewrites only the
    months of the days dbt recomputed (none here), so its cost follows the change."""
    settings = warehouse
    before = _relation_parts(_build_dir(settings))
    assert before and all(k.startswith("relation_month=") for k in before)
    mark_unpublished(settings, [])
    with connect(settings.db_path) as con:
        publish(settings, con)
    assert "incrementally: runs [] changed" in _log(caplog)
    assert _relation_parts(_build_dir(settings)) == before  # the same files, linked
    _assert_equals_full_publish(settings)


def test_a_change_inside_a_month_part_patches_it_under_a_new_name(
    warehouse: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a full rebuild (one part per month), a night whose late copy changes a story of
    an earlier run patches the month part holding that story's rows: the file is written
    again under a new name (parts are immutable), no file is added for it, the other marts'
    month parts stay linked, and the lake equals a full publish."""
    settings = warehouse
    monkeypatch.setenv("WIREHOUSE_HOME", str(settings.home))
    monkeypatch.setenv("WIREHOUSE_ARCHIVE", str(settings.archive))
    monkeypatch.setenv("WIREHOUSE_SPACY_MODEL", MODEL)
    assert cli.main(["rebuild"]) == 0
    before = _build_dir(settings)
    old_files = {str(p.relative_to(before)): p.stat().st_ino for p in before.rglob("*.parquet")}
    write_archive(settings.archive, LATE)
    run_without_airflow(settings, settings.archive, dt.date(2019, 3, 7))
    assert "incrementally: runs ['2019-03-07'] changed" in _log(caplog)
    after = _build_dir(settings)
    pairs = sorted(str(p.relative_to(after)) for p in
                   (after / "fct_article_country_pairs").rglob("*.parquet"))
    tag = after.name[:8]
    assert pairs == [
        f"fct_article_country_pairs/run_month=2019-03/part-2019-03-04_2019-03-06~{tag}.parquet",
        "fct_article_country_pairs/run_month=2019-03/part-2019-03-07.parquet",
    ]
    month_part = "run_month=2019-03/part-2019-03-04_2019-03-06.parquet"
    assert (after / "dim_articles" / month_part).stat().st_ino == old_files[
        f"dim_articles/{month_part}"]  # no dim_articles row of 03-04..06 changed: linked
    _assert_equals_full_publish(settings)
