"""Build the event dictionary seeds from PETRARCH2's CAMEO verbs and the CAMEO → PLOVER table.

usage: build_event_dictionary.py [--cameo CAMEO.2.0.txt] [--plover CAMEO2PLOVER-2021.txt]
                                 [--supplement scripts/event_supplement.csv]
                                 [--out dbt_project/seeds]

Writes two seeds (rerunnable: same inputs, same bytes):

``event_patterns.csv`` -- one row per *pattern key*, the key ``extract/events.py`` emits for
a predicate, with the CAMEO code it codes to:

* ``attack``                 a verb lemma (PETRARCH2 verb lines; the code of the verb, else of
                             its block);
* ``sign agreement``         verb + the lemma of the head noun of its object (``- * &TREATY``);
* ``pull out``               verb + particle or first preposition (``+PULL_OUT``, ``- * (WITH)``);
* ``agree (to ceasefire``    verb + preposition + the head noun of its object;
* ``~attack``                an event noun on its own ("the attack on X", "talks with Y"): the
                             supplement only.

PETRARCH2 patterns are read as: ``*`` is the verb; words after it are particles
(``OUT``, ``UP``, ...) or nouns, ``{A B}`` a compound noun (its last word is the head),
``(PREP ...)`` a prepositional phrase, ``&SET`` every member of a synonym set (the last word of
each member), ``$``/``+``/``^`` (source, target, skip) are dropped. Patterns with words
before the verb other than ``$``/``+`` are skipped (the coder does not look left of the verb),
as are codes ``---``. A verb with no code of its own or of its block gets the code most
of its own patterns give (at least 3 patterns, a majority). A key that several patterns code
differently takes the code most patterns give it (ties: the lower code). Then the
supplement (``scripts/event_supplement.csv``, hand-kept: ``pattern_key,cameo_code,note``)
overrides and adds keys; a supplement row with an empty code removes the key.

``event_codes.csv`` -- one row per CAMEO code used by a pattern, with

* ``plover_type`` / ``plover_mode`` / ``plover_context``: CAMEO2PLOVER-2021 (PLOVER 0.8), the
  code's own row, else its nearest listed parent (``0213`` → ``021`` → ``02``); CAMEO 02 (appeal)
  is not in the table: REQUEST here; CAMEO 01 (public statement) codes no event and is left out;
* ``event_type``: the PLOVER type in the PLOVER gold-standard (and POLECAT) vocabulary the
  warehouse reports: REQUEST → DEMAND, ACCUSE → INVESTIGATE (mode investigate) else DISAPPROVE,
  ASSAULT from CAMEO 19 (conventional military force) → FIGHT, else ``plover_type``;
* ``quad_class``: PLOVER's quad class of ``event_type`` (1 verbal cooperation, 2 material
  cooperation, 3 verbal conflict, 4 material conflict);
* ``needs_target``: false for the types one actor can carry out alone (PROTEST, MOBILIZE,
  RETREAT, CONCEDE, REJECT): other events are coded only with a target;
* ``intensity``: -10 … 10, by CAMEO root (a rounded Goldstein-style weight, ours, see
  ROOT_INTENSITY).

Sources: PETRARCH2 CAMEO.2.0.txt (MIT, Open Event Data Alliance) and CAMEO2PLOVER-2021.txt
(PLOVER manual, CC BY-SA 4.0); see NOTICE.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path("/work/shared/reference")
DEFAULT_CAMEO = SHARED / "petrarch2" / "CAMEO.2.0.txt"
DEFAULT_PLOVER = SHARED / "plover" / "CAMEO2PLOVER-2021.txt"
DEFAULT_SUPPLEMENT = ROOT / "scripts" / "event_supplement.csv"
DEFAULT_OUT = ROOT / "dbt_project" / "seeds"

PARTICLES = frozenset({"out", "up", "down", "off", "back", "in", "on", "over", "away", "forward",
                       "aside", "through", "about", "around", "into", "for", "with", "to"})
MAX_SYNSET = 20
MIN_OWN_PATTERNS = 3
# PLOVER's quad class of each reported event type.
QUAD_CLASS = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "DEMAND": 3, "DISAPPROVE": 3, "INVESTIGATE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "MOBILIZE": 4, "SANCTION": 4, "COERCE": 4, "ASSAULT": 4, "FIGHT": 4,
}
# Types an actor can carry out alone ("rebels surrendered", "workers protested"): events of
# the other types need a target (an "agreement" or "attack" with no one is not coded).
ONE_ACTOR_TYPES = frozenset({"PROTEST", "MOBILIZE", "RETREAT", "CONCEDE", "REJECT"})
# Rounded Goldstein-style weights per CAMEO root: cooperation > 0 > conflict (ours).
ROOT_INTENSITY = {
    "02": 3, "03": 4, "04": 1, "05": 3, "06": 6, "07": 7, "08": 5,
    "09": -2, "10": -4, "11": -2, "12": -4, "13": -6, "14": -6, "15": -7, "16": -4, "17": -7,
    "18": -9, "19": -10, "20": -10,
}


def _head(phrase: str) -> str:
    """Lemma-ish head of a pattern noun: last word, lower case, a plural -s stripped."""
    word = phrase.strip("_").split("_")[-1].lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _code(text: str) -> str | None:
    m = re.search(r"\[([0-9-]+)", text)
    if not m or m.group(1).startswith("-"):
        return None
    return m.group(1)


def read_synsets(lines: list[str]) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    name = None
    for raw in lines:
        if raw.startswith("####### VERB"):
            break
        line = raw.split("#")[0].rstrip()
        if line.startswith("&"):
            name = line.split()[0]
            sets[name] = []
        elif line.startswith("+") and name:
            sets[name].append(_head(line[1:].split()[0]))
    return {k: sorted(set(v)) for k, v in sets.items()}


def _tokens(pattern: str) -> list[str]:
    return re.findall(r"\{[^}]*\}|\([^)]*\)|\S+", pattern)


def _expand(word: str, synsets: dict[str, list[str]]) -> list[str]:
    """A pattern word's heads; the long synonym sets (currencies, weapon and aircraft models)
    are left out: their patterns add thousands of keys a news verb rarely takes."""
    if word.startswith("&"):
        members = synsets.get(word, synsets.get(word.rstrip("_"), []))
        return members if len(members) <= MAX_SYNSET else []
    return [_head(word)]


def pattern_keys(verb: str, post: str, synsets: dict[str, list[str]]) -> list[str]:
    """Keys a pattern's words after the verb give (see module doc)."""
    particle = noun = prep = None
    for tok in _tokens(post):
        if tok in ("$", "+", "^") or tok.startswith(("$", "+")):
            continue
        if tok.startswith("("):
            words = [w for w in tok.strip("()").replace("{", " ").replace("}", " ").split()
                     if w not in ("$", "+", "^")]
            if words and prep is None and noun is None:
                prep = (words[0].lower(), words[-1] if len(words) > 1 else None)
            continue
        if tok.startswith("{"):
            words = tok.strip("{}").split()
            if noun is None and words:
                noun = words[-1]
            continue
        if tok.lower() in PARTICLES and noun is None and particle is None:
            particle = tok.lower()
        elif noun is None and re.match(r"^[&A-Z]", tok):
            noun = tok
    base = f"{verb} {particle}" if particle else verb
    if noun:
        return [f"{base} {n}" for n in _expand(noun, synsets)]
    if prep:
        p, obj = prep
        if obj:
            return [f"{base} ({p} {n}" for n in _expand(obj, synsets)]
        return [f"{base} ({p}"]
    return [base] if particle else []


def _verb_forms(line: str) -> tuple[str, str | None]:
    """(lemma key, own code) of a verb line: ``+ASK_FOR {...} [020]`` → ("ask for", "020")."""
    body = re.sub(r"\{[^}]*\}", "", line.split("#")[0])
    code = _code(body)
    word = body.split("[")[0].split()[0].lstrip("+").strip("_").lower()
    return word.replace("_", " "), code


def read_cameo(path: Path) -> dict[str, Counter]:
    """pattern key -> Counter of CAMEO codes, from the verb blocks."""
    lines = path.read_text(encoding="latin-1").splitlines()
    synsets = read_synsets(lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("####### VERB PATTERNS"))
    found: dict[str, Counter] = defaultdict(Counter)
    owned: dict[str, Counter] = defaultdict(Counter)  # verb -> codes of its own patterns
    block_code: str | None = None
    verbs: dict[str, str | None] = {}
    for line in lines[start + 1:]:
        if line.startswith("---"):
            block_code = _code(line)
            verbs = {}
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("-"):
            code = _code(stripped)
            body = stripped[1:].split("[")[0]
            if code is None or "*" not in body:
                continue
            pre, post = body.split("*", 1)
            if any(w not in ("$", "+") for w in pre.split()):
                continue
            comment = stripped.partition("#")[2].strip().lower().replace("_", " ")
            owners = [comment] if comment in verbs else list(verbs)
            if comment in verbs:
                owned[comment][code.split(":")[0]] += 1
            for verb in owners:
                for key in pattern_keys(verb, post, synsets):
                    found[key][code.split(":")[0]] += 1
            continue
        verb, own = _verb_forms(stripped)
        if not re.match(r"^[a-z][a-z' -]*$", verb):
            continue
        verbs[verb] = own
        code = own or block_code
        if code:
            found[verb][code.split(":")[0]] += 1
    # A verb without a code of its own or of its block (REFUSE, LIFT, ACCEPT ... blocks are
    # [---]) takes the code most of its own patterns give, when they agree (>= 3 patterns,
    # a majority): "refuse" is coded as its patterns mostly are.
    for verb, codes in owned.items():
        if verb in found or sum(codes.values()) < MIN_OWN_PATTERNS:
            continue
        code, n = sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if 2 * n > sum(codes.values()):
            found[verb][code] += 1
    return found


def read_plover(path: Path) -> dict[str, tuple[str, str, str, str]]:
    """CAMEO code -> (PLOVER type, mode, context, description)."""
    out: dict[str, tuple[str, str, str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*(.*)$", line)
        if not m:
            continue
        code, rest = m.groups()
        rest, _, description = rest.partition("#")
        parts = [p.strip() for p in rest.split(",")]
        parts += [""] * (3 - len(parts))
        out.setdefault(code, (parts[0], parts[1], parts[2], description.strip()))
    return out


def event_type(plover: str, mode: str, code: str) -> str:
    if plover == "REQUEST":
        return "DEMAND"
    if plover == "ACCUSE":
        return "INVESTIGATE" if mode == "investigate" else "DISAPPROVE"
    if plover == "ASSAULT" and code.startswith("19"):
        return "FIGHT"
    return plover


def code_row(code: str, plover: dict[str, tuple[str, str, str, str]]) -> dict[str, object] | None:
    if code.startswith("01"):
        return None  # public statements: what was said is coded from the statement
    entry = next((plover[c] for c in (code, code[:3], code[:2]) if c in plover), None)
    if entry is None and code.startswith("02"):
        entry = ("REQUEST", "", "", "Appeal")
    if entry is None:
        return None
    kind = event_type(entry[0], entry[1], code)
    return {"cameo_code": code, "cameo_root": code[:2], "plover_type": entry[0],
            "plover_mode": entry[1] or None, "plover_context": entry[2] or None,
            "event_type": kind, "quad_class": QUAD_CLASS[kind],
            "needs_target": str(kind not in ONE_ACTOR_TYPES).lower(),
            "intensity": ROOT_INTENSITY[code[:2]], "description": entry[3]}


def read_supplement(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(line for line in handle if not line.startswith("#"))]
    return {r["pattern_key"].strip().lower(): r["cameo_code"].strip() for r in rows}


def build(cameo: Path, plover_path: Path, supplement: Path, out: Path) -> tuple[int, int]:
    plover = read_plover(plover_path)
    found = read_cameo(cameo)
    patterns: dict[str, tuple[str, str]] = {}
    for key, codes in found.items():
        best = sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        patterns[key] = (best, "petrarch2")
    for key, code in read_supplement(supplement).items():
        if code:
            patterns[key] = (code, "supplement")
        else:
            patterns.pop(key, None)
    codes = {code: code_row(code, plover) for code, _ in patterns.values()}
    kept = sorted((k, v) for k, v in patterns.items() if codes[v[0]] is not None)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "event_patterns.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["pattern_key", "cameo_code", "origin"])
        writer.writerows([key, code, origin] for key, (code, origin) in kept)
    used = sorted({code for _, (code, _) in kept})
    columns = ["cameo_code", "cameo_root", "plover_type", "plover_mode", "plover_context",
               "event_type", "quad_class", "needs_target", "intensity", "description"]
    with (out / "event_codes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(codes[c] for c in used)
    return len(kept), len(used)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameo", type=Path, default=DEFAULT_CAMEO)
    parser.add_argument("--plover", type=Path, default=DEFAULT_PLOVER)
    parser.add_argument("--supplement", type=Path, default=DEFAULT_SUPPLEMENT)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    n_patterns, n_codes = build(args.cameo, args.plover, args.supplement, args.out)
    print(f"event_patterns.csv: {n_patterns} keys; event_codes.csv: {n_codes} codes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
