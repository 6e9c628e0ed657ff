"""The benchmark runs on a tiny archive and writes its JSON (it is not a timed test)."""

from __future__ import annotations

import json
from pathlib import Path

from extract.cli import main

STORIES = [
    ("2019-03-04", "Iran and Russia signed a trade deal in Tehran on Monday, officials said."),
    ("2019-03-04",
     '"We will not back down," Prime Minister Boris Johnson told reporters in London.'),
    ("2019-03-05",
     "German Chancellor Angela Merkel met French President Emmanuel Macron in Paris."),
]


def _archive(root: Path) -> Path:
    archive = root / "archive"
    for index, (day, text) in enumerate(STORIES):
        folder = archive / day
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"story-{index}.txt").write_text(f"date {day}\n{text}\n", encoding="utf-8")
    (archive / "no-date.txt").write_text("no date line here\n", encoding="utf-8")
    return archive


def test_bench_runs_and_writes_json(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    out = tmp_path / "bench.json"
    rc = main(["-q", "bench", "--archive", str(archive), "--limit", "3", "--json", str(out),
               "--n-process", "1"])
    assert rc == 0
    result = json.loads(out.read_text())
    for key in ("baseline_docs_per_s", "extract_docs_per_s", "end_to_end_docs_per_s",
                "ratio_end_to_end", "peak_rss_mb"):
        assert key in result and result[key] is not None and result[key] > 0, key
    # --limit takes the first files by path: no-date.txt sorts after the dated folders.
    assert result["n_files"] == 3 and result["n_docs"] == 3
    assert result["rows"]["articles"] == 3


def test_worker_processes_give_the_same_rows() -> None:
    from extract.config import settings
    from extract.nlp import annotate_all, load_pipeline

    nlp = load_pipeline(settings().model)
    items = [(text, f"a{index}") for index, (_, text) in enumerate(STORIES * 3)]
    one = annotate_all(iter(items), nlp, n_process=1, batch_size=2)
    two = annotate_all(iter(items), nlp, n_process=2, batch_size=2)
    for name, table in one.items():
        assert two[name].equals(table), name
    assert one["entity_mentions"].num_rows > 0


def test_backfill_bench_runs_and_writes_json(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    out = tmp_path / "backfill.json"
    rc = main(["-q", "bench", "--backfill", "--archive", str(archive), "--limit", "3",
               "--json", str(out), "--n-process", "1"])
    assert rc == 0
    result = json.loads(out.read_text())
    for key in ("ratio_backfill", "ratio_extract", "backfill_docs_per_s", "peak_rss_mb",
                "ratio_backfill_cpu", "ratio_extract_cpu"):
        assert key in result and result[key] is not None and result[key] > 0, key
    # CPU seconds of each measure; (d) loads the model and runs dbt: more than (a)'s pipe
    cpu = result["cpu_seconds"]
    assert 0 < cpu["baseline"] < cpu["backfill"] and cpu["extract"] > 0, cpu
    # two dates, each loaded; every stage timed
    assert result["backfill_dates"] == 2 and result["backfill_articles"] == 3
    assert set(result["backfill_stages"]) == {"plan", "extract", "load", "dbt_build", "publish"}


def test_memory_sampler_cpu_is_no_part_of_the_measures() -> None:
    """The RSS sampler runs in the benchmark's process; ``_cpu`` leaves its CPU out."""
    import os
    import time

    from extract import bench

    with bench.PeakRSS(interval=0.0005) as memory:
        deadline = time.monotonic() + 1.0
        while memory.cpu_s < 0.1 and time.monotonic() < deadline:
            time.sleep(0.01)
        memory._stop.set()  # the thread stopped, the sampler still counted as running
        memory._thread.join()
        measured = bench._cpu()
        t = os.times()
        raw = t.user + t.system + t.children_user + t.children_system
        assert memory.cpu_s > 0.02
        assert abs((raw - measured) - memory.cpu_s) < 0.015
    assert memory.peak_bytes > 0 and memory.peak_pss_bytes > 0
    assert bench._SAMPLERS == []
