"""Benchmarks: Wirehouse against plain spaCy on the same texts, and the cost of a nightly run
as the warehouse grows. Method and latest figures: ``docs/benchmarks.md``.

``run_bench`` measures, in one process and on the same first ``limit`` files of an archive:

(a) the naive baseline: the packaged spaCy pipeline through ``nlp.pipe(n_process=2)``, no
    database;
(b) Wirehouse's extraction alone: the reader, our pipeline and the row building
    (``nlp.annotate_all``, the code ``runs.extract_chunk`` calls);
(c) the whole nightly run: plan, extract, load, dbt build and publish through
    ``runs.run_without_airflow`` (the code the DAG tasks call) into a scratch home.

``run_backfill_bench`` times ``wirehouse backfill`` end to end against (a) and (b); the scale
benchmark (one night on a small and on a large warehouse) is ``extract.bench_scale``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import platform
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.config import DEFAULT_ARCHIVE, PROJECT_DIR, Settings, settings

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 800
REUTERS = PROJECT_DIR.parent / "shared" / "archive" / "reuters-1987"


def default_archive() -> Path:
    return REUTERS if REUTERS.is_dir() else DEFAULT_ARCHIVE


# ---------------------------------------------------------------- memory

# The running memory samplers (their CPU is no part of the measures: ``_cpu``).
_SAMPLERS: list[PeakRSS] = []


class PeakRSS:
    """Samples the RSS of this process and all its descendants (psutil) in a thread.

    RSS counts the pages forked workers share with their parent once per process; the peak
    PSS (shared pages split between the processes sharing them) is kept too, sampled less
    often because it is slower to read.

    The sampler is the benchmark's instrument, not the work it measures, yet it runs in the
    benchmark's process: its CPU seconds (``cpu_s``) are taken out of ``_cpu()``. Reading a
    worker's PSS walks its page tables (~10-50 ms for a spaCy worker, in the kernel, charged
    to the reader), so PSS is read about once a second, and the list of child processes
    (a scan of every process on the machine) refreshed every ``PROCS_EVERY`` samples.
    """

    PSS_EVERY = 20  # samples: ~1 s at the default interval
    PROCS_EVERY = 5  # samples: a new worker is seen within ~0.25 s, long before its peak

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self._psutil = psutil  # imported once: a fork must never catch this thread importing
        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.peak_bytes = 0
        self.peak_pss_bytes = 0
        self._mark = 0
        self._count = 0
        self._procs: list = [self._proc]
        self._lock = threading.Lock()
        self.cpu_s = 0.0  # CPU seconds spent sampling, in whichever thread sampled

    def sample(self, full: bool = False) -> int:
        """Sum the RSS now; ``full``: refresh the process list and read PSS too."""
        with self._lock:
            t0 = time.thread_time()
            try:
                return self._sample(full)
            finally:
                self.cpu_s += time.thread_time() - t0

    def _sample(self, full: bool) -> int:
        psutil = self._psutil
        total = pss = 0
        self._count += 1
        if full or self._count % self.PROCS_EVERY == 1:
            procs = [self._proc]
            with contextlib.suppress(psutil.Error):
                procs += self._proc.children(recursive=True)
            self._procs = procs
        full = full or self._count % self.PSS_EVERY == 1
        for proc in self._procs:
            with contextlib.suppress(psutil.Error, AttributeError):
                total += proc.memory_info().rss
                if full:
                    pss += proc.memory_full_info().pss
        self.peak_pss_bytes = max(self.peak_pss_bytes, pss)
        self.peak_bytes = max(self.peak_bytes, total)
        self._mark = max(self._mark, total)
        return total

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.sample()

    def __enter__(self) -> PeakRSS:
        _SAMPLERS.append(self)
        self.sample(full=True)
        self._thread = threading.Thread(target=self._run, name="peak-rss", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample(full=True)
        _SAMPLERS.remove(self)

    def stage_peak_mb(self) -> float:
        """Peak since the previous call (or the start), in MB; starts a new stage."""
        self.sample(full=True)
        peak, self._mark = self._mark, 0
        return round(peak / 2**20, 1)


# ---------------------------------------------------------------- inputs


@dataclass
class Corpus:
    archive: Path  # a copy holding exactly the selected files
    n_files: int
    texts: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)

    @property
    def n_words(self) -> int:
        return sum(len(t.split()) for t in self.texts)


def select_corpus(archive: Path, limit: int | None, dest: Path) -> Corpus:
    """The first ``limit`` files of ``archive`` by relative path, copied to ``dest``."""
    from extract.manifest import list_candidates, read_candidate
    from extract.reader import Article

    chosen = sorted(list_candidates(archive, dt.date.max), key=lambda c: c.path)
    if limit:
        chosen = chosen[:limit]
    corpus = Corpus(archive=dest, n_files=len(chosen))
    seen: set[str] = set()
    for cand in chosen:
        target = dest / cand.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if cand.problem is None:
            shutil.copy2(cand.absolute, target)
        _, parsed = read_candidate(cand)
        if isinstance(parsed, Article) and parsed.article_id not in seen:
            seen.add(parsed.article_id)
            corpus.texts.append(parsed.text)
            corpus.ids.append(parsed.article_id)
            corpus.dates.append(parsed.article_date)
    return corpus


# ---------------------------------------------------------------- the three measures


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its children waited for: the
    measures' workers are all joined before their timing ends. Less sensitive than wall time
    to other jobs on the machine (they take cores, not this work's CPU seconds). The memory
    samplers' own CPU is left out (2-3 CPU s per 45 s of wall before it was sampled less
    often, charged to whichever measure ran longest)."""
    t = os.times()
    return (t.user + t.system + t.children_user + t.children_system
            - sum(sampler.cpu_s for sampler in _SAMPLERS))


def time_baseline(texts: list[str], model: str, n_process: int, batch_size: int) -> dict:
    """(a) The packaged pipeline, every component, ``nlp.pipe(n_process=...)``; no database."""
    import spacy

    t0 = time.perf_counter()
    nlp = spacy.load(model)
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), _cpu()
    n = sum(1 for _ in nlp.pipe(texts, n_process=n_process, batch_size=batch_size))
    seconds = time.perf_counter() - t0
    return {"pipes": nlp.pipe_names, "docs": n, "seconds": seconds, "load_s": load_s,
            "cpu_s": _cpu() - c0}


_CEILING_NLP = None


def _ner_batch(batch: list[str]) -> int:
    assert _CEILING_NLP is not None
    return sum(len(doc.ents) for doc in _CEILING_NLP.pipe(batch, batch_size=len(batch) or 1))


def time_ner_only(texts: list[str], model: str, n_process: int, batch_size: int) -> dict:
    """A ceiling, not a Wirehouse measure: the model's NER (with its own tok2vec) and a
    rule-based sentencizer, nothing else -- the least any pipeline that finds named actors
    with this model runs -- through forked workers that return only a count (the cheapest
    way back to the parent), ``n_process`` of them."""
    import multiprocessing as mp

    import spacy

    global _CEILING_NLP
    nlp = spacy.load(model, exclude=[p for p in spacy.load(model).pipe_names if p != "ner"])
    nlp.add_pipe("sentencizer", first=True)
    batches = [texts[i:i + batch_size] for i in range(0, len(texts), batch_size)]
    t0 = time.perf_counter()
    if n_process > 1 and "fork" in mp.get_all_start_methods():
        _CEILING_NLP = nlp
        try:
            with mp.get_context("fork").Pool(n_process) as pool:
                n_ents = sum(pool.imap(_ner_batch, batches))
        finally:
            _CEILING_NLP = None
    else:
        n_ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=batch_size))
    return {"pipes": nlp.pipe_names, "docs": len(texts), "entities": n_ents,
            "seconds": time.perf_counter() - t0}


def time_extract(corpus: Corpus, model: str, n_process: int, batch_size: int) -> dict:
    """(b) Reading the files + our pipeline + row building, as ``extract_chunk`` does it."""
    from extract.manifest import list_candidates, read_candidate
    from extract.nlp import annotate_all, load_pipeline
    from extract.reader import Article

    load_pipeline.cache_clear()
    t0 = time.perf_counter()
    nlp = load_pipeline(model)
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), _cpu()
    items: list[tuple[str, str]] = []
    seen: set[str] = set()
    for cand in sorted(list_candidates(corpus.archive, dt.date.max), key=lambda c: c.path):
        _, parsed = read_candidate(cand)
        if isinstance(parsed, Article) and parsed.article_id not in seen:
            seen.add(parsed.article_id)
            items.append((parsed.text, parsed.article_id))
    read_s = time.perf_counter() - t0
    result = annotate_all(iter(items), nlp, n_process=n_process, batch_size=batch_size)
    seconds = time.perf_counter() - t0
    return {"pipes": nlp.pipe_names, "docs": len(items), "seconds": seconds,
            "read_s": read_s, "load_s": load_s, "cpu_s": _cpu() - c0,
            "rows": {name: table.num_rows for name, table in result.items()}}


@contextlib.contextmanager
def _stage_timer(
    stages: dict[str, float], memory: PeakRSS | None = None,
    peaks: dict[str, float] | None = None, cpu: dict[str, float] | None = None,
) -> Iterator[None]:
    """Time the steps ``run_without_airflow`` calls, without changing what it calls (and,
    with ``memory``, record each step's peak RSS in ``peaks``; with ``cpu``, each step's CPU
    seconds of this process and DuckDB's threads, not of the extraction workers)."""
    from extract import build, publish, runs

    originals = {
        (runs, "plan_run"): "plan", (runs, "extract_chunks"): "extract",
        (runs, "load_run"): "load", (build, "build"): "dbt_build", (publish, "publish"): "publish",
    }
    saved = {key: getattr(*key) for key in originals}

    def timed(func, stage):
        def wrapper(*args, **kwargs):
            if memory is not None:
                memory.stage_peak_mb()
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                stages[stage] = stages.get(stage, 0.0) + time.perf_counter() - t0
                if cpu is not None:
                    cpu[stage] = cpu.get(stage, 0.0) + time.process_time() - c0
                if memory is not None and peaks is not None:
                    peaks[stage] = max(peaks.get(stage, 0.0), memory.stage_peak_mb())
        return wrapper

    for (module, name), stage in originals.items():
        setattr(module, name, timed(saved[(module, name)], stage))
    try:
        yield
    finally:
        for (module, name), func in saved.items():
            setattr(module, name, func)


def _init_warehouse(current: Settings) -> None:
    from extract.build import build
    from extract.warehouse import connect, ensure_schema

    with connect(current.db_path) as con:
        ensure_schema(con)
    build(current)


def time_end_to_end(corpus: Corpus, home: Path, model: str, n_process: int, batch_size: int,
                    chunk_size: int, run_date: dt.date | None = None) -> dict:
    """(c) One nightly run (plan, extract, load, dbt build, publish) into ``home``."""
    from extract.nlp import load_pipeline
    from extract.runs import run_without_airflow

    current = Settings(home=home, archive=corpus.archive, model=model)
    run_date = run_date or max(corpus.dates)
    # Set the warehouse up first, as an installation is before its first night: raw schema,
    # seeds, a parsed project and a first (empty) build. Timed, reported apart from (c).
    # In a child process, so the timed run still imports dbt itself, as a DAG task does
    # (spawned: forking while the memory sampler's thread runs can deadlock the child).
    import multiprocessing as mp

    t0 = time.perf_counter()
    child = mp.get_context("spawn").Process(target=_init_warehouse, args=(current,))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"setting up the benchmark warehouse failed ({child.exitcode})")
    init_s = time.perf_counter() - t0
    load_pipeline.cache_clear()  # the run loads its model, as a DAG task does
    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    with _stage_timer(stages):
        counts = run_without_airflow(current, corpus.archive, run_date, n_process=n_process,
                                     chunk_size=chunk_size, batch_size=batch_size)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "run_date": run_date.isoformat(), "stages": stages,
            "docs": counts.get("articles", 0), "rows": counts, "init_s": init_s}


@contextlib.contextmanager
def _backfill_timer(stages: dict[str, float], memory: PeakRSS | None = None,
                    peaks: dict[str, float] | None = None) -> Iterator[None]:
    """Time the steps ``run_backfill`` runs in this process (plan, each date's load, the dbt
    build, the publish); extraction runs in spawned workers, between and beside the loads:
    it is the rest of the wall time."""
    from extract import backfill, build, publish

    wrapped = {(backfill, "plan_backfill"): "plan", (backfill, "load_date"): "load",
               (build, "build"): "dbt_build", (publish, "publish"): "publish"}
    saved = {key: getattr(*key) for key in wrapped}

    def timed(func, stage):
        def wrapper(*args, **kwargs):
            if memory is not None and peaks is not None:
                peaks["extract"] = max(peaks.get("extract", 0.0), memory.stage_peak_mb())
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                stages[stage] = stages.get(stage, 0.0) + time.perf_counter() - t0
                if memory is not None and peaks is not None:
                    peaks[stage] = max(peaks.get(stage, 0.0), memory.stage_peak_mb())
        return wrapper

    for key, stage in wrapped.items():
        setattr(*key, timed(saved[key], stage))
    try:
        yield
    finally:
        for key, func in saved.items():
            setattr(*key, func)


def time_backfill(corpus: Corpus, home: Path, model: str, workers: int, chunk_size: int,
                  memory: PeakRSS | None = None) -> dict:
    """(d) ``wirehouse backfill`` over every date of the corpus into ``home``: one listing,
    extraction in ``workers`` processes (forked once this process has loaded the model, in
    the time; spawned where fork does not exist), one load per date, one dbt build, one
    publish. The warehouse is set up first, as for (c)."""
    import multiprocessing as mp

    from extract.backfill import run_backfill
    from extract.nlp import load_pipeline

    current = Settings(home=home, archive=corpus.archive, model=model)
    t0 = time.perf_counter()
    child = mp.get_context("spawn").Process(target=_init_warehouse, args=(current,))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"setting up the benchmark warehouse failed ({child.exitcode})")
    init_s = time.perf_counter() - t0
    stages: dict[str, float] = {}
    peaks: dict[str, float] = {}
    if memory is not None:
        memory.stage_peak_mb()
    # The backfill loads its model (once, forked workers share it), as `wirehouse backfill`
    # does: not (b)'s copy. spaCy's import is not in the time: (a) imported it.
    load_pipeline.cache_clear()
    t0, c0 = time.perf_counter(), _cpu()
    with _backfill_timer(stages, memory, peaks):
        result = run_backfill(current, corpus.archive, min(corpus.dates), max(corpus.dates),
                              workers=workers, chunk_size=chunk_size, progress=False)
    seconds = time.perf_counter() - t0
    cpu_s = _cpu() - c0
    if memory is not None:
        peaks["extract"] = max(peaks.get("extract", 0.0), memory.stage_peak_mb())
    stages["extract"] = seconds - sum(stages.values())
    if not result.built:
        raise RuntimeError("the benchmark backfill did not build and publish")
    return {"seconds": seconds, "stages": stages, "peaks": peaks, "init_s": init_s,
            "cpu_s": cpu_s,
            "dates": result.dates, "loaded_dates": result.loaded,
            "articles": result.counts["loaded"]}


# ---------------------------------------------------------------- the benchmark


def _machine(load_before: tuple[float, ...]) -> dict[str, Any]:
    """The machine and its load around a bench: figures mean little without them."""
    return {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "loadavg_before": [round(x, 2) for x in load_before],
                        "loadavg_after": [round(x, 2) for x in os.getloadavg()]},
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def _save(result: dict[str, Any], json_path: Path | None) -> dict[str, Any]:
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2) + "\n")
    return result


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 2) if seconds > 0 else 0.0


def run_bench(
    archive: Path | None = None,
    limit: int | None = DEFAULT_LIMIT,
    *,
    json_path: Path | None = None,
    n_process: int = 2,
    batch_size: int | None = None,
    chunk_size: int | None = None,
    model: str | None = None,
    scratch: Path | None = None,
    baseline: bool = True,
) -> dict[str, Any]:
    """Measure (a), (b) and (c) on the same texts; print them; write ``json_path``."""
    from extract.nlp import DEFAULT_BATCH_SIZE
    from extract.runs import DEFAULT_CHUNK_SIZE

    archive = (archive or default_archive()).resolve()
    model = model or settings().model
    batch_size = batch_size or DEFAULT_BATCH_SIZE
    chunk_size = chunk_size or DEFAULT_CHUNK_SIZE
    load_before = os.getloadavg()
    with contextlib.ExitStack() as stack:
        root = scratch or Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="wirehouse-bench-")))
        memory = stack.enter_context(PeakRSS())
        corpus = select_corpus(archive, limit, root / "archive")
        if not corpus.texts:
            raise ValueError(f"no readable articles in the first {limit} files of {archive}")
        memory.stage_peak_mb()
        n_docs, n_words = len(corpus.texts), corpus.n_words
        peaks: dict[str, float] = {}
        base = ceiling = None
        if baseline:
            base = time_baseline(corpus.texts, model, n_process, batch_size)
            peaks["baseline"] = memory.stage_peak_mb()
            ceiling = time_ner_only(corpus.texts, model, n_process, batch_size)
        ext = time_extract(corpus, model, n_process, batch_size)
        peaks["extract"] = memory.stage_peak_mb()
        e2e = time_end_to_end(corpus, root / "home", model, n_process, batch_size, chunk_size)
        peaks["end_to_end"] = memory.stage_peak_mb()

    base_rate = _rate(n_docs, base["seconds"]) if base else None
    ext_rate = _rate(n_docs, ext["seconds"])
    e2e_rate = _rate(n_docs, e2e["seconds"])
    result: dict[str, Any] = {
        "archive": str(archive),
        "limit": limit,
        "n_files": corpus.n_files,
        "n_docs": n_docs,
        "n_words": n_words,
        "model": model,
        "n_process": n_process,
        "batch_size": batch_size,
        "chunk_size": chunk_size,
        "baseline_pipes": base["pipes"] if base else None,
        "wirehouse_pipes": ext["pipes"],
        "baseline_seconds": round(base["seconds"], 2) if base else None,
        "extract_seconds": round(ext["seconds"], 2),
        "end_to_end_seconds": round(e2e["seconds"], 2),
        "baseline_docs_per_s": base_rate,
        "extract_docs_per_s": ext_rate,
        "end_to_end_docs_per_s": e2e_rate,
        "baseline_words_per_s": _rate(n_words, base["seconds"]) if base else None,
        "extract_words_per_s": _rate(n_words, ext["seconds"]),
        "end_to_end_words_per_s": _rate(n_words, e2e["seconds"]),
        "ratio_extract": round(ext_rate / base_rate, 3) if base_rate else None,
        "ratio_end_to_end": round(e2e_rate / base_rate, 3) if base_rate else None,
        # Ceiling: NER + sentencizer only, and the end-to-end rate if extraction cost no more
        # than that while plan, load, dbt and publish stayed as measured in (c).
        "ner_only_seconds": round(ceiling["seconds"], 2) if base else None,
        "ratio_ner_only": (round(base["seconds"] / ceiling["seconds"], 3) if base else None),
        "ratio_end_to_end_ceiling": (
            round(base["seconds"] / (ceiling["seconds"] + sum(
                v for k, v in e2e["stages"].items() if k != "extract")), 3)
            if base else None),
        "model_load_seconds": {"baseline": round(base["load_s"], 2) if base else None,
                               "wirehouse": round(ext["load_s"], 2)},
        "extract_read_seconds": round(ext["read_s"], 2),
        "end_to_end_stages": {k: round(v, 2) for k, v in e2e["stages"].items()},
        "end_to_end_run_date": e2e["run_date"],
        "warehouse_init_seconds": round(e2e["init_s"], 2),
        "rows": e2e["rows"],
        "peak_rss_mb": round(memory.peak_bytes / 2**20, 1),
        "peak_rss_mb_by_stage": peaks,
        "peak_pss_mb": round(memory.peak_pss_bytes / 2**20, 1),
        **_machine(load_before),
    }
    print_bench(result)
    return _save(result, json_path)


def print_bench(r: dict[str, Any]) -> None:
    print(f"archive {r['archive']}: {r['n_docs']} articles ({r['n_words']} words) "
          f"from the first {r['n_files']} files; n_process={r['n_process']}, "
          f"batch_size={r['batch_size']}, chunk_size={r['chunk_size']}")
    rows = [("(a) baseline: spaCy full pipeline", "baseline"),
            ("(b) Wirehouse extraction", "extract"),
            ("(c) Wirehouse end to end", "end_to_end")]
    print(f"{'':38} {'seconds':>8} {'articles/s':>11} {'words/s':>9} {'x (a)':>6}")
    for label, key in rows:
        if r[f"{key}_docs_per_s"] is None:
            continue
        ratio = {"extract": r["ratio_extract"], "end_to_end": r["ratio_end_to_end"]}.get(key)
        print(f"{label:38} {r[f'{key}_seconds']:8.2f} {r[f'{key}_docs_per_s']:11.2f} "
              f"{r[f'{key}_words_per_s']:9.0f} {'' if ratio is None else f'{ratio:6.2f}'}")
    if r.get("ner_only_seconds") is not None:
        print(f"ceiling: spaCy NER + sentencizer only {r['ner_only_seconds']:.2f}s = "
              f"{r['ratio_ner_only']:.2f}x (a); (c) with extraction that cheap: "
              f"{r['ratio_end_to_end_ceiling']:.2f}x (a)")
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in r["end_to_end_stages"].items())
    print(f"(c) stages: {stages}; before (c), once per warehouse: setup and first (empty) "
          f"build {r['warehouse_init_seconds']:.2f}s")
    print(f"model load (not in (a)/(b), in (c)): {r['model_load_seconds']}")
    print(f"peak RSS incl. children: {r['peak_rss_mb']} MB; by stage {r['peak_rss_mb_by_stage']}; "
          f"peak PSS {r['peak_pss_mb']} MB")
    print(f"load average before/after: {r['machine']['loadavg_before']} / "
          f"{r['machine']['loadavg_after']}")


def run_backfill_bench(
    archive: Path | None = None,
    limit: int | None = 3000,
    *,
    json_path: Path | None = None,
    n_process: int = 2,
    batch_size: int | None = None,
    chunk_size: int | None = None,
    model: str | None = None,
    scratch: Path | None = None,
) -> dict[str, Any]:
    """(a) plain spaCy, (b) Wirehouse extraction and (d) ``wirehouse backfill`` end to end,
    back to back on the same first ``limit`` files; print them; write ``json_path``."""
    from extract.nlp import DEFAULT_BATCH_SIZE
    from extract.runs import DEFAULT_CHUNK_SIZE

    archive = (archive or default_archive()).resolve()
    model = model or settings().model
    batch_size = batch_size or DEFAULT_BATCH_SIZE
    chunk_size = chunk_size or DEFAULT_CHUNK_SIZE
    load_before = os.getloadavg()
    with contextlib.ExitStack() as stack:
        root = scratch or Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="wirehouse-bench-")))
        memory = stack.enter_context(PeakRSS())
        corpus = select_corpus(archive, limit, root / "archive")
        if not corpus.texts:
            raise ValueError(f"no readable articles in the first {limit} files of {archive}")
        memory.stage_peak_mb()
        n_docs, n_words = len(corpus.texts), corpus.n_words
        peaks: dict[str, float] = {}
        base = time_baseline(corpus.texts, model, n_process, batch_size)
        peaks["baseline"] = memory.stage_peak_mb()
        ext = time_extract(corpus, model, n_process, batch_size)
        peaks["extract"] = memory.stage_peak_mb()
        back = time_backfill(corpus, root / "home", model, n_process, chunk_size, memory)
    base_rate = _rate(n_docs, base["seconds"])
    ext_rate = _rate(n_docs, ext["seconds"])
    back_rate = _rate(back["articles"], back["seconds"])
    result: dict[str, Any] = {
        "archive": str(archive), "limit": limit, "n_files": corpus.n_files, "n_docs": n_docs,
        "n_words": n_words, "model": model, "n_process": n_process, "workers": n_process,
        "batch_size": batch_size, "chunk_size": chunk_size,
        "baseline_pipes": base["pipes"], "wirehouse_pipes": ext["pipes"],
        "baseline_seconds": round(base["seconds"], 2),
        "extract_seconds": round(ext["seconds"], 2),
        "backfill_seconds": round(back["seconds"], 2),
        "baseline_docs_per_s": base_rate, "extract_docs_per_s": ext_rate,
        "backfill_docs_per_s": back_rate,
        "ratio_extract": round(ext_rate / base_rate, 3) if base_rate else None,
        "ratio_backfill": round(back_rate / base_rate, 3) if base_rate else None,
        # With the one-off warehouse set-up (raw schema, seeds, first empty build) counted.
        "ratio_backfill_with_init": round(
            _rate(back["articles"], back["seconds"] + back["init_s"]) / base_rate, 3)
        if base_rate else None,
        # CPU seconds per article, (a) over (b) / (d): the work each does, whatever else
        # runs on the machine (wall-time ratios move with the load; these far less).
        "cpu_seconds": {"baseline": round(base["cpu_s"], 2), "extract": round(ext["cpu_s"], 2),
                        "backfill": round(back["cpu_s"], 2)},
        "ratio_extract_cpu": round(base["cpu_s"] / ext["cpu_s"], 3) if ext["cpu_s"] else None,
        "ratio_backfill_cpu": round(
            base["cpu_s"] / n_docs / (back["cpu_s"] / back["articles"]), 3)
        if back["cpu_s"] and back["articles"] else None,
        "backfill_stages": {k: round(v, 2) for k, v in back["stages"].items()},
        "backfill_dates": back["dates"], "backfill_articles": back["articles"],
        "warehouse_init_seconds": round(back["init_s"], 2),
        "model_load_seconds": {"baseline": round(base["load_s"], 2),
                               "wirehouse": round(ext["load_s"], 2)},
        "peak_rss_mb": round(memory.peak_bytes / 2**20, 1),
        "peak_rss_mb_by_stage": {**peaks, **{f"backfill_{k}": v
                                             for k, v in back["peaks"].items()}},
        "peak_pss_mb": round(memory.peak_pss_bytes / 2**20, 1),
        **_machine(load_before),
    }
    print_backfill_bench(result)
    return _save(result, json_path)


def print_backfill_bench(r: dict[str, Any]) -> None:
    print(f"archive {r['archive']}: {r['n_docs']} articles ({r['n_words']} words) "
          f"from the first {r['n_files']} files; n_process/workers={r['n_process']}, "
          f"batch_size={r['batch_size']}, chunk_size={r['chunk_size']}")
    print(f"{'':38} {'seconds':>8} {'articles/s':>11} {'x (a)':>6}")
    for label, key, ratio in (("(a) baseline: spaCy full pipeline", "baseline", None),
                              ("(b) Wirehouse extraction", "extract", r["ratio_extract"]),
                              ("(d) wirehouse backfill end to end", "backfill",
                               r["ratio_backfill"])):
        print(f"{label:38} {r[f'{key}_seconds']:8.2f} {r[f'{key}_docs_per_s']:11.2f} "
              f"{'' if ratio is None else f'{ratio:6.2f}'}")
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in r["backfill_stages"].items())
    print(f"(d) {r['backfill_dates']} dates, stages: {stages}; before (d), once per warehouse: "
          f"setup {r['warehouse_init_seconds']:.2f}s (with it: "
          f"{r['ratio_backfill_with_init']:.2f}x (a))")
    cpu = r["cpu_seconds"]
    print(f"CPU seconds (incl. workers): (a) {cpu['baseline']:.1f}, (b) {cpu['extract']:.1f}, "
          f"(d) {cpu['backfill']:.1f}; per article vs (a): (b) {r['ratio_extract_cpu']}x, "
          f"(d) {r['ratio_backfill_cpu']}x")
    print(f"peak RSS incl. children: {r['peak_rss_mb']} MB; by stage {r['peak_rss_mb_by_stage']}; "
          f"peak PSS {r['peak_pss_mb']} MB")
    print(f"load average before/after: {r['machine']['loadavg_before']} / "
          f"{r['machine']['loadavg_after']}")
