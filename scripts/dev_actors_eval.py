"""Dev evaluation of the actor-context extractor against gold actor codes.

usage: dev_actors_eval.py --gold GOLD.jsonl|seed_gold.json --out PRED.jsonl [--score SCORE.py]

For gold whose actors carry ``text`` (actors_dev.jsonl) the reference scorer is run;
for gold whose actors carry ``name`` (seed_gold.json) each named actor is checked.

Runs the spaCy pipeline over the gold texts, ``extract.actors.actor_cues`` on each
doc, codes every cue with ``code_cue`` (a table-driven stand-in for the dbt SQL,
reading the generated seeds) and writes predictions in the eval README format,
then runs the reference scorer.

``code_cue`` rules (the SQL must implement exactly these):

* country: ``country_aliases.iso3`` where ``alias = normalise(country_cue)``;
  NULL when there is no cue or it is not an alias.
* sector, first that applies:
  1. ``actor_role_sectors.sector`` for the cue's ``role`` (IGO / NGO included);
  2. the mention is itself the country word (cue span == mention span):
     ``alias_type = 'demonym'`` -> ``CVL``, any other alias type -> ``GOV``;
  3. label ``PERSON`` -> ``GOV``;
  4. otherwise NULL.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.actors import ActorCue, actor_cues, alias_table, normalise, role_table  # noqa: E402
from scripts.dev_eval_common import load_gold, parser, score, write_predictions  # noqa: E402


def code_cue(cue: ActorCue, aliases: dict[str, tuple[str, str]],
             roles: dict[str, tuple[str, int]]) -> tuple[str | None, str | None]:
    """(iso3, sector) for one cue, from the alias and role seeds only."""
    alias = aliases.get(normalise(cue.country_cue)) if cue.country_cue else None
    country = alias[0] if alias else None
    if cue.role and cue.role in roles:
        return country, roles[cue.role][0]
    if alias and (cue.country_cue_start, cue.country_cue_end) == (cue.start, cue.end):
        return country, "CVL" if alias[1] == "demonym" else "GOV"
    if cue.label == "PERSON":
        return country, "GOV"
    return country, None


def predict(records: list[dict], model: str) -> list[dict]:
    import spacy

    nlp = spacy.load(model)
    aliases, roles = alias_table(), role_table()
    out = []
    for rec, doc in zip(records, nlp.pipe(r["text"] for r in records), strict=True):
        mentions = []
        for cue in actor_cues(doc):
            country, sector = code_cue(cue, aliases, roles)
            mentions.append({"start": cue.start, "end": cue.end, "text": cue.text,
                             "actor_name": cue.canonical, "country": country, "sector": sector,
                             "label": cue.label, "country_cue": cue.country_cue, "role": cue.role})
        out.append({"id": rec["id"], "statements": [], "actor_mentions": mentions,
                    "relations": []})
    return out


def seed_check(records: list[dict], preds: list[dict]) -> int:
    """For gold actors given by ``name``: the first mention named so must carry its codes."""
    failures = 0
    for rec, pred in zip(records, preds, strict=True):
        for actor in rec["actors"]:
            name = actor["name"]
            mentions = pred["actor_mentions"]
            hit = next((m for m in mentions if name in (m["actor_name"], m["text"])), None)
            hit = hit or next((m for m in mentions  # the article may only give the surname
                               if m["label"] == "PERSON" and m["actor_name"] == name.split()[-1]),
                              None)
            got = (hit["country"], hit["sector"]) if hit else (None, None)
            ok = got == (actor["country"], actor["sector"])
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}: gold {actor['country']}/{actor['sector']}"
                  f" predicted {got[0]}/{got[1]}")
    print(f"seed actors right: {sum(len(r['actors']) for r in records) - failures}"
          f"/{sum(len(r['actors']) for r in records)}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    records = load_gold(args.gold)
    preds = predict(records, args.model)
    write_predictions(args.out, preds)
    if any("text" not in a for r in records for a in r["actors"]):
        return seed_check(records, preds)
    return score("actors", args.gold, args.out, args.score)


if __name__ == "__main__":
    raise SystemExit(main())
