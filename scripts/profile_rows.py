"""Time (and profile) ``extract.nlp.rows_for_doc`` alone, on docs parsed once up front.

The spaCy pipes run first with ``wirehouse_rows`` disabled; the Docs are kept and only the row
building is timed, with ``time.process_time`` (CPU seconds: the machine is shared). Rows can be
dumped and compared, so an optimisation can be checked to leave every output row unchanged.

Default texts: the first 300 files of ``../shared/archive/reuters-1987`` (read like
``extract.bench.select_corpus``), then the texts of ``../shared/eval/quotes_dev.jsonl`` and
``../shared/eval/actors_dev.jsonl``.

    .venv/bin/python scripts/profile_rows.py --dump /tmp/rows_before.pkl
    .venv/bin/python scripts/profile_rows.py --compare /tmp/rows_before.pkl --profile

``--pipeline`` checks the rows the ``wirehouse_rows`` pipe itself builds inside the full
pipeline (fresh parse, not timed) against ``--compare``.

``--cache FILE`` keeps the parsed docs (a DocBin, outside the repo) so reruns skip the
parser; the quote pipe is re-run on cached docs (statements are Python objects).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pickle
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract.config import PROJECT_DIR, settings  # noqa: E402

SHARED = PROJECT_DIR.parent / "shared"
REUTERS = SHARED / "archive" / "reuters-1987"
EVAL_FILES = (SHARED / "eval" / "quotes_dev.jsonl", SHARED / "eval" / "actors_dev.jsonl")
# Functions timed separately with --parts: (module, attribute).
PARTS = (
    ("extract.nlp", "canonical_names"),
    ("extract.events", "tone"),
    ("extract.actors", "actor_cues"),
    ("extract.events", "event_spans"),
)


def archive_texts(archive: Path, limit: int) -> list[str]:
    """The first ``limit`` files of ``archive`` by path, deduplicated like the bench does."""
    from extract.manifest import list_candidates, read_candidate
    from extract.reader import Article

    chosen = sorted(list_candidates(archive, dt.date.max), key=lambda c: c.path)[:limit]
    texts: list[str] = []
    seen: set[str] = set()
    for cand in chosen:
        _, parsed = read_candidate(cand)
        if isinstance(parsed, Article) and parsed.article_id not in seen:
            seen.add(parsed.article_id)
            texts.append(parsed.text)
    return texts


def eval_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def load_docs(model: str, texts: list[str], cache: Path | None) -> list:
    from spacy.tokens import DocBin

    from extract.nlp import load_pipeline

    nlp = load_pipeline(model)
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] != texts:
            raise SystemExit(f"{cache} holds other texts; delete it")
        quotes = nlp.get_pipe("wirehouse_quotes") if "wirehouse_quotes" in nlp.pipe_names else None
        return [quotes(d) for d in docs] if quotes else docs
    with nlp.select_pipes(disable=["wirehouse_rows"]):
        docs = list(nlp.pipe(texts, batch_size=64))
    if cache is not None:
        DocBin(store_user_data=False, docs=docs).to_disk(cache)
    return docs


def timed_parts() -> tuple[dict[str, float], Callable[[], None]]:
    """Wrap PARTS so each accumulates its own CPU seconds; returns (totals, undo)."""
    import importlib

    totals: dict[str, float] = {}
    undo: list[tuple[Any, str, Any]] = []
    for module_name, attr in PARTS:
        module = importlib.import_module(module_name)
        original = getattr(module, attr)
        key = f"{module_name.rsplit('.', 1)[-1]}.{attr}"
        totals[key] = 0.0

        def wrapper(*args, _f=original, _k=key, **kwargs):
            t0 = time.process_time()
            try:
                return _f(*args, **kwargs)
            finally:
                totals[_k] += time.process_time() - t0

        setattr(module, attr, wrapper)
        undo.append((module, attr, original))

    def restore() -> None:
        for module, attr, original in undo:
            setattr(module, attr, original)

    return totals, restore


def compare(before: list[dict], after: list[dict]) -> bool:
    """Per table: docs whose rows differ (repr compares floats bit for bit, -0.0 too)."""
    if len(before) != len(after):
        print(f"DIFFERENT: {len(before)} docs before, {len(after)} after")
        return False
    same = True
    for name in before[0] if before else []:
        bad = [i for i, (b, a) in enumerate(zip(before, after, strict=True))
               if repr(b[name]) != repr(a.get(name))]
        n_rows = sum(len(d[name]) for d in before)
        status = "identical" if not bad else f"DIFFERENT in {len(bad)} docs (first: {bad[:5]})"
        print(f"  {name:16s} {n_rows:7d} rows  {status}")
        if bad:
            same = False
            b, a = before[bad[0]][name], after[bad[0]][name]
            for rb, ra in zip(b, a, strict=False):
                if repr(rb) != repr(ra):
                    print(f"    before: {rb}\n    after:  {ra}")
                    break
            else:
                print(f"    {len(b)} rows before, {len(a)} after")
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=settings().model)
    parser.add_argument("--archive", type=Path, default=REUTERS)
    parser.add_argument("--limit", type=int, default=300, help="archive files (0: none)")
    parser.add_argument("--no-eval", action="store_true", help="skip the eval jsonl texts")
    parser.add_argument("--cache", type=Path, help="DocBin of the parsed docs (outside repo)")
    parser.add_argument("--repeat", type=int, default=1, help="time the best of N passes")
    parser.add_argument("--profile", action="store_true", help="cProfile one pass")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--parts", action="store_true", help="CPU seconds per called part")
    parser.add_argument("--dump", type=Path, help="write the rows (pickle)")
    parser.add_argument("--compare", type=Path, help="compare the rows with a --dump file")
    parser.add_argument("--pipeline", action="store_true",
                        help="rows from the wirehouse_rows pipe in the full pipeline (no timing)")
    args = parser.parse_args(argv)

    texts = archive_texts(args.archive, args.limit) if args.limit else []
    n_archive = len(texts)
    if not args.no_eval:
        for path in EVAL_FILES:
            texts += eval_texts(path)
    if args.pipeline:
        from extract.nlp import load_pipeline

        rows = [doc._.wirehouse_rows
                for doc in load_pipeline(args.model).pipe(texts, batch_size=64)]
        print(f"{len(rows)} docs through the full pipeline")
        return _finish(args, rows)
    t0 = time.process_time()
    docs = load_docs(args.model, texts, args.cache)
    print(f"{len(docs)} docs ({n_archive} archive), {sum(len(d) for d in docs)} tokens; "
          f"pipes {time.process_time() - t0:.1f} CPU s")

    from extract import nlp as nlp_module

    rows_for_doc = nlp_module.rows_for_doc
    rows = [rows_for_doc(doc) for doc in docs]  # warm-up: lazy tables, VADER lexicon
    times = []
    for _ in range(args.repeat):
        t0 = time.process_time()
        rows = [rows_for_doc(doc) for doc in docs]
        times.append(time.process_time() - t0)
    archive_s = 0.0
    if n_archive:
        t0 = time.process_time()
        for doc in docs[:n_archive]:
            rows_for_doc(doc)
        archive_s = time.process_time() - t0
    print(f"rows_for_doc: {min(times):.3f} CPU s (best of {len(times)}: "
          f"{', '.join(f'{t:.3f}' for t in times)}); archive docs alone {archive_s:.3f} s")

    if args.parts:
        totals, restore = timed_parts()
        t0 = time.process_time()
        for doc in docs:
            nlp_module.rows_for_doc(doc)
        total = time.process_time() - t0
        restore()
        rest = total - sum(totals.values())
        for key, seconds in [*totals.items(), ("rest of rows_for_doc", rest)]:
            print(f"  {key:24s} {seconds:7.3f} s")
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for doc in docs:
            rows_for_doc(doc)
        prof.disable()
        stats = pstats.Stats(prof)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
    return _finish(args, rows)


def _finish(args: argparse.Namespace, rows: list[dict]) -> int:
    if args.dump:
        with args.dump.open("wb") as handle:
            pickle.dump(rows, handle, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"rows written to {args.dump}")
    if args.compare:
        with args.compare.open("rb") as handle:
            before = pickle.load(handle)
        same = compare(before, rows)
        print("compare:", "ALL TABLES IDENTICAL" if same else "ROWS DIFFER")
        if not same:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
