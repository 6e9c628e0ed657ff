"""The per-article raw tables carry their run's date (issue 16: the nightly build finds a
night's rows by zone map): the load writes it, and a warehouse from before it gets it filled
from raw.articles when its schema is brought up to date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from extract import tables
from extract.warehouse import connect, ensure_schema, write_run_partition

RUNS = (dt.date(2019, 3, 5), dt.date(2019, 3, 6))


def _batch(article_ids: list[str], run_date: dt.date) -> dict[str, pa.Table]:
    """One article row and one sentence row per id (the other per-article tables empty)."""
    n = len(article_ids)
    articles = pa.table({
        "article_id": article_ids, "run_date": [run_date] * n, "article_date": [run_date] * n,
        "path": [f"{a}.txt" for a in article_ids], "content_hash": article_ids,
        "title": ["t"] * n, "text": ["A sentence."] * n, "n_chars": [11] * n,
    }, schema=tables.ARTICLES)
    sentences = pa.table({
        "article_id": article_ids, "sentence_index": [0] * n, "start_char": [0] * n,
        "end_char": [11] * n, "text": ["A sentence."] * n,
    }, schema=tables.SENTENCES)
    return {"articles": articles, "sentences": sentences}


def _dates(path: Path) -> list[tuple[str, dt.date | None]]:
    with connect(path, read_only=True) as con:
        return con.execute("select article_id, run_date from raw.sentences order by 1").fetchall()


def test_the_load_writes_each_rows_run_date(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        write_run_partition(con, RUNS[0], _batch(["a1", "a2"], RUNS[0]))
        write_run_partition(con, RUNS[1], _batch(["b1"], RUNS[1]))
        write_run_partition(con, RUNS[0], _batch(["a1"], RUNS[0]))  # a rerun drops a2
    assert _dates(db) == [("a1", RUNS[0]), ("b1", RUNS[1])]


def test_an_older_warehouse_gets_its_rows_run_dates(tmp_path: Path) -> None:
    """Raw tables as an earlier version wrote them (no run_date on the per-article ones):
    bringing the schema up to date fills every row's from its article, once."""
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        con.execute("create schema raw")
        for name, schema in tables.ALL_TABLES.items():
            con.execute(tables.ddl(name, schema))
        for run_date, ids in zip(RUNS, (["a1", "a2"], ["b1"]), strict=True):
            for name, table in _batch(ids, run_date).items():
                con.register("incoming", table)
                con.execute(f"insert into raw.{name} by name select * from incoming")
                con.unregister("incoming")
        ensure_schema(con)
    assert _dates(db) == [("a1", RUNS[0]), ("a2", RUNS[0]), ("b1", RUNS[1])]
