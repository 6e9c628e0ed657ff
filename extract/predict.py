"""Predictions for the gold sets, produced by the real pipeline and read back from the marts.

``predict`` writes each gold text as an article file (seed format) into a scratch archive,
runs the same plan → extract → load → dbt build as the nightly DAG into a scratch
warehouse, then reads statements, actor mentions and relations from the marts and writes
them in the format of ``../shared/eval/README.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from extract.config import Settings, settings

DEFAULT_DATE = "2000-01-01"


def load_gold(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        if path.suffix == ".json":
            return [json.load(handle)]
        return [json.loads(line) for line in handle if line.strip()]


def _file_name(index: int, record_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(record_id))[:80]
    return f"{index:06d}_{safe}.txt"


def write_archive(records: list[dict[str, Any]], archive: Path) -> dict[str, str]:
    """One seed-format file per record; returns file name -> record id."""
    archive.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for index, record in enumerate(records):
        name = _file_name(index, record["id"])
        day = record.get("date") or DEFAULT_DATE
        (archive / name).write_text(f"date {day}\n{record['text']}", encoding="utf-8")
        names[name] = record["id"]
    return names


def _rows(con, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _table_exists(con, schema: str, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()[0][0])


def _columns(con, schema: str, name: str) -> set[str]:
    return {r[0] for r in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ?", [schema, name]).fetchall()}


def read_predictions(con, names: dict[str, str], records: list[dict[str, Any]]):
    """Yield one prediction object per gold record, from the marts of ``con``."""
    by_id = {r["id"]: r for r in records}
    article_of = {
        r["path"]: r["article_id"]
        for r in _rows(con, "select path, article_id from raw.files where article_id is not null")
    }
    statements: dict[str, list] = {}
    if _table_exists(con, "marts", "fct_statements"):
        # Full sort keys: the files of two runs are then equal line for line, not only as sets.
        sql = "select * from marts.fct_statements order by content_start, content_end, statement_id"
        for row in _rows(con, sql):
            statements.setdefault(row["article_id"], []).append(row)
    mention_cols = _columns(con, "marts", "fct_actor_mentions")
    sector = "sector" if "sector" in mention_cols else "null"
    mentions: dict[str, list] = {}
    for row in _rows(
        con,
        # Agents and things have no actor (dim_actors holds canonical actors only).
        f"select m.article_id, m.start_char, m.end_char, m.mention_text, "
        f"coalesce(a.actor_name, m.mention_text) as actor_name, "
        f"m.country_iso3, {sector} as sector from marts.fct_actor_mentions as m "
        f"left join marts.dim_actors as a on m.actor_id = a.actor_id "
        f"order by m.start_char, m.end_char, m.mention_id",
    ):
        mentions.setdefault(row["article_id"], []).append(row)
    events: dict[str, list] = {}
    if _table_exists(con, "marts", "fct_events"):
        sql = "select * from marts.fct_events order by sentence_index, evidence_start, event_id"
        for row in _rows(con, sql):
            events.setdefault(row["article_id"], []).append(row)
    relations: dict[str, list] = {}
    if _table_exists(con, "marts", "fct_article_country_pairs"):
        sql = "select * from marts.fct_article_country_pairs order by country_a, country_b"
        for row in _rows(con, sql):
            relations.setdefault(row["article_id"], []).append(row)

    for name, record_id in names.items():
        text = by_id[record_id]["text"]
        shift = len(text) - len(text.lstrip())  # the reader strips leading whitespace
        article_id = article_of.get(name)
        yield {
            "id": record_id,
            "statements": [
                {
                    "content_start": s["content_start"] + shift,
                    "content_end": s["content_end"] + shift,
                    "speaker_start": None if s["speaker_start"] is None
                    else s["speaker_start"] + shift,
                    "speaker_end": None if s["speaker_end"] is None else s["speaker_end"] + shift,
                    "speaker_name": s.get("speaker_name"),
                    "cue": s.get("cue"),
                    "cue_start": None if s.get("cue_start") is None else s["cue_start"] + shift,
                    "cue_end": None if s.get("cue_end") is None else s["cue_end"] + shift,
                    "kind": s.get("statement_kind"),
                }
                for s in statements.get(article_id, [])
            ],
            "actor_mentions": [
                {
                    "start": m["start_char"] + shift,
                    "end": m["end_char"] + shift,
                    "text": m["mention_text"],
                    "actor_name": m["actor_name"],
                    "country": m["country_iso3"],
                    "sector": m["sector"],
                }
                for m in mentions.get(article_id, [])
            ],
            "relations": [
                {
                    "pair": [r["country_a"], r["country_b"]],
                    "polarity": r.get("polarity") or "neutral",
                    "score": r.get("score"),
                }
                for r in relations.get(article_id, [])
            ],
            "events": [_event(e, shift) for e in events.get(article_id, [])],
        }


def _event(e: dict[str, Any], shift: int) -> dict[str, Any]:
    def at(key: str) -> int | None:
        return None if e.get(key) is None else e[key] + shift

    return {
        "source_start": at("source_start"), "source_end": at("source_end"),
        "target_start": at("target_start"), "target_end": at("target_end"),
        "event_type": e.get("event_type"), "quad_class": e.get("quad_class"),
        "source_country": e.get("source_country_iso3"),
        "target_country": e.get("target_country_iso3"),
    }


def predict(gold: Path, out: Path, scratch: Path | None = None, n_process: int = 2) -> int:
    from extract.runs import run_without_airflow
    from extract.warehouse import connect

    records = load_gold(gold)
    with tempfile.TemporaryDirectory(prefix="wirehouse-predict-") as tmp:
        home = scratch or Path(tmp) / "home"
        archive = Path(tmp) / "archive"
        names = write_archive(records, archive)
        current = Settings(home=home, archive=archive, model=settings().model)
        last = max(dt.date.fromisoformat(r.get("date") or DEFAULT_DATE) for r in records)
        run_without_airflow(current, archive, last, n_process=n_process, chunk_size=1000)
        with connect(current.db_path, read_only=True) as con:
            predictions = list(read_predictions(con, names, records))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for prediction in predictions:
            handle.write(json.dumps(prediction) + "\n")
    return len(predictions)


def evaluate(task: str, gold: Path, scorer: Path | None = None) -> int:
    """Predict into a scratch warehouse, then print the reference scorer's figures."""
    scorer = scorer or gold.parent / "score.py"
    if not scorer.exists():
        print(f"scorer {scorer} not found (pass --scorer)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="wirehouse-eval-") as tmp:
        pred = Path(tmp) / "pred.jsonl"
        predict(gold, pred)
        result = subprocess.run(
            [sys.executable, str(scorer), task, str(gold), str(pred)],
            env=dict(os.environ), check=False,
        )
    return result.returncode
