"""``wirehouse bench --cluster``: the same bulk backfill on a Celery cluster of 1 and of 2
workers (one spaCy process each), timed from the metadata DB.

Figures per cluster size: the extract phase's wall time (first extract task start to last
end) and its throughput; the per-chunk scheduling overhead (worker time per chunk minus the
same chunk's extraction in one warm process: queueing, task process start-up, DAG parse,
spaCy load, staging transfers); the single DuckDB writer's time (load_raw, dbt_build,
publish) per run date. Every cluster gets its own metadata database, Redis key prefix and
free ports, and is taken down (database dropped) afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from extract.config import DEFAULT_MODEL, Settings

WRITER_TASKS = ("plan", "load_raw", "dbt_build", "publish")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _task_times(cfg, run_id: str) -> list[tuple[str, float, float]]:
    from extract.cluster import query

    rows = query(
        cfg,
        "select task_id, extract(epoch from start_date), extract(epoch from end_date) "
        "from task_instance where dag_id = 'wirehouse_backfill' and run_id = %s "
        "and state = 'success'",
        [run_id],
    )
    return [(t, float(s), float(e)) for t, s, e in rows]


def _in_process_seconds(corpus_archive: Path, home: Path, start: dt.date, end: dt.date,
                        chunk_size: int, model: str) -> tuple[float, int, int]:
    """Plan, then extract every chunk in this one warm process: the chunks' pure cost."""
    from extract.backfill import plan_backfill
    from extract.nlp import load_pipeline
    from extract.runs import extract_chunks

    settings = Settings(home=home, archive=corpus_archive, model=model)
    plan = plan_backfill(settings, corpus_archive, start, end, chunk_size=chunk_size)
    load_pipeline(model)  # loaded once, outside the timing
    started = time.perf_counter()
    for day in plan.staged:
        extract_chunks(settings, day.run_date, list(day.chunks))
    return time.perf_counter() - started, len(plan.pending_refs()), plan.total_articles


def run_one(corpus_archive: Path, start: dt.date, end: dt.date, workers: int,
            chunk_size: int, model: str, scratch: Path) -> dict[str, Any]:
    from extract import cluster
    from extract.cluster_run import trigger, wait

    home = scratch / f"cluster-{workers}"
    settings = Settings(home=home, archive=corpus_archive, model=model)
    run = uuid.uuid4().hex[:8]
    saved = dict(os.environ)
    os.environ.update({
        "WIREHOUSE_HOME": str(home), "WIREHOUSE_ARCHIVE": str(corpus_archive),
        "WIREHOUSE_SPACY_MODEL": model,
        "WIREHOUSE_AIRFLOW_DB": f"wirehouse_bench_{run}",
        "WIREHOUSE_BROKER_PREFIX": f"wirehouse-bench-{run}:",
        "WIREHOUSE_API_PORT": str(_free_port()), "WIREHOUSE_LOG_PORT": str(_free_port()),
    })
    os.environ.pop("WIREHOUSE_STAGING_URL", None)
    cfg = None
    try:
        t0 = time.monotonic()
        cfg = cluster.up(settings, workers, paused=True)
        up_s = time.monotonic() - t0
        conf = {"archive": str(corpus_archive), "from_date": start.isoformat(),
                "to_date": end.isoformat(), "chunk_size": chunk_size, "max_tasks": 1000}
        t0 = time.monotonic()
        run_id = trigger(settings, cfg, "wirehouse_backfill", conf)
        state = wait(cfg, "wirehouse_backfill", run_id, progress=True)
        wall = time.monotonic() - t0
        if state.state != "success":
            raise RuntimeError(f"bench backfill on {workers} workers: {state.state} "
                               f"{state.tasks}; logs in {home / 'cluster' / 'logs'}")
        times = _task_times(cfg, run_id)
        hosts = cluster.worker_task_counts(cfg, "wirehouse_backfill")
    finally:
        if cfg is not None:
            cluster.down(settings)
            cluster.drop_database(cfg)
        os.environ.clear()
        os.environ.update(saved)
    extracts = [(s, e) for t, s, e in times if t == "extract"]
    phase = max(e for _, e in extracts) - min(s for s, _ in extracts)
    writer = {t: sum(e - s for task, s, e in times if task == t) for t in WRITER_TASKS}
    return {
        "workers": workers, "cluster_up_s": round(up_s, 1), "dag_run_s": round(wall, 1),
        "extract_tasks": len(extracts), "extract_phase_s": round(phase, 2),
        "extract_task_s_sum": round(sum(e - s for s, e in extracts), 2),
        "writer_s": {k: round(v, 2) for k, v in writer.items()},
        "tasks_per_worker": hosts,
    }


def run_cluster_bench(archive: Path, limit: int, chunk_size: int,
                      json_path: Path | None = None, model: str = DEFAULT_MODEL) -> dict:
    from extract.bench import select_corpus

    with tempfile.TemporaryDirectory(prefix="wirehouse-bench-cluster-") as tmp:
        scratch = Path(tmp)
        corpus = select_corpus(archive, limit, scratch / "archive")
        start, end = min(corpus.dates), max(corpus.dates)
        n_dates = (end - start).days + 1
        inproc_s, n_chunks, n_articles = _in_process_seconds(
            corpus.archive, scratch / "in-process", start, end, chunk_size, model)
        runs = [run_one(corpus.archive, start, end, w, chunk_size, model, scratch)
                for w in (1, 2)]
    for r in runs:
        r["articles_per_s"] = round(n_articles / r["extract_phase_s"], 2)
        # Worker time per chunk beyond the chunk's own extraction in a warm process.
        r["overhead_per_chunk_s"] = round(
            (r["workers"] * r["extract_phase_s"] - inproc_s) / n_chunks, 2)
        r["writer_s_per_date"] = round(
            sum(v for k, v in r["writer_s"].items() if k != "plan") / n_dates, 2)
    result = {
        "archive": str(archive), "files": corpus.n_files, "articles": n_articles,
        "dates": n_dates, "chunks": n_chunks, "chunk_size": chunk_size,
        "in_process_extract_s": round(inproc_s, 2),
        "in_process_articles_per_s": round(n_articles / inproc_s, 2),
        "runs": runs,
        "throughput_ratio_2_vs_1": round(runs[1]["articles_per_s"] / runs[0]["articles_per_s"],
                                         2),
        "load_avg_1m": os.getloadavg()[0],
        "cpus": os.cpu_count(),
    }
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=1))
    _print(result)
    return result


def _print(r: dict) -> None:
    print(f"cluster bench: {r['articles']} articles, {r['dates']} dates, {r['chunks']} chunks "
          f"of {r['chunk_size']}; one warm process: {r['in_process_extract_s']} s "
          f"({r['in_process_articles_per_s']} articles/s)")
    for run in r["runs"]:
        print(f"  {run['workers']} worker(s): extract phase {run['extract_phase_s']} s, "
              f"{run['articles_per_s']} articles/s, overhead {run['overhead_per_chunk_s']} s "
              f"per chunk; DAG run {run['dag_run_s']} s; DuckDB writer "
              f"{run['writer_s_per_date']} s per date {run['writer_s']}; "
              f"cluster up {run['cluster_up_s']} s")
    print(f"  throughput ratio 2 vs 1 workers: {r['throughput_ratio_2_vs_1']} "
          f"(load average {r['load_avg_1m']:.1f} on {r['cpus']} CPUs: other work skews it)")
