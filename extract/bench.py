"""Benchmarks: Wirehouse against plain spaCy on the same texts, and the cost of a nightly run
as the warehouse grows. Method and latest figures: ``docs/benchmarks.md``.

``run_bench`` measures, in one process and on the same first ``limit`` files of an archive:

(a) the naive baseline: the packaged spaCy pipeline through ``nlp.pipe(n_process=2)``, no
    database;
(b) Wirehouse's extraction alone: the reader, our pipeline and the row building
    (``nlp.annotate_all``, the code ``runs.extract_chunk`` calls);
(c) the whole nightly run: plan, extract, load, dbt build and publish through
    ``runs.run_without_airflow`` (the code the DAG tasks call) into a scratch home.

``run_scale`` times one nightly run over a fixed day of new articles on a warehouse that
already holds a small and a large number of articles (written directly with Arrow).
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


class PeakRSS:
    """Samples the RSS of this process and all its descendants (psutil) in a thread.

    RSS counts the pages forked workers share with their parent once per process; the peak
    PSS (shared pages split between the processes sharing them) is kept too, sampled less
    often because it is slower to read.
    """

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

    def sample(self) -> int:
        psutil = self._psutil
        total = pss = 0
        procs = [self._proc]
        with contextlib.suppress(psutil.Error):
            procs += self._proc.children(recursive=True)
        self._count += 1
        full = self._count % 5 == 1
        for proc in procs:
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
        self.sample()
        self._thread = threading.Thread(target=self._run, name="peak-rss", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()

    def stage_peak_mb(self) -> float:
        """Peak since the previous call (or the start), in MB; starts a new stage."""
        self.sample()
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


def time_baseline(texts: list[str], model: str, n_process: int, batch_size: int) -> dict:
    """(a) The packaged pipeline, every component, ``nlp.pipe(n_process=...)``; no database."""
    import spacy

    t0 = time.perf_counter()
    nlp = spacy.load(model)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = sum(1 for _ in nlp.pipe(texts, n_process=n_process, batch_size=batch_size))
    seconds = time.perf_counter() - t0
    return {"pipes": nlp.pipe_names, "docs": n, "seconds": seconds, "load_s": load_s}


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
    t0 = time.perf_counter()
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
            "read_s": read_s, "load_s": load_s,
            "rows": {name: table.num_rows for name, table in result.items()}}


@contextlib.contextmanager
def _stage_timer(
    stages: dict[str, float], memory: PeakRSS | None = None,
    peaks: dict[str, float] | None = None,
) -> Iterator[None]:
    """Time the steps ``run_without_airflow`` calls, without changing what it calls (and,
    with ``memory``, record each step's peak RSS in ``peaks``)."""
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
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                stages[stage] = stages.get(stage, 0.0) + time.perf_counter() - t0
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
    extraction in ``workers`` spawned processes (each loads the model: in the time), one
    load per date, one dbt build, one publish. The warehouse is set up first, as for (c)."""
    import multiprocessing as mp

    from extract.backfill import run_backfill

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
    t0 = time.perf_counter()
    with _backfill_timer(stages, memory, peaks):
        result = run_backfill(current, corpus.archive, min(corpus.dates), max(corpus.dates),
                              workers=workers, chunk_size=chunk_size, progress=False)
    seconds = time.perf_counter() - t0
    if memory is not None:
        peaks["extract"] = max(peaks.get("extract", 0.0), memory.stage_peak_mb())
    stages["extract"] = seconds - sum(stages.values())
    if not result.built:
        raise RuntimeError("the benchmark backfill did not build and publish")
    return {"seconds": seconds, "stages": stages, "peaks": peaks, "init_s": init_s,
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
    print(f"peak RSS incl. children: {r['peak_rss_mb']} MB; by stage {r['peak_rss_mb_by_stage']}; "
          f"peak PSS {r['peak_pss_mb']} MB")
    print(f"load average before/after: {r['machine']['loadavg_before']} / "
          f"{r['machine']['loadavg_after']}")


# ---------------------------------------------------------------- scale


SCALE_BASE_FILES = 500
SCALE_NEW_DAY = dt.date(1987, 4, 24)  # 135 Reuters stories
SCALE_FIRST_COPY_DATE = dt.date(1990, 1, 1)
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


def _replicate(con, template: Path, copies: int, copies_per_insert: int = 50) -> None:
    """Append ``copies`` copies of the template's raw tables, one run date per copy, with
    fresh article ids and paths (so nothing is a duplicate of anything else).

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
        for name, schema in tables.ALL_TABLES.items():
            names = set(schema.names)
            swaps = []
            if "article_id" in names:
                swaps.append("left(md5(t.article_id || ':' || r.k), length(t.article_id)) "
                             "as article_id")
            for col in ("run_date", "article_date"):
                if col in names:
                    swaps.append(f"date '{SCALE_FIRST_COPY_DATE}' + r.k::integer as {col}")
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
) -> dict[str, Any]:
    """Time one nightly run over a fixed day of new articles on a warehouse already holding
    ``small`` and then ``large`` articles.

    The warehouses are built fast: ``base_files`` stories are extracted once with the real
    pipeline, then their raw rows are copied under shifted dates and fresh ids with DuckDB
    (Arrow in, no spaCy), and dbt builds the marts once (the state before the night). The
    timed run is ``run_without_airflow`` (plan, extract, load, dbt build, publish).
    """
    import math

    from extract.build import DbtBuildFailed
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
                _replicate(con, template.db_path, copies)
                held = con.execute("select count(*) from raw.articles").fetchall()[0][0]
            fill_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            errors: list[str] = []
            try:
                dbt_build(current)
                with connect(current.db_path) as con:
                    publish(current, con)
            except DbtBuildFailed as exc:  # still time the night; the failure is reported
                errors.append(f"first build: {exc}"[:500])
            warm_s = time.perf_counter() - t0
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
