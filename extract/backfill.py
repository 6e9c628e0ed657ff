"""Backfill years of an archive: plan every date from one listing, extract in parallel, load
each date in its own transaction, and build dbt once at the end.

The same functions as the nightly run (``extract.runs.plan_run`` / ``extract_chunk`` /
``load_run`` per run date) do the work, so a backfilled date is identical to a nightly run
of that date. What a backfill saves is the overhead: the archive is listed once (each file's
date is peeked from its first 4 KB), the manifest is read once, chunks of all dates are
extracted in parallel, and there is one dbt build and one publish for the whole range.

Which files a date takes: the files whose date line is that date; the first date of the
range also takes the files dated earlier that no run has taken yet and the files with no
readable date (they are rejected there), as a nightly run would.

Resuming: every step leaves durable state. A date is *done* when ``raw.files`` holds exactly
the files it would take now (same path, size and mtime): it is skipped unless
``reprocess``. A date staged but not loaded keeps its plan and every extracted chunk under
``$WIREHOUSE_HOME/staging/<date>/``; a rerun extracts only the missing chunks. A load is one
transaction, so a date is either loaded or not. ``staging/backfill.json`` records the dates
this backfill finished (so a resumed ``--reprocess`` does not redo them) and whether a dbt
build is still owed (so a crash after the last load still builds and publishes on rerun).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from extract import tables
from extract.config import Settings
from extract.manifest import Candidate, list_candidates
from extract.reader import peek_date
from extract.runs import DEFAULT_CHUNK_SIZE, plan_run, read_arrow, stage_dir_for

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from extract.nlp import ForkedWorkers

    Workers = ForkedWorkers | ProcessPoolExecutor

log = logging.getLogger(__name__)

STATE_FILE = "backfill.json"
DATE_MARKER = "backfill.json"


@dataclass
class DatePlan:
    run_date: dt.date
    status: str  # done (skipped) | staged (to extract and load)
    chunks: dict[str, int] = field(default_factory=dict)  # chunk -> articles
    pending: list[str] = field(default_factory=list)  # chunks still to extract
    counts: dict[str, int] = field(default_factory=dict)  # seen / loaded / duplicate / rejected


@dataclass
class BackfillPlan:
    start: dt.date
    end: dt.date
    reprocess: bool
    dates: list[DatePlan]

    @property
    def staged(self) -> list[DatePlan]:
        return [d for d in self.dates if d.status == "staged"]

    @property
    def total_articles(self) -> int:
        return sum(sum(d.chunks.values()) for d in self.staged)

    @property
    def pending_articles(self) -> int:
        return sum(d.chunks[c] for d in self.staged for c in d.pending)

    def pending_refs(self) -> list[str]:
        """``YYYY-MM-DD/chunk-NNNNN`` of every chunk still to extract, in date order."""
        return [f"{d.run_date.isoformat()}/{c}" for d in self.staged for c in d.pending]


@dataclass
class BackfillResult:
    dates: int
    skipped: int
    loaded: int
    articles_extracted: int
    counts: dict[str, int]
    built: bool
    seconds: float


def date_range(start: dt.date, end: dt.date) -> list[dt.date]:
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# -- durable state --------------------------------------------------------------------------


def state_path(settings: Settings) -> Path:
    return settings.staging_dir / STATE_FILE


def _state_key(start: dt.date, end: dt.date, reprocess: bool) -> str:
    return f"{start.isoformat()}..{end.isoformat()} reprocess={reprocess}"


def read_state(settings: Settings) -> dict:
    path = state_path(settings)
    if not path.exists():
        return {"key": None, "finished": [], "build_pending": False}
    return json.loads(path.read_text())


def write_state(settings: Settings, state: dict) -> None:
    path = state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1))
    tmp.replace(path)


def _mark_loaded(settings: Settings, key: str, run_date: dt.date) -> None:
    state = read_state(settings)
    if state.get("key") != key:
        state = {"key": key, "finished": [], "build_pending": False}
    state["finished"] = sorted({*state["finished"], run_date.isoformat()})
    state["build_pending"] = True
    write_state(settings, state)


# -- planning -------------------------------------------------------------------------------


class _ClaimedElsewhere:
    """``x in claims``: x is held by a run other than ``run_date`` (a Container for plan_run)."""

    def __init__(self, owners: dict, run_date: dt.date, extra: set | None = None) -> None:
        self.owners = owners
        self.run_date = run_date
        self.extra = extra if extra is not None else set()

    def __contains__(self, item: object) -> bool:
        if item in self.extra:
            return True
        return any(d != self.run_date for d in self.owners.get(item, ()))


def _read_manifest(settings: Settings):
    """What every run has claimed and loaded, read once (a short connection)."""
    from extract.warehouse import connect, ensure_schema

    by_stat: dict[tuple, set[dt.date]] = defaultdict(set)
    by_hash: dict[tuple, set[dt.date]] = defaultdict(set)
    stats_of: dict[dt.date, set[tuple]] = defaultdict(set)
    article_runs: dict[str, set[dt.date]] = defaultdict(set)
    with connect(settings.db_path) as con:
        ensure_schema(con)
        for run_date, path, size, mtime, digest in con.execute(
            "select run_date, path, size_bytes, mtime_ns, content_hash from raw.files"
        ).fetchall():
            by_stat[(path, size, mtime)].add(run_date)
            by_hash[(path, digest)].add(run_date)
            stats_of[run_date].add((path, size, mtime))
        for article_id, run_date in con.execute(
            "select article_id, run_date from raw.articles"
        ).fetchall():
            article_runs[article_id].add(run_date)
    return by_stat, by_hash, stats_of, article_runs


def _fingerprint(run_date: dt.date, wanted: set[tuple], chunk_size: int) -> str:
    digest = hashlib.sha256(f"{run_date} {chunk_size}".encode())
    for item in sorted(wanted):
        digest.update(repr(item).encode())
    return digest.hexdigest()


def _extracted(stage: Path, chunk: str) -> bool:
    return all((stage / chunk / f"{name}.arrow").exists() for name in tables.ARTICLE_TABLES)


def _staged_ids(stage: Path, chunks: dict[str, int]) -> set[str]:
    ids: set[str] = set()
    for chunk in chunks:
        ids.update(read_arrow(stage / chunk / "articles.arrow").column("article_id").to_pylist())
    return ids


def _bucket_candidates(
    archive: Path, start: dt.date, end: dt.date, on_file: Callable[[], None] | None = None
) -> dict[dt.date, list[Candidate]]:
    buckets: dict[dt.date, list[Candidate]] = defaultdict(list)
    for cand in list_candidates(archive, end):
        day = None if cand.problem is not None else peek_date(cand.absolute)
        if day is None or day < start:
            buckets[start].append(cand)  # undated (rejected there) or late: the first date
        elif day <= end:
            buckets[day].append(cand)
        if on_file is not None:
            on_file()
    return buckets


def plan_backfill(
    settings: Settings,
    archive: Path,
    start: dt.date,
    end: dt.date,
    *,
    reprocess: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_file: Callable[[], None] | None = None,
) -> BackfillPlan:
    """Decide, for every date of the range, whether it is done or what is left to do."""
    archive = archive.resolve()
    key = _state_key(start, end, reprocess)
    state = read_state(settings)
    finished = set(state["finished"]) if state.get("key") == key else set()
    by_stat, by_hash, stats_of, article_runs = _read_manifest(settings)
    buckets = _bucket_candidates(archive, start, end, on_file)

    planned_ids: set[str] = set()  # articles earlier dates of this backfill will load
    dates: list[DatePlan] = []
    for day in date_range(start, end):
        stage = stage_dir_for(settings, day)
        claims = _ClaimedElsewhere(by_stat, day)
        wanted = {
            (c.path, c.size_bytes, c.mtime_ns)
            for c in buckets.get(day, [])
            if (c.path, c.size_bytes, c.mtime_ns) not in claims
        }
        fingerprint = _fingerprint(day, wanted, chunk_size)
        marker = stage / DATE_MARKER
        if marker.exists() and (stage / "plan.json").exists():
            saved = json.loads(marker.read_text())
            if saved["fingerprint"] == fingerprint:
                chunks = saved["chunks"]
                pending = [c for c in chunks if not _extracted(stage, c)]
                planned_ids |= _staged_ids(stage, chunks)
                dates.append(DatePlan(day, "staged", chunks, pending, saved["counts"]))
                continue
        already = wanted == stats_of.get(day, set())
        nothing = already and not wanted  # no files, before or now: nothing to redo
        if (already and (nothing or not reprocess)) or day.isoformat() in finished:
            if stage.exists():
                shutil.rmtree(stage)  # loaded, then killed before its staging was removed
            dates.append(DatePlan(day, "done"))
            continue
        plan = plan_run(
            settings, archive, day, None, chunk_size,
            candidates=buckets.get(day, []),
            claimed=(claims, _ClaimedElsewhere(by_hash, day)),
            known_ids=_ClaimedElsewhere(article_runs, day, planned_ids),
        )
        chunks = {
            chunk: read_arrow(stage / chunk / "articles.arrow").num_rows for chunk in plan.chunks
        }
        planned_ids |= _staged_ids(stage, chunks)
        (stage / DATE_MARKER).write_text(
            json.dumps({"fingerprint": fingerprint, "chunks": chunks, "counts": plan.counts})
        )
        dates.append(DatePlan(day, "staged", chunks, list(chunks), plan.counts))
    result = BackfillPlan(start, end, reprocess, dates)
    log.info(
        "backfill %s..%s: %d dates, %d done already, %d to load; %d articles to extract "
        "(%d of %d staged before)",
        start, end, len(dates), len(dates) - len(result.staged), len(result.staged),
        result.pending_articles, result.total_articles - result.pending_articles,
        result.total_articles,
    )
    return result


def staged_plan(
    settings: Settings, start: dt.date, end: dt.date, *, reprocess: bool = False
) -> BackfillPlan:
    """The dates of the range a ``plan_backfill`` staged and that are not loaded yet, from
    their markers alone (no archive listing: what the DAG's load task needs)."""
    dates: list[DatePlan] = []
    for day in date_range(start, end):
        stage = stage_dir_for(settings, day)
        marker = stage / DATE_MARKER
        if marker.exists() and (stage / "plan.json").exists():
            saved = json.loads(marker.read_text())
            chunks = saved["chunks"]
            pending = [c for c in chunks if not _extracted(stage, c)]
            dates.append(DatePlan(day, "staged", chunks, pending, saved["counts"]))
        else:
            dates.append(DatePlan(day, "done"))
    return BackfillPlan(start, end, reprocess, dates)


# -- extraction and loading -----------------------------------------------------------------


def extract_ref(settings: Settings, ref: str) -> tuple[str, dict[str, int]]:
    """Extract one ``YYYY-MM-DD/chunk-NNNNN`` reference (a process-pool or Airflow task)."""
    from extract.runs import extract_chunk

    day, chunk = ref.split("/", 1)
    return ref, extract_chunk(settings, dt.date.fromisoformat(day), chunk)


def group_refs(plan: BackfillPlan, max_groups: int) -> list[list[str]]:
    """Split the pending chunks into at most ``max_groups`` groups of similar size (Airflow
    maps one task per group: thousands of mapped tasks would cost more than they run)."""
    refs = plan.pending_refs()
    n = max(1, min(max_groups, len(refs)))
    groups: list[list[str]] = [[] for _ in range(n)]
    for i, ref in enumerate(refs):
        groups[i % n].append(ref)
    # Largest first (Airflow starts mapped tasks in map-index order), so the workers' last
    # tasks are the short ones -- a date's partial last chunk -- and none idles long at the
    # end while another finishes a full one. The sort is stable: equal groups keep date order.
    articles = {f"{d.run_date.isoformat()}/{c}": k
                for d in plan.staged for c, k in d.chunks.items()}
    return sorted((g for g in groups if g), key=lambda g: -sum(articles[r] for r in g))


# How long a backfill's loads keep one connection (and so the writer lock) before letting
# go after a load: another writer (a nightly run) waits for the lock up to 300 s.
LOADS_HOLD_S = 30.0


class Loads:
    """The warehouse connection a backfill's loads share: opened at a load, let go after a
    load once it is ``hold_s`` old, closed by ``close`` (a context manager). Each date is
    still its own transaction; what the dates share is the open (the catalog read), the
    schema check and the checkpoint at close, which per date cost more than its inserts
    (docs/benchmarks.md, "Backfill, third pass")."""

    def __init__(self, settings: Settings, hold_s: float | None = None) -> None:
        self.settings = settings
        self.hold_s = LOADS_HOLD_S if hold_s is None else hold_s
        self._con = None
        self._opened = 0.0

    def connection(self):
        if self._con is None:
            from extract.warehouse import connect, ensure_schema

            self._con = connect(self.settings.db_path)
            self._opened = time.monotonic()
            ensure_schema(self._con)
        return self._con

    def loaded(self) -> None:
        """After a load: let the lock go if the connection is held long enough, so that a
        writer waiting meanwhile gets it before the next date's load."""
        if self._con is not None and time.monotonic() - self._opened >= self.hold_s:
            self.close()

    def close(self) -> None:
        if self._con is not None:
            con, self._con = self._con, None
            con.close()

    def __enter__(self) -> Loads:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_date(
    settings: Settings, plan: BackfillPlan, day: DatePlan, loads: Loads | None = None
) -> dict[str, int]:
    """Load one staged date in one transaction and record it in the backfill state
    (through ``loads``' connection if given, else a connection of its own)."""
    from extract.runs import load_run

    with Loads(settings) if loads is None else contextlib.nullcontext(loads) as shared:
        counts = load_run(settings, day.run_date, shared.connection(), schema_ready=True)
        shared.loaded()
    _mark_loaded(settings, _state_key(plan.start, plan.end, plan.reprocess), day.run_date)
    c = day.counts
    log.info(
        "backfill date %s loaded: files seen %d = loaded %d + duplicates %d + rejected %d",
        day.run_date, c.get("seen", 0), c.get("loaded", 0), c.get("duplicate", 0),
        c.get("rejected", 0),
    )
    return counts


def load_staged(settings: Settings, plan: BackfillPlan) -> int:
    """Load every staged date whose chunks are all extracted, in date order."""
    n = 0
    with Loads(settings) as loads:
        for day in plan.staged:
            stage = stage_dir_for(settings, day.run_date)
            missing = [c for c in day.chunks if not _extracted(stage, c)]
            if missing:
                raise RuntimeError(
                    f"date {day.run_date}: chunks {missing[:5]} were not extracted; "
                    "rerun the backfill"
                )
            load_date(settings, plan, day, loads)
            n += 1
    return n


def build_and_publish(settings: Settings, *, force: bool = False, parsed=None) -> bool:
    """One dbt build and one publish, if a load since the last publish asks for it
    (``parsed``: the project parsed ahead, ``build.parse_project``)."""
    from extract.build import build
    from extract.publish import publish
    from extract.warehouse import connect

    state = read_state(settings)
    published = (settings.published_dir / "wirehouse.duckdb").exists()
    if not (force or state.get("build_pending") or not published):
        log.info("backfill: nothing new loaded and marts already published; no dbt build")
        return False
    build(settings, [dt.date.fromisoformat(d) for d in state.get("finished", [])], parsed=parsed,
          refresh_whole=True)
    with connect(settings.db_path) as con:
        publish(settings, con)
    state_path(settings).unlink(missing_ok=True)
    return True


def _parse_ahead(settings: Settings, parsed: list) -> None:
    """``build.parse_project`` into ``parsed``; a failure here only means the build parses
    the project itself (and reports the error if it is the project's)."""
    from extract.build import parse_project

    try:
        parsed.append(parse_project(settings))
    except Exception as exc:  # the build parses again and fails loudly if it must
        log.warning("backfill: parsing the dbt project ahead of the build failed: %s", exc)


def extraction_order(plan: BackfillPlan, workers: int) -> list[str]:
    """The pending chunks in the order the pool takes them: date order (each date loads as
    soon as its chunks are done), except the last ``2 * workers``, largest first. A date's
    last chunk is partial (10 to 200 articles); in date order a full chunk could come last,
    and one worker would idle while the other ran it alone. Largest first, the pool's last
    tasks are short ones and the workers finish close together."""
    refs = plan.pending_refs()
    articles = {f"{d.run_date.isoformat()}/{c}": k
                for d in plan.staged for c, k in d.chunks.items()}
    cut = max(0, len(refs) - 2 * max(1, workers))
    # Stable: equal sizes keep date order.
    return refs[:cut] + sorted(refs[cut:], key=lambda r: -articles[r])


def _warm_worker(model: str) -> None:
    """A spawned worker's initializer: import the extraction code and load the model at once."""
    import extract.runs  # noqa: F401  (what extract_ref imports)
    from extract.nlp import load_pipeline

    load_pipeline(model)


def _started() -> None:
    """A no-op task: submitting one per worker makes the pool start them all now."""


def start_workers(settings: Settings, workers: int) -> Workers | None:
    """``workers`` spaCy processes, started now. Where ``fork`` exists they are forked from
    this process once it has loaded the model (``nlp.ForkedWorkers``): no interpreter
    start, spaCy import or model load per worker (~1.5 CPU s each when spawned). Call it
    before this process starts a thread (the progress bar's): a fork copies only the
    calling thread, and a lock another thread held would stay held in the child. Elsewhere
    they are spawned, each importing spaCy and loading the model while this process lists
    and plans. None for one worker (the chunks then run in this process)."""
    if workers <= 1:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" in multiprocessing.get_all_start_methods():
        from extract.nlp import ForkedWorkers, load_pipeline

        return ForkedWorkers(load_pipeline(settings.model), workers)
    pool = ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm_worker, initargs=(settings.model,))
    for _ in range(workers):
        pool.submit(_started)  # a spawn-context pool starts a worker per task while none idles
    return pool


def stop_workers(pool: Workers | None, *, wait: bool = False) -> None:
    """Let ``start_workers``' processes go, tasks not yet taken dropped (a no-op for None);
    ``wait``: until they have exited (forked ones are always waited for, a quick kill)."""
    if pool is None:
        return
    from extract.nlp import ForkedWorkers

    if isinstance(pool, ForkedWorkers):
        pool.close()
    else:
        pool.shutdown(wait=wait, cancel_futures=True)


def _extract_and_load(
    settings: Settings, plan: BackfillPlan, workers: int, on_articles: Callable[[int], None],
    parsed: list | None = None, pool: Workers | None = None,
) -> int:
    """Extract every pending chunk (in ``workers`` spaCy processes, ``pool`` if started
    before) and load each date, in date order, as soon as its chunks are all extracted; the
    dates loaded. With ``parsed`` (a list), dbt is imported and the project parsed
    (``build.parse_project``, appended to it) in a thread once a worker has nothing left to
    take: on the core that worker leaves idle while the others finish, not after them."""
    with Loads(settings) as loads:
        return _extract_and_load_with(settings, plan, workers, on_articles, parsed, loads, pool)


def _extract_forked(
    settings: Settings, refs: list[str], pool: ForkedWorkers, workers: int,
    chunk_done: Callable[[str], None], idle: Callable[[], None],
) -> None:
    """The chunks ``refs`` through forked workers, in batches: the batches ``extract_chunk``
    runs (``nlp.DEFAULT_BATCH_SIZE`` articles, the same rows), two per worker in flight, a
    worker taking the next batch whatever its chunk, so none waits at a chunk's or a
    date's end (with a chunk per task, one worker ran a chunk of up to 200 articles alone
    at the end). A chunk's tables are staged when its last batch is back, as
    ``extract_chunk`` stages them; then ``chunk_done``. ``idle`` is called once a worker
    has no batch left to take."""
    from collections import deque

    from extract.nlp import DEFAULT_BATCH_SIZE
    from extract.runs import chunk_items, write_chunk

    size = DEFAULT_BATCH_SIZE
    window: deque = deque()  # (ref, its chunk's last batch?, result), in submission order
    parts: dict[str, dict[str, list]] = {}

    def collect() -> None:
        ref, last, result = window.popleft()
        into = parts.setdefault(ref, {name: [] for name in tables.ARTICLE_TABLES})
        for name, table in result.get().items():
            into[name].append(table)
        if last:
            day, chunk = ref.split("/", 1)
            counts = write_chunk(stage_dir_for(settings, dt.date.fromisoformat(day)) / chunk,
                                 parts.pop(ref))
            log.info("chunk %s extracted: %s", ref, counts)
            chunk_done(ref)

    for ref in refs:
        day, chunk = ref.split("/", 1)
        items = chunk_items(stage_dir_for(settings, dt.date.fromisoformat(day)) / chunk)
        batches = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
        for i, batch in enumerate(batches):
            window.append((ref, i == len(batches) - 1, pool.submit(batch, size)))
            if len(window) >= 2 * workers:
                collect()
    while window:
        if len(window) < workers:
            idle()
        collect()


def _extract_and_load_with(
    settings: Settings, plan: BackfillPlan, workers: int, on_articles: Callable[[int], None],
    parsed: list | None, loads: Loads, pool: Workers | None,
) -> int:
    pending = {d.run_date: set(d.pending) for d in plan.staged}
    queue = list(plan.staged)
    loaded = 0

    def load_ready() -> None:
        nonlocal loaded
        while queue and not pending[queue[0].run_date]:
            load_date(settings, plan, queue.pop(0), loads)
            loaded += 1

    def chunk_done(ref: str) -> None:
        day_s, chunk = ref.split("/", 1)
        day = dt.date.fromisoformat(day_s)
        pending[day].discard(chunk)
        on_articles(next(d.chunks[chunk] for d in plan.staged if d.run_date == day))
        load_ready()

    load_ready()  # dates staged before and fully extracted
    refs = extraction_order(plan, workers)
    if not refs and pool is not None:
        stop_workers(pool)  # nothing to extract
        return loaded
    if pool is None:
        workers = min(workers, len(refs))
        if workers <= 1:
            for ref in refs:
                extract_ref(settings, ref)
                chunk_done(ref)
            return loaded
        pool = start_workers(settings, workers)
        assert pool is not None
    import threading

    importer: threading.Thread | None = None

    def idle() -> None:
        nonlocal importer
        if parsed is not None and importer is None:
            importer = threading.Thread(target=_parse_ahead, args=(settings, parsed),
                                        name="dbt-parse", daemon=True)
            importer.start()

    from extract.nlp import ForkedWorkers

    try:
        if isinstance(pool, ForkedWorkers):
            _extract_forked(settings, refs, pool, workers, chunk_done, idle)
        else:
            _extract_spawned(settings, refs, pool, workers, chunk_done, idle)
    except BaseException:
        stop_workers(pool)
        raise
    stop_workers(pool, wait=True)  # all done: their exit is quick
    if importer is not None:
        importer.join()
    return loaded


def _extract_spawned(
    settings: Settings, refs: list[str], pool: ProcessPoolExecutor, workers: int,
    chunk_done: Callable[[str], None], idle: Callable[[], None],
) -> None:
    """The chunks ``refs`` through spawned workers, a chunk per task (``extract_ref``)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    futures = {pool.submit(extract_ref, settings, ref): ref for ref in refs}
    todo = set(futures)
    while todo:
        finished, todo = wait(todo, return_when=FIRST_COMPLETED)
        for future in sorted(finished, key=lambda f: futures[f]):
            ref, _ = future.result()
            chunk_done(ref)
        if len(todo) < workers:
            idle()


def run_backfill(
    settings: Settings,
    archive: Path,
    start: dt.date,
    end: dt.date,
    *,
    reprocess: bool = False,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    build: bool = True,
    progress: bool = True,
) -> BackfillResult:
    """The whole backfill in this process (plus ``workers`` spaCy processes)."""
    from extract.progress import Bars

    started = time.monotonic()
    # The workers start before the progress bar's thread (they may be forked) and before
    # the plan. (A rerun with nothing left to extract pays their start for nothing.)
    pool = start_workers(settings, workers)
    try:
        with Bars(enabled=progress) as bars:
            n_files = sum(1 for _ in list_candidates(archive.resolve(), end)) if progress else 0
            listing = bars.add_task("files read", total=n_files, visible=n_files > 0)
            plan = plan_backfill(
                settings, archive, start, end, reprocess=reprocess, chunk_size=chunk_size,
                on_file=lambda: bars.advance(listing),
            )
            # Articles extracted before a crash count as done.
            bar = bars.add_task("articles", total=plan.total_articles,
                                completed=plan.total_articles - plan.pending_articles,
                                visible=plan.total_articles > 0)
            parsed: list = []
            loaded = _extract_and_load(settings, plan, workers, lambda n: bars.advance(bar, n),
                                       parsed if build else None, pool)
    finally:
        stop_workers(pool)  # a no-op once the extraction let them go
    built = build_and_publish(settings, parsed=parsed[0] if parsed else None) if build else False
    totals = {"seen": 0, "loaded": 0, "duplicate": 0, "rejected": 0}
    for day in plan.staged:
        for k in totals:
            totals[k] += day.counts.get(k, 0)
    return BackfillResult(
        dates=len(plan.dates),
        skipped=len(plan.dates) - len(plan.staged),
        loaded=loaded,
        articles_extracted=plan.pending_articles,
        counts=totals,
        built=built,
        seconds=time.monotonic() - started,
    )
