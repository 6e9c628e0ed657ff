"""One nightly run, in three steps the DAG calls as tasks (and the CLI calls directly).

1. ``plan_run``: pick the run's files, read or reject each, and stage the articles in chunks;
2. ``extract_chunk``: run spaCy over one chunk, stage the span tables (no database access);
3. ``load_run``: one DuckDB transaction replaces everything the run wrote before.

Steps talk through Arrow IPC files under ``$WIREHOUSE_HOME/staging/<run date>/``, so chunks
can run in parallel processes and only the load holds the writer lock.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from collections.abc import Container, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from extract import tables
from extract.config import Settings
from extract.manifest import Candidate, list_candidates, read_candidate
from extract.reader import Article, Rejection

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 200


@dataclass(frozen=True)
class RunPlan:
    run_date: dt.date
    stage_dir: Path
    chunks: list[str]  # chunk names to extract
    counts: dict[str, int]


def stage_dir_for(settings: Settings, run_date: dt.date) -> Path:
    return settings.staging_dir / run_date.isoformat()


def write_arrow(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    tmp.replace(path)


def read_arrow(path: Path) -> pa.Table:
    with pa.memory_map(str(path), "r") as source:
        return ipc.open_file(source).read_all()


def _claimed_elsewhere(
    con, run_date: dt.date, listing: list[Candidate]
) -> tuple[set[tuple], set[tuple]]:
    """Files of ``listing`` other runs have claimed: by (path, size, mtime) and by (path,
    content hash). The listing is joined in DuckDB, so the cost follows the listing, not
    the archive's history in ``raw.files``."""
    if con is None or not listing:
        return set(), set()
    has_files = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'files'"
    ).fetchall()[0][0]
    if not has_files:
        return set(), set()
    con.register("candidate_files", pa.table({
        "path": [c.path for c in listing],
        "size_bytes": pa.array([c.size_bytes for c in listing], pa.int64()),
        "mtime_ns": pa.array([c.mtime_ns for c in listing], pa.int64()),
    }))
    try:
        rows = con.execute(
            "select f.path, f.size_bytes, f.mtime_ns, f.content_hash from raw.files as f "
            "join candidate_files as c on f.path = c.path where f.run_date <> ?",
            [run_date],
        ).fetchall()
    finally:
        con.unregister("candidate_files")
    return {(r[0], r[1], r[2]) for r in rows}, {(r[0], r[3]) for r in rows}


def _known_articles(con, run_date: dt.date, ids: list[str]) -> set[str]:
    """Article ids already loaded by another run (the same story seen before)."""
    if con is None or not ids:
        return set()
    has_articles = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'articles'"
    ).fetchall()[0][0]
    if not has_articles:
        return set()
    con.register("candidate_ids", pa.table({"article_id": ids}))
    try:
        rows = con.execute(
            "select distinct a.article_id from raw.articles as a "
            "join candidate_ids as c using (article_id) where a.run_date <> ?",
            [run_date],
        ).fetchall()
    finally:
        con.unregister("candidate_ids")
    return {r[0] for r in rows}


@dataclass(frozen=True)
class LeftOver:
    n_files: int
    first: dt.date
    last: dt.date


def left_for_backfill(archive: Path, run_date: dt.date, late_days: int, con) -> LeftOver | None:
    """Files no run has taken whose date is before the late window of ``run_date``: what a
    nightly run leaves to a backfill. Lists the archive's older history, so it is meant for
    explaining an empty run, not for every night."""
    from extract.reader import peek_date

    since = run_date - dt.timedelta(days=late_days)
    listing = [c for c in list_candidates(archive, since - dt.timedelta(days=1))
               if c.problem is None]
    by_stat, _ = _claimed_elsewhere(con, run_date, listing)
    dates = [
        day for c in listing
        if (c.path, c.size_bytes, c.mtime_ns) not in by_stat
        and (day := peek_date(c.absolute)) is not None and day < since
    ]
    return LeftOver(len(dates), min(dates), max(dates)) if dates else None


def plan_run(
    settings: Settings,
    archive: Path,
    run_date: dt.date,
    con=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    *,
    candidates: Iterable[Candidate] | None = None,
    claimed: tuple[Container[tuple], Container[tuple]] | None = None,
    known_ids: Container[str] | None = None,
    late_days: int | None = None,
) -> RunPlan:
    """Read the run's files, decide loaded / duplicate / rejected, stage article chunks.

    The keyword arguments let a backfill plan many dates from one archive listing and one
    read of the manifest: ``candidates`` replaces the archive listing, ``claimed`` the
    (path, size, mtime) and (path, hash) sets other runs hold, ``known_ids`` adds article
    ids loaded (or about to be loaded) by other runs.
    """
    if candidates is not None:
        listing = list(candidates)
    else:
        since = run_date - dt.timedelta(days=late_days) if late_days is not None else None
        listing = list(list_candidates(archive, run_date, since))
    if claimed is not None:
        by_stat, by_hash = claimed
    else:
        by_stat, by_hash = _claimed_elsewhere(con, run_date, listing)
    stage = stage_dir_for(settings, run_date)
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)

    read: list[tuple[Candidate, str | None, Article | Rejection]] = []
    for cand in listing:
        if (cand.path, cand.size_bytes, cand.mtime_ns) in by_stat:
            continue
        digest, parsed = read_candidate(cand)
        if digest is not None and (cand.path, digest) in by_hash:
            continue
        if isinstance(parsed, Article) and parsed.article_date > run_date:
            continue  # its own run will take it
        if (
            late_days is not None
            and isinstance(parsed, Article)
            and parsed.article_date < run_date - dt.timedelta(days=late_days)
        ):
            # Older than the late window: history is a backfill's job, not tonight's.
            continue
        read.append((cand, digest, parsed))

    ids = [p.article_id for _, _, p in read if isinstance(p, Article)]
    known = _known_articles(con, run_date, ids)
    if known_ids is not None:
        known |= {i for i in ids if i in known_ids}
    files = {name: [] for name in tables.FILES.names}
    rejects = {name: [] for name in tables.REJECTS.names}
    articles = {name: [] for name in tables.ARTICLES.names}
    seen_ids: set[str] = set()
    counts = {"seen": 0, "loaded": 0, "duplicate": 0, "rejected": 0}
    for cand, digest, parsed in read:
        row = {
            "run_date": run_date,
            "path": cand.path,
            "content_hash": digest,
            "size_bytes": cand.size_bytes,
            "mtime_ns": cand.mtime_ns,
            "article_id": None,
            "article_date": None,
            "reason": None,
            "detail": None,
        }
        if isinstance(parsed, Rejection):
            row.update(status="rejected", reason=parsed.reason, detail=parsed.detail,
                       article_date=parsed.article_date)
            for name in tables.REJECTS.names:
                rejects[name].append(row[name])
            log.warning("rejected %s: %s (%s)", cand.path, parsed.reason, parsed.detail)
        else:
            row.update(article_id=parsed.article_id, article_date=parsed.article_date)
            if parsed.article_id in seen_ids or parsed.article_id in known:
                row.update(status="duplicate", reason="duplicate",
                           detail=f"same text as article {parsed.article_id}")
            else:
                row["status"] = "loaded"
                seen_ids.add(parsed.article_id)
                art = {
                    "article_id": parsed.article_id,
                    "run_date": run_date,
                    "article_date": parsed.article_date,
                    "path": cand.path,
                    "content_hash": digest,
                    "title": parsed.title,
                    "text": parsed.text,
                    "n_chars": len(parsed.text),
                }
                for name in tables.ARTICLES.names:
                    articles[name].append(art[name])
        counts["seen"] += 1
        counts[row["status"]] += 1
        for name in tables.FILES.names:
            files[name].append(row.get(name))

    write_arrow(stage / "files.arrow", pa.Table.from_pydict(files, schema=tables.FILES))
    write_arrow(stage / "rejects.arrow", pa.Table.from_pydict(rejects, schema=tables.REJECTS))
    articles_table = pa.Table.from_pydict(articles, schema=tables.ARTICLES)
    chunks: list[str] = []
    for offset in range(0, articles_table.num_rows, chunk_size):
        name = f"chunk-{offset // chunk_size:05d}"
        write_arrow(stage / name / "articles.arrow", articles_table.slice(offset, chunk_size))
        chunks.append(name)
    (stage / "plan.json").write_text(json.dumps({"chunks": chunks, "counts": counts}))
    log.info(
        "run %s: %d files seen, %d loaded, %d duplicates, %d rejected",
        run_date, counts["seen"], counts["loaded"], counts["duplicate"], counts["rejected"],
    )
    return RunPlan(run_date, stage, chunks, counts)


def chunk_items(chunk_dir: Path) -> list[tuple[str, str]]:
    """The ``(text, article_id)`` pairs a staged chunk holds, in order."""
    articles = read_arrow(chunk_dir / "articles.arrow")
    return list(zip(articles.column("text").to_pylist(),
                    articles.column("article_id").to_pylist(), strict=True))


def write_chunk(chunk_dir: Path, parts: dict[str, list[pa.Table]]) -> dict[str, int]:
    """Stage a chunk's span tables from its batches' tables in order (and empty ``parts``);
    return the rows per table."""
    counts = {}
    for name, chunk_parts in parts.items():
        table = (pa.concat_tables(chunk_parts) if chunk_parts
                 else tables.empty(tables.ARTICLE_TABLES[name]))
        write_arrow(chunk_dir / f"{name}.arrow", table)
        counts[name] = table.num_rows
        chunk_parts.clear()
    return counts


def extract_chunk(
    settings: Settings, run_date: dt.date, chunk: str, *, n_process: int = 1,
    batch_size: int | None = None,
) -> dict[str, int]:
    """Run spaCy over one staged chunk and stage its span tables (what a DAG task does).

    ``n_process > 1`` runs spaCy in that many forked workers; ``batch_size`` defaults to
    ``nlp.DEFAULT_BATCH_SIZE``.
    """
    return extract_chunks(settings, run_date, [chunk], n_process=n_process,
                          batch_size=batch_size)[chunk]


def extract_chunks(
    settings: Settings, run_date: dt.date, chunks: list[str], *, n_process: int = 1,
    batch_size: int | None = None,
) -> dict[str, dict[str, int]]:
    """Run spaCy over staged chunks through one worker pool and stage each chunk's span
    tables; return the rows per table of each chunk. With workers, each chunk is cut into
    equal batches, two per worker at least, so no worker idles on a short last batch; a run
    without Airflow passes all its chunks (no fork per chunk)."""
    from collections import deque

    from extract.nlp import DEFAULT_BATCH_SIZE, annotate_batches, load_pipeline

    nlp = load_pipeline(settings.model)
    stage = stage_dir_for(settings, run_date)
    largest = batch_size or DEFAULT_BATCH_SIZE
    owners: deque[str] = deque()  # the chunk of each batch handed to the pool, in order
    sizes: dict[str, int] = {}

    def batches():
        for chunk in chunks:
            items = chunk_items(stage / chunk)
            sizes[chunk] = len(items)
            size = largest
            if n_process > 1 and items:
                size = min(size, -(-len(items) // (2 * n_process)))
            if not items:
                owners.append(chunk)
                yield []
            for offset in range(0, len(items), size):
                owners.append(chunk)
                yield items[offset:offset + size]

    results: dict[str, dict[str, int]] = {}
    parts: dict[str, list[pa.Table]] = {name: [] for name in tables.ARTICLE_TABLES}
    current: str | None = None

    def flush(chunk: str) -> None:
        results[chunk] = write_chunk(stage / chunk, parts)
        log.info("chunk %s of run %s: %d articles, %s", chunk, run_date, sizes.get(chunk, 0),
                 results[chunk])

    for batch_tables in annotate_batches(batches(), nlp, n_process=n_process,
                                         batch_size=largest):
        owner = owners.popleft()
        if current is not None and owner != current:
            flush(current)
        current = owner
        for name, table in batch_tables.items():
            parts[name].append(table)
    if current is not None:
        flush(current)
    return results


def collect_stage(stage: Path) -> dict[str, pa.Table]:
    """Everything a run staged, concatenated per raw table."""
    batch: dict[str, pa.Table] = {
        "files": read_arrow(stage / "files.arrow"),
        "rejects": read_arrow(stage / "rejects.arrow"),
    }
    chunk_dirs = sorted(p for p in stage.iterdir() if p.is_dir())
    for name in ("articles", *tables.ARTICLE_TABLES):
        parts = []
        for chunk_dir in chunk_dirs:
            path = chunk_dir / f"{name}.arrow"
            if not path.exists():
                raise FileNotFoundError(f"{path} missing: chunk {chunk_dir.name} was not extracted")
            parts.append(read_arrow(path).cast(tables.ALL_TABLES[name]))
        batch[name] = pa.concat_tables(parts) if parts else tables.empty(tables.ALL_TABLES[name])
    return batch


def load_run(settings: Settings, run_date: dt.date, con, *, schema_ready: bool = False
             ) -> dict[str, int]:
    """Replace the run's partition with what it staged, in one transaction
    (``schema_ready``: ``ensure_schema`` already ran on ``con``)."""
    from extract.build import mark_pending
    from extract.warehouse import write_run_partition

    stage = stage_dir_for(settings, run_date)
    batch = collect_stage(stage)
    mark_pending(settings, [run_date])  # before the write: the next build must include it
    write_run_partition(con, run_date, batch, schema_ready=schema_ready)
    shutil.rmtree(stage, ignore_errors=True)
    counts = {name: table.num_rows for name, table in batch.items()}
    log.info("run %s loaded: %s", run_date, counts)
    return counts


def run_without_airflow(
    settings: Settings, archive: Path, run_date: dt.date, *, n_process: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE, build: bool = True, batch_size: int | None = None,
) -> dict[str, int]:
    """The DAG's steps in one process (evaluation, benchmarks): same code, no scheduler."""
    from extract.build import build as dbt_build
    from extract.publish import publish
    from extract.warehouse import connect, ensure_schema

    with connect(settings.db_path) as con:
        ensure_schema(con)
        plan = plan_run(settings, archive, run_date, con, chunk_size=chunk_size)
    extract_chunks(settings, run_date, plan.chunks, n_process=n_process, batch_size=batch_size)
    with connect(settings.db_path) as con:
        counts = load_run(settings, run_date, con)
    if build:
        dbt_build(settings, [run_date])
        with connect(settings.db_path) as con:
            publish(settings, con)
    return counts
