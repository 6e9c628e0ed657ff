"""Replay the scale benchmark's night on a kept warehouse and print dbt's per-model seconds.

``wirehouse bench --scale --scale-keep DIR`` keeps each warehouse as it was before its night
(``DIR/warehouse-N``) and the night's files (``DIR/new-day``). This copies one of them, runs
the same night (``run_without_airflow`` under the bench's stage timer) and prints the stages
and the slowest dbt nodes of that night, so two versions of the code can be compared on the
same warehouse, back to back. A warehouse built by another version of the dbt project gets a
full build and publish first (not timed), as the bench's first build would.

    .venv/bin/python scripts/replay_night.py DIR/warehouse-200000 /tmp/replay --top 25
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import time
from pathlib import Path

from extract.bench import _stage_timer
from extract.bench_scale import SCALE_NEW_DAY
from extract.build import build, project_fingerprint, run_dbt
from extract.config import Settings, settings
from extract.publish import publish
from extract.runs import run_without_airflow
from extract.warehouse import connect

NODE = re.compile(r"(?:OK created sql \w+ model|PASS|FAIL|WARN) (\S+) .*in ([\d.]+)s")


def node_seconds(log: Path) -> dict[str, float]:
    """Seconds per model and test of the last dbt invocation in ``log``."""
    lines = log.read_text().splitlines()
    start = max(i for i, line in enumerate(lines) if "Running with dbt" in line)
    return {m.group(1): float(m.group(2)) for line in lines[start:] if (m := NODE.search(line))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a kept DIR/warehouse-N")
    parser.add_argument("work", type=Path, help="scratch copy (replaced)")
    parser.add_argument("--new-day", type=Path, help="default: DIR/new-day next to it")
    parser.add_argument("--day", type=dt.date.fromisoformat, default=SCALE_NEW_DAY)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    new_day = args.new_day or args.warehouse.parent / "new-day"
    shutil.rmtree(args.work, ignore_errors=True)
    shutil.copytree(args.warehouse, args.work, symlinks=True)
    current = Settings(home=args.work, archive=new_day, model=settings().model)
    stamp = args.work / "dbt" / "project_fingerprint"
    if not stamp.exists() or stamp.read_text() != project_fingerprint():
        t0 = time.perf_counter()
        build(current)
        with connect(current.db_path) as con:
            publish(current, con)
        print(f"full build + publish with this code (untimed): {time.perf_counter() - t0:.1f}s")
    # dbt keys its partial-parse cache on the warehouse path too, so a copy parses the whole
    # project again (~7 s): parse it here, untimed, as the night before a real one did.
    run_dbt(current, ["parse"])
    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    with _stage_timer(stages, cpu=cpu):
        run_without_airflow(current, new_day, args.day, n_process=2)
    night = time.perf_counter() - t0
    print(f"night {night:.2f}s", {k: round(v, 2) for k, v in stages.items()},
          "cpu", {k: round(v, 2) for k, v in cpu.items()},
          f"load {load_before} -> {os.getloadavg()}")
    seconds = node_seconds(args.work / "dbt" / "logs" / "dbt.log")
    print(f"dbt nodes: {len(seconds)}, {sum(seconds.values()):.2f}s summed over the threads")
    for name, sec in sorted(seconds.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"{sec:7.2f} {name}")


if __name__ == "__main__":
    main()
