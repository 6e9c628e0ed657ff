"""``wirehouse bench --scale``: does a night cost the same whatever the archive's size?

One nightly run over a fixed day of new articles is timed (per stage, with peak RSS) on a
warehouse that already holds a small and a large number of articles. The warehouses are
filled fast: a few hundred stories are extracted once with the real pipeline (a template),
then copied in DuckDB under shifted run dates and fresh ids (``_replicate``). Method and
figures: ``docs/benchmarks.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from extract.bench import PeakRSS, _save, _stage_timer, default_archive
from extract.config import Settings, settings

SCALE_BASE_FILES = 500
SCALE_NEW_DAY = dt.date(1987, 4, 24)  # 135 Reuters stories
SCALE_DROP = 10  # each copy leaves out about one article in 10 (see _replicate)


def _keep_spans(con) -> dict[str, list[tuple[int, int]]]:
    """Per template article, the merged character spans a fact reads as text (mentions, actor
    cues, country cues): the cipher leaves them as they are, so every mention still spells
    its text at its offsets and still codes to its country."""
    rows = con.execute(
        "select article_id, start_char, end_char from tpl.raw.entity_mentions "
        "union all select article_id, start_char, end_char from tpl.raw.actor_cues "
        "union all select article_id, country_cue_start, country_cue_end from tpl.raw.actor_cues "
        "where country_cue_start is not null order by 1, 2"
    ).fetchall()
    spans: dict[str, list[tuple[int, int]]] = {}
    for article_id, start, end in rows:
        merged = spans.setdefault(article_id, [])
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return spans


def _segments(text: str, keep: list[tuple[int, int]]) -> list[tuple[bool, str]]:
    out, pos = [], 0
    for start, end in keep:
        out += [(False, text[pos:start]), (True, text[start:end])]
        pos = end
    out.append((False, text[pos:]))
    return out


def _replicate(
    con, template: Path, copies: int, first_date: dt.date, copies_per_insert: int = 50,
) -> None:
    """Append ``copies`` copies of the template's raw tables, one run date per copy from
    ``first_date`` on, with fresh article ids and paths (so nothing is a duplicate of
    anything else).

    Each copy's text and title go through its own letter substitution (same length, same
    offsets) outside the spans facts read as text (mentions, cues): identical texts would
    all be grouped as syndicated copies of one story by ``int_article_stories``, whose
    candidate pairs then grow with the square of the copies, while the mentions keep their
    text (the reconciliation test checks it) and their coding.

    Each copy leaves out one article in ``SCALE_DROP`` (by a hash of article and copy, the
    same in every table): exact copies make every count a multiple of the number of copies,
    so an actor coded BRA in one story and USA in another is a tie that each new night
    breaks, and the speaker country of its statements flips on every copy's date. No real
    archive looks like that.
    """
    import random
    import string

    import pyarrow as pa

    from extract import tables

    letters = string.ascii_lowercase
    con.execute("attach ? as tpl (read_only)", [str(template)])
    try:
        keep = _keep_spans(con)
        texts = con.execute("select article_id, text, title from tpl.raw.articles").fetchall()
        segmented = [(aid, _segments(text, keep.get(aid, [])), title)
                     for aid, text, title in texts]
        for name, schema in tables.STORED_TABLES.items():
            names = set(schema.names)
            swaps = []
            if "article_id" in names:
                swaps.append("left(md5(t.article_id || ':' || r.k), length(t.article_id)) "
                             "as article_id")
            for col in ("run_date", "article_date"):
                if col in names:
                    swaps.append(f"date '{first_date}' + r.k::integer as {col}")
            if "path" in names:
                swaps.append("'scale/' || r.k || '/' || t.path as path")
            where = ""
            if "article_id" in names:
                where = (f" where t.article_id is null or "
                         f"hash(t.article_id || ':' || r.k) % {SCALE_DROP} <> 0")
            if name != "articles":
                replace = f" replace ({', '.join(swaps)})" if swaps else ""
                con.execute(f"insert into raw.{name} by name select t.*{replace} "
                            f"from tpl.raw.{name} as t, range({copies}) as r(k){where}")
                continue
            swaps += ["x.text as text", "x.title as title"]
            for first in range(0, copies, copies_per_insert):
                batch: dict[str, list] = {"k": [], "src": [], "text": [], "title": []}
                for k in range(first, min(first + copies_per_insert, copies)):
                    shuffled = list(letters)
                    random.Random(k).shuffle(shuffled)
                    cipher = str.maketrans(letters, "".join(shuffled))
                    for aid, segments, title in segmented:
                        batch["k"].append(k)
                        batch["src"].append(aid)
                        batch["text"].append("".join(
                            seg if kept else seg.translate(cipher) for kept, seg in segments))
                        batch["title"].append(title.translate(cipher) if title else title)
                con.register("scale_texts", pa.table(batch))
                try:
                    con.execute(f"insert into raw.articles by name select t.* "
                                f"replace ({', '.join(swaps)}) from tpl.raw.articles as t "
                                f"join scale_texts as x on x.src = t.article_id, "
                                f"(select x.k) as r(k){where}")
                finally:
                    con.unregister("scale_texts")
    finally:
        con.execute("detach tpl")


def run_scale(
    archive: Path | None = None,
    *,
    json_path: Path | None = None,
    n_process: int = 2,
    small: int = 10_000,
    large: int = 200_000,
    base_files: int = SCALE_BASE_FILES,
    new_day: dt.date | None = None,
    model: str | None = None,
    scratch: Path | None = None,
    keep: Path | None = None,
) -> dict[str, Any]:
    """Time one nightly run over a fixed day of new articles on a warehouse already holding
    ``small`` and then ``large`` articles.

    ``keep``: a folder that receives each warehouse as it was before the night
    (``warehouse-N``) and the new day's archive (``new-day``), to replay and profile the
    night (dbt's per-model timings) without refilling.

    The warehouses are built fast: ``base_files`` stories are extracted once with the real
    pipeline, then their raw rows are copied under shifted dates and fresh ids with DuckDB
    (Arrow in, no spaCy), and dbt builds the marts once (the state before the night). The
    timed run is ``run_without_airflow`` (plan, extract, load, dbt build, publish).
    """
    import math

    from extract.build import DbtBuildFailed, mark_unpublished
    from extract.build import build as dbt_build
    from extract.manifest import list_candidates, read_candidate
    from extract.publish import publish
    from extract.reader import Article
    from extract.runs import run_without_airflow
    from extract.warehouse import connect, ensure_schema

    archive = (archive or default_archive()).resolve()
    model = model or settings().model
    with contextlib.ExitStack() as stack:
        root = scratch or Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="wirehouse-scale-")))
        dated = []
        for cand in sorted(list_candidates(archive, dt.date.max), key=lambda c: c.path):
            _, parsed = read_candidate(cand)
            if isinstance(parsed, Article):
                dated.append((cand, parsed.article_date))
        days = sorted({d for _, d in dated})
        day = new_day or (SCALE_NEW_DAY if SCALE_NEW_DAY in days else days[-1])
        new_archive, base_archive = root / "new-day", root / "base"
        base = [c for c, d in dated if d != day][:base_files]
        for cand, d in dated:
            if d == day:
                target = new_archive / cand.path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(cand.absolute, target)
        for cand in base:
            target = base_archive / cand.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(cand.absolute, target)
        n_new = sum(1 for _, d in dated if d == day)

        t0 = time.perf_counter()
        template = Settings(home=root / "template", archive=base_archive, model=model)
        base_set = set(base)
        base_date = max(d for c, d in dated if c in base_set)
        counts = run_without_airflow(template, base_archive, base_date, n_process=n_process,
                                     build=False)
        n_base = counts["articles"]
        template_s = time.perf_counter() - t0
        print(f"scale: template of {n_base} articles extracted in {template_s:.1f}s; "
              f"new day {day}: {n_new} files", flush=True)

        results = []
        for target in (small, large):
            home = root / f"warehouse-{target}"
            current = Settings(home=home, archive=new_archive, model=model)
            copies = math.ceil(target / (n_base * (1 - 1 / SCALE_DROP))) + 1
            t0 = time.perf_counter()
            with connect(current.db_path) as con:
                ensure_schema(con)
                # One copy a day up to the day before the night: the night is the newest
                # run, as a nightly run is. A night before runs built already is a backfill
                # of an earlier day, which recomputes the later runs it relinks
                # (extract/relink.py): not what this measures.
                _replicate(con, template.db_path, copies, day - dt.timedelta(days=copies))
                held = con.execute("select count(*) from raw.articles").fetchall()[0][0]
            fill_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            errors: list[str] = []
            try:
                dbt_build(current)
                with connect(current.db_path) as con:
                    publish(current, con)
                    # A second publish, of nothing: an installation that has published
                    # before has both slot files (extract/publish_slots.py), so the night
                    # updates the older one in place, as every night after the second does.
                    mark_unpublished(current, [])
                    publish(current, con)
            except DbtBuildFailed as exc:  # still time the night; the failure is reported
                errors.append(f"first build: {exc}"[:500])
            warm_s = time.perf_counter() - t0
            if keep is not None:
                shutil.rmtree(keep / home.name, ignore_errors=True)
                shutil.copytree(home, keep / home.name, symlinks=True)
                shutil.copytree(new_archive, keep / "new-day", dirs_exist_ok=True)
            stages: dict[str, float] = {}
            stage_peaks: dict[str, float] = {}
            with PeakRSS() as memory:
                from extract.nlp import load_pipeline

                load_pipeline.cache_clear()
                t0 = time.perf_counter()
                with _stage_timer(stages, memory, stage_peaks):
                    try:
                        run_without_airflow(current, new_archive, day,
                                            n_process=n_process)
                    except DbtBuildFailed as exc:
                        errors.append(f"night: {exc}"[:500])
                        # The build ran to its end (a failed test skips nothing after it);
                        # publish as the run would have, so the stages stay comparable.
                        import extract.publish as publishing

                        with connect(current.db_path) as con:
                            publishing.publish(current, con)
                seconds = time.perf_counter() - t0
            with connect(current.db_path, read_only=True) as con:
                night_articles = con.execute("select count(*) from raw.articles where "
                                             "run_date = ?", [day]).fetchall()[0][0]
            size_mb = round(current.db_path.stat().st_size / 2**20, 1)
            row = {"articles_held": held, "copies": copies, "fill_seconds": round(fill_s, 2),
                   "first_build_seconds": round(warm_s, 2), "night_seconds": round(seconds, 2),
                   "night_articles": night_articles,
                   "night_stages": {k: round(v, 2) for k, v in stages.items()},
                   "night_peak_rss_mb": round(memory.peak_bytes / 2**20, 1),
                   "night_peak_rss_mb_by_stage": stage_peaks,
                   "night_peak_pss_mb": round(memory.peak_pss_bytes / 2**20, 1),
                   "db_mb": size_mb, "errors": errors}
            results.append(row)
            if errors:
                print(f"scale: WARNING dbt failed, timings incomplete: {errors}", flush=True)
            print(f"scale: warehouse of {held} articles ({size_mb} MB): night of "
                  f"{row['night_articles']} articles took {seconds:.1f}s "
                  f"({', '.join(f'{k} {v:.1f}s' for k, v in stages.items())}); "
                  f"peak RSS {row['night_peak_rss_mb']} MB (extract "
                  f"{stage_peaks.get('extract', 0):.0f} MB); first build {warm_s:.1f}s",
                  flush=True)
            shutil.rmtree(home, ignore_errors=True)

    small_r, large_r = results
    ratio = round(large_r["night_seconds"] / small_r["night_seconds"], 3)
    stage_ratio = {k: round(large_r["night_stages"][k] / v, 2) if v else None
                   for k, v in small_r["night_stages"].items()}
    result = {
        "archive": str(archive), "new_day": day.isoformat(), "new_day_files": n_new,
        "template_articles": n_base, "n_process": n_process, "small": small_r,
        "large": large_r, "ratio_night_large_to_small": ratio,
        "ratio_by_stage": stage_ratio,
        "peak_rss_ratio": round(large_r["night_peak_rss_mb"] / small_r["night_peak_rss_mb"], 3),
        "extract_peak_rss_ratio": round(
            large_r["night_peak_rss_mb_by_stage"].get("extract", 0)
            / (small_r["night_peak_rss_mb_by_stage"].get("extract") or 1), 3),
        "machine": {"cpus": os.cpu_count(), "loadavg": [round(x, 2) for x in os.getloadavg()]},
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(f"scale: night on {large_r['articles_held']} vs {small_r['articles_held']} articles: "
          f"{ratio:.2f}x the time (target <= 1.2); by stage {stage_ratio}")
    return _save(result, json_path)
