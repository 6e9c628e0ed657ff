"""Dev evaluation of the event coder: parse once, code with the seeds in Python, score.

usage: dev_events_eval.py --gold actors_dev.jsonl --out PRED.jsonl [--score score.py] [--show]

Runs spaCy (the project's pipeline, statements included) over the gold texts,
``extract.actors.actor_cues`` and ``extract.events.event_spans`` on each doc, then codes each
span with ``code_span``, a table-driven stand-in for ``int_events_coded.sql`` reading the
generated seeds, and runs the reference scorer. ``--show`` prints each sentence with its
spans (for reading errors; nothing is written into the project). The real figures come from
``wirehouse eval events`` (the dbt marts); this is for fast iteration only.

``code_span`` rules (the SQL implements these):

* the first of the span's ``pattern_keys`` that ``event_patterns`` knows gives the CAMEO
  code, ``event_codes`` its event type and quad class; a threat is THREATEN (3), negated
  cooperation REJECT (3), intended cooperation AGREE (1), intended material conflict
  THREATEN (3); FIGHT on a civilian target ASSAULT unless the source is a thing (an army's
  aircraft or guns);
* source and target are different actor mentions; no target only where
  ``event_codes.needs_target`` is false; a place target ("in Tokyo") only abroad (at home,
  an event that needs no target stays without one).
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.actors import actor_cues, alias_table, role_table  # noqa: E402
from extract.events import EventSpan, event_spans  # noqa: E402
from scripts.dev_actors_eval import code_cue  # noqa: E402
from scripts.dev_eval_common import load_gold, parser, score, write_predictions  # noqa: E402

SEEDS = ROOT / "dbt_project" / "seeds"
CIVILIAN = {"CVL", "REF", "JRN", "MED", "EDU", "REL", "NGO", "BUS", "LAB", "AGR", "ELI"}


def thing_roles() -> set[str]:
    """Role words of kind ``thing`` (equipment: "missile", "aircraft")."""
    with (SEEDS / "actor_role_sectors.csv").open(encoding="utf-8") as f:
        return {r["role"] for r in csv.DictReader(f) if r["kind"] == "thing"}


def seeds() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    with (SEEDS / "event_patterns.csv").open(encoding="utf-8") as f:
        patterns = {r["pattern_key"]: r["cameo_code"] for r in csv.DictReader(f)}
    with (SEEDS / "event_codes.csv").open(encoding="utf-8") as f:
        codes = {r["cameo_code"]: r for r in csv.DictReader(f)}
    return patterns, codes


def code_span(span: EventSpan, patterns: dict[str, str], codes: dict[str, dict[str, str]]
              ) -> tuple[str, dict[str, str]] | None:
    for key in span.pattern_keys:
        code = patterns.get(key)
        if code is not None and code in codes:
            return key, codes[code]
    return None


def predict(records: list[dict], model: str, show: bool) -> list[dict]:
    from extract.nlp import load_pipeline

    nlp = load_pipeline(model)
    nlp.remove_pipe("wirehouse_rows")
    aliases, roles = alias_table(), role_table()
    patterns, codes = seeds()
    things = thing_roles()
    out = []
    started = time.perf_counter()
    docs = list(nlp.pipe(r["text"] for r in records))
    parsed = time.perf_counter()
    for rec, doc in zip(records, docs, strict=True):
        cues = actor_cues(doc)
        coded = [code_cue(c, aliases, roles) for c in cues]
        events = []
        for span in event_spans(doc, cues):
            hit = code_span(span, patterns, codes)
            if hit is None:
                if show:
                    print(f"   - {span.source and span.source.text} | "
                          f"{'/'.join(span.pattern_keys)} | "
                          f"{span.target.text if span.target else None} [{span.link}]")
                continue
            key, row = hit
            src = (coded[span.source.cue_index]
                   if span.source and span.source.cue_index is not None else (None, None))
            tgt = (coded[span.target.cue_index]
                   if span.target and span.target.cue_index is not None else (None, None))
            if span.target is None and row["needs_target"] == "true" and key == span.lemma:
                continue
            target = span.target
            if "place:" in span.link and src[0] == tgt[0]:
                if row["needs_target"] == "true":
                    continue
                target = None
            source_is_thing = (span.source is not None and span.source.cue_index is not None
                               and cues[span.source.cue_index].role in things)
            kind, quad = row["event_type"], int(row["quad_class"])
            if span.mood == "threat":
                kind, quad = "THREATEN", 3
            elif span.negated and quad in (1, 2):
                kind, quad = "REJECT", 3
            elif span.mood == "intent" and quad in (1, 2):
                kind, quad = "AGREE", 1
            elif span.mood == "intent" and quad == 4:
                kind, quad = "THREATEN", 3
            elif kind == "FIGHT" and tgt[1] in CIVILIAN and not source_is_thing:
                kind = "ASSAULT"
            events.append({
                "source_start": span.source and span.source.start,
                "source_end": span.source and span.source.end,
                "target_start": target.start if target else None,
                "target_end": target.end if target else None,
                "event_type": kind, "quad_class": quad,
                "source_country": src[0], "target_country": tgt[0] if target else None,
            })
            if show:
                print(f"   + {span.source and span.source.text} | {key} {row['cameo_code']} "
                      f"{kind} {span.mood}"
                      f" | {target.text if target else None} [{span.link}]"
                      f"{' NEG' if span.negated else ''}")
        if show:
            gold = rec.get("event")
            got = {e["event_type"] for e in events}
            mark = "OK " if gold in got else ("-- " if not events else "XX ")
            print(f"{mark}{rec['id']} gold={gold} got={sorted(got)}\n   {rec['text']}\n"
                  f"   actors: {[(a['text'], a['role']) for a in rec['actors']]}\n"
                  f"   cues: {[c.text for c in cues]}")
        out.append({"id": rec["id"], "events": events})
    print(f"parse {parsed - started:.1f}s, code {time.perf_counter() - parsed:.1f}s",
          file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--show", action="store_true")
    args = p.parse_args(argv)
    write_predictions(args.out, predict(load_gold(args.gold), args.model, args.show))
    return score("events", args.gold, args.out, args.score)


if __name__ == "__main__":
    raise SystemExit(main())
