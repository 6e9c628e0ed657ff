"""Actor mentions and the context words that code them (country cue, role).

``actor_cues(doc)`` is a pure function of a parsed spaCy ``Doc``.  For each actor
mention -- NER PERSON/ORG/GPE/NORP/LOC/FAC entities, and noun phrases headed by a
role word from ``dbt_project/seeds/actor_role_sectors.csv`` -- it returns the
span, a within-article canonical name, the *country cue* (the text of the word
that places the actor in a country) and the *role* (a key of the role seed).
Mapping cue -> ISO3 and role -> CAMEO sector is done later, in SQL, from the seeds.

Country words are recognised with ``dbt_project/seeds/country_aliases.csv``: a
token n-gram (<= 5 tokens, starting with an upper-case letter, not inside a
PERSON entity) whose normalised text is an alias.

Where the cue comes from, first hit wins:

1. the mention itself when it is a country word ("Tehran", "Palestinians");
2. pre-modifiers and possessors in the mention's noun phrase, leftmost first
   ("Russian President Vladimir Putin", "Iran's foreign ministry spokesman X",
   "the Iranian Revolutionary Guards"); conjoined modifiers split the phrase into
   one mention per country ("Hungarian and Romanian officials");
3. an apposition's subtree ("X, a top aide to Iranian Supreme Leader Y",
   "X, the foreign minister of Y");
4. an ``of``/``in``/``from`` phrase after the head ("president of Armenia");
5. article context, in order: the head noun a name is a compound of ("the Assad
   regime in Syria"); the same canonical person elsewhere in the article; the
   possessor person of the phrase ("Assad's troops"); the nearest earlier mention
   whose role ends in the same word ("ministry spokesman" after "Iran's foreign
   ministry"); last, for PERSON / NOMINAL mentions (not IGO/NGO roles, not
   "foreign"/"international" forces) and GOV-role ORGs, a country word of the same
   sentence ranked: stand-alone before, stand-alone after, another mention's cue
   before / after, locative ("in/to/against X") before / after; a person takes the
   best-ranked one over all of its mentions.

The role is the role-seed phrase found in the mention's phrase (leftmost-longest
matching, plurals accepted); when several are found the highest ``priority`` wins,
ties go to the one nearest the head.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
NON_HEAD_DEPS = frozenset({"compound", "amod", "nmod", "poss", "appos"})
TRIM_DEPS = frozenset({"det", "predet", "punct", "cc", "advmod", "case"})
PREP_CUE = frozenset({"of", "in"})
NEGATING_PREFIXES = frozenset({"anti", "pro", "non", "ex"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "lord", "lady", "gen", "lt", "col", "sgt",
                        "rev", "sen", "rep", "gov", "then"})
MAX_NGRAM = 5


@dataclass(frozen=True)
class ActorCue:
    start: int
    end: int
    text: str
    label: str
    canonical: str
    country_cue: str | None = None
    country_cue_start: int | None = None
    country_cue_end: int | None = None
    role: str | None = None
    role_start: int | None = None
    role_end: int | None = None


# ---------------------------------------------------------------- seed tables


def normalise(text: str) -> str:
    """Alias normalisation, identical to ``scripts/build_gazetteer.normalise_alias``."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.lower().split())
    return text[4:] if text.startswith("the ") else text


def _read_csv(name: str, seeds_dir: Path) -> list[dict[str, str]]:
    with (seeds_dir / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=4)
def alias_table(seeds_dir: Path = SEEDS_DIR) -> dict[str, tuple[str, str]]:
    """alias -> (iso3, alias_type)."""
    return {r["alias"]: (r["iso3"], r["alias_type"])
            for r in _read_csv("country_aliases.csv", seeds_dir)}


@lru_cache(maxsize=4)
def role_table(seeds_dir: Path = SEEDS_DIR) -> dict[str, tuple[str, int]]:
    """role -> (sector, priority)."""
    return {r["role"]: (r["sector"], int(r["priority"]))
            for r in _read_csv("actor_role_sectors.csv", seeds_dir)}


def _variants(role: str) -> set[str]:
    forms = {role, role + "s", role + "es"}
    if role.endswith("y"):
        forms.add(role[:-1] + "ies")
    if role.endswith("man"):
        forms.add(role[:-3] + "men")
    return forms


@lru_cache(maxsize=4)
def role_matcher(seeds_dir: Path = SEEDS_DIR) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over all role forms (longest first) and form -> role key."""
    form_to_role: dict[str, str] = {}
    for role in sorted(role_table(seeds_dir)):
        for form in sorted(_variants(role)):
            form_to_role.setdefault(form, role)
    for role in role_table(seeds_dir):
        form_to_role[role] = role
    alternation = "|".join(re.escape(f) for f in sorted(form_to_role, key=lambda f: (-len(f), f)))
    pattern = re.compile(rf"(?<![\w\-.])(?:{alternation})(?![\w\-])")
    return pattern, form_to_role


# ---------------------------------------------------------------- lookups


@dataclass(frozen=True)
class Hit:
    """A matched word group: char span and the text to report."""

    start: int
    end: int
    text: str


def find_roles(text: str, offset: int) -> list[tuple[Hit, str]]:
    """Role phrases in ``text`` (which starts at char ``offset``), leftmost-longest."""
    pattern, form_to_role = role_matcher()
    lowered = text.lower().replace("\u2019", "'")
    return [(Hit(offset + m.start(), offset + m.end(), m.group()), form_to_role[m.group()])
            for m in pattern.finditer(lowered)]


_LAST_TEXT: list = [None, ""]


def _text(doc: Doc) -> str:
    """``doc.text`` (rebuilt from the tokens on every access), kept for the last doc."""
    if _LAST_TEXT[0] is not doc:
        _LAST_TEXT[0], _LAST_TEXT[1] = doc, doc.text
    return _LAST_TEXT[1]


def best_role(doc: Doc, start: int, end: int) -> tuple[Hit, str] | None:
    """Highest-priority role in doc.text[start:end]; ties go to the rightmost."""
    found = find_roles(_text(doc)[start:end], start)
    if not found:
        return None
    roles = role_table()
    return max(found, key=lambda hr: (roles[hr[1]][1], hr[0].start))


def _is_country_entity(doc: Doc, ent: Span) -> bool:
    end = _strip_possessive(doc, ent.end)
    return end > ent.start and normalise(doc[ent.start:end].text) in alias_table()


def _person_tokens(doc: Doc) -> set[int]:
    return {t.i for e in doc.ents
            if e.label_ == "PERSON" and not _is_country_entity(doc, e) for t in e}


def country_words(doc: Doc, start: int, end: int, skip: set[int]) -> list[Span]:
    """Country-word spans in tokens [start, end), leftmost first, longest at a position."""
    aliases = alias_table()
    out: list[Span] = []
    i = start
    while i < end:
        found = None
        if i not in skip and doc[i].text[:1].isupper():
            for n in range(min(MAX_NGRAM, end - i), 0, -1):
                span = doc[i:i + n]
                if any(t.i in skip for t in span) or span[-1].text in ("'s", "’s", "-"):
                    continue
                if normalise(span.text) in aliases and not _negated(doc, i):
                    found = span
                    break
        if found is not None:
            out.append(found)
            i = found.end
        else:
            i += 1
    return out


def _negated(doc: Doc, i: int) -> bool:
    """'anti-Syria', 'pro-Iranian': the country word does not code the phrase."""
    return i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ in NEGATING_PREFIXES


# ---------------------------------------------------------------- mentions


@dataclass
class Draft:
    """A mention under construction (token indices, char offsets)."""

    start: int
    end: int
    label: str
    head: int
    name_start: int = -1
    cue: Hit | None = None
    role: Hit | None = None
    role_key: str | None = None
    canonical: str = ""
    poss_person: int | None = None
    compound_of: int | None = None
    is_country: bool = False
    cue_is_local: bool = False


def _hit(span: Span) -> Hit:
    return Hit(span.start_char, span.end_char, span.text)


def _trim_left(doc: Doc, left: int, head: int) -> int:
    while left < head and (doc[left].dep_ in TRIM_DEPS or doc[left].pos_ in ("DET", "PRON")
                           or doc[left].text in ("-", "then")):
        left += 1
    return left


def _strip_possessive(doc: Doc, end: int) -> int:
    return end - 1 if end > 0 and doc[end - 1].text in ("'s", "’s", "'") else end


def _appos_cue(doc: Doc, head: Token, skip: set[int]) -> tuple[Hit | None, tuple[Hit, str] | None]:
    for child in head.children:
        if child.dep_ == "appos":
            sub = list(child.subtree)
            words = country_words(doc, sub[0].i, sub[-1].i + 1, skip)
            role = best_role(doc, doc[child.left_edge.i].idx, child.idx + len(child.text))
            if words or role:
                return (_hit(words[0]) if words else None), role
    return None, None


def _prep_cue(doc: Doc, head: Token, skip: set[int]) -> tuple[Hit | None, int]:
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in PREP_CUE:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    words = country_words(doc, pobj.left_edge.i, pobj.i + 1, skip)
                    if words:
                        return _hit(words[0]), pobj.i + 1
    return None, -1


def _fill_from_context(doc: Doc, d: Draft, left: int, skip: set[int]) -> None:
    """Steps 2-4 of the cue rules, plus the role, for a mention with head ``d.head``."""
    head = doc[d.head]
    own = skip | (set(range(d.name_start, d.end)) if d.label == "PERSON" else set())
    words = country_words(doc, left, d.end, own)
    if words:
        d.cue = _hit(words[0])
        d.cue_is_local = True
    role = best_role(doc, doc[left].idx, doc[d.end - 1].idx + len(doc[d.end - 1].text))
    appos_cue, appos_role = _appos_cue(doc, head, skip)
    d.cue = d.cue or appos_cue
    role = role or appos_role
    if d.cue is None and d.label != "PERSON":
        d.cue, _ = _prep_cue(doc, head, skip)
    if role:
        d.role, d.role_key = role


def _entity_drafts(doc: Doc, skip: set[int]) -> tuple[list[Draft], list[Span]]:
    drafts: list[Draft] = []
    country_ents: list[Span] = []
    surnames = {e[-1].text for e in doc.ents if e.label_ == "PERSON" and len(e) > 1}
    for ent in doc.ents:
        if ent.label_ not in ACTOR_LABELS:
            continue
        end = _strip_possessive(doc, ent.end)
        if end <= ent.start:
            continue
        if normalise(doc[ent.start:end].text) in alias_table():
            country_ents.append(doc[ent.start:end])
            continue
        label = "PERSON" if end - ent.start == 1 and ent[0].text in surnames else ent.label_
        d = Draft(ent.start, end, label, ent.root.i, name_start=ent.start)
        if ent.root.dep_ == "compound":
            d.compound_of = ent.root.head.i
        left = min(ent.start, ent.root.left_edge.i)
        _fill_from_context(doc, d, left, skip)
        d.start = _trim_left(doc, left, ent.start) if left < ent.start else ent.start
        drafts.append(d)
    return drafts, country_ents


def _ends_role(doc: Doc, tok: Token) -> bool:
    start, end_char = doc[tok.left_edge.i].idx, tok.idx + len(tok.text)
    if start > tok.idx:
        start = tok.idx
    return any(h.end == end_char for h, _ in find_roles(_text(doc)[start:end_char], start))


def _is_nominal_head(doc: Doc, tok: Token, in_entity: set[int]) -> bool:
    """A noun ending a role phrase that heads its phrase (or modifies a non-actor noun)."""
    if tok.pos_ not in ("NOUN", "PROPN") or tok.i in in_entity or not _ends_role(doc, tok):
        return False
    if tok.dep_ == "compound":
        return tok.head.i not in in_entity and not _ends_role(doc, tok.head)
    return tok.dep_ not in NON_HEAD_DEPS


def _nominal_drafts(doc: Doc, in_entity: set[int], skip: set[int]) -> list[Draft]:
    drafts: list[Draft] = []
    for tok in doc:
        if not _is_nominal_head(doc, tok, in_entity):
            continue
        edge = tok.head.left_edge.i if tok.dep_ == "compound" else tok.left_edge.i
        left = _trim_left(doc, min(edge, tok.i), tok.i)
        d = Draft(left, tok.i + 1, "NOMINAL", tok.i)
        _fill_from_context(doc, d, left, skip)
        for child in tok.children:
            if child.dep_ == "poss" and child.ent_type_ == "PERSON":
                d.poss_person = child.i
        drafts.extend(_split_conjuncts(doc, d, left))
    return drafts


def _split_conjuncts(doc: Doc, d: Draft, left: int) -> list[Draft]:
    """"Hungarian and Romanian officials" -> one mention per conjoined country word."""
    words = country_words(doc, left, d.head, set())
    conj = [w for w in words[1:] if w.root.dep_ == "conj"]
    if not conj:
        return [d]
    out = []
    for i, w in enumerate(words):
        last = i == len(words) - 1
        out.append(replace(d, start=w.start, end=d.end if last else w.end, cue=_hit(w)))
    return out


# ---------------------------------------------------------------- canonical names


def _strip_titles(doc: Doc, start: int, end: int) -> int:
    """Skip leading honorifics and role phrases ("President", "Lt. Gen.") of a name."""
    while start < end - 1:
        tok = doc[start]
        if tok.lower_.rstrip(".") in HONORIFICS:
            start += 1
            continue
        hits = find_roles(doc[start:end].text, tok.idx)
        if not hits or hits[0][0].start != tok.idx:
            break
        start = next((t.i for t in doc[start + 1:end] if t.idx >= hits[0][0].end), end - 1)
    return start


def _set_canonicals(doc: Doc, drafts: list[Draft]) -> None:
    full: dict[str, str] = {}
    for d in sorted(drafts, key=lambda d: d.start):
        if d.label == "PERSON":
            s = _strip_titles(doc, max(d.start, d.name_start), d.end)
            name = doc[s:d.end].text.strip()
            parts = name.split()
            if len(parts) > 1:
                full.setdefault(parts[-1], name)
                d.canonical = name
            else:
                d.canonical = full.get(name, name)
        else:
            d.canonical = normalise_display(doc[d.start:d.end].text)


def normalise_display(text: str) -> str:
    text = text.strip()
    for suffix in ("'s", "’s"):
        text = text.removesuffix(suffix)
    return text[4:] if text.lower().startswith("the ") else text


# ---------------------------------------------------------------- propagation


LOCATIVE_PREPS = frozenset({"in", "to", "into", "from", "at", "near", "toward", "towards", "across",
                            "inside", "within", "throughout", "around", "against", "on", "over"})
NO_COUNTRY_MODIFIERS = frozenset({"foreign", "international", "multinational", "western", "arab"})


def _propagate(doc: Doc, drafts: list[Draft], countries: list[Span]) -> None:
    """Step 5 of the cue rules: fill missing cues and roles from article context."""
    ordered = sorted(drafts, key=lambda d: d.start)
    taken = {w.start for w in countries
             if any(d.cue_is_local and d.cue and d.cue.start == w.start_char and not d.is_country
                    for d in drafts)}
    _inherit_from_compound_head(ordered)
    groups = _person_groups(ordered)
    for group in groups:
        _share(group)
    persons = {d.head: d for d in ordered if d.label == "PERSON"}
    for i, d in enumerate(ordered):
        if d.cue is None and d.poss_person in persons:
            d.cue = persons[d.poss_person].cue
        if d.cue is None and d.role_key:
            d.cue = _role_antecedent(ordered[:i], d.role_key)
    for group in groups:
        _share(group)
    for group in groups + [[d] for d in ordered if d.label != "PERSON"]:
        if any(d.cue for d in group) or not _wants_sentence_fallback(doc, group[0]):
            continue
        found = [f for d in group if (f := _sentence_country(doc, d, countries, taken))]
        if found:
            best = min(found, key=lambda f: f[0])[1]
            for d in group:
                d.cue = best


def _person_groups(ordered: list[Draft]) -> list[list[Draft]]:
    by_person: dict[str, list[Draft]] = {}
    for d in ordered:
        if d.label == "PERSON":
            by_person.setdefault(d.canonical, []).append(d)
    return list(by_person.values())


def _share(group: list[Draft]) -> None:
    """Mentions of one person share the first cue and the first role found."""
    cue = next((d.cue for d in group if d.cue), None)
    role = next(((d.role, d.role_key) for d in group if d.role), None)
    for d in group:
        d.cue = d.cue or cue
        if d.role is None and role:
            d.role, d.role_key = role


def _inherit_from_compound_head(ordered: list[Draft]) -> None:
    """'the Assad regime in Syria': the name takes the cue and role of its head noun."""
    by_head = {d.head: d for d in ordered if d.label == "NOMINAL"}
    for d in ordered:
        head = by_head.get(d.compound_of) if d.compound_of is not None else None
        if head is None:
            continue
        d.cue = d.cue or head.cue
        if d.role is None:
            d.role, d.role_key = head.role, head.role_key


def _role_antecedent(earlier: Iterable[Draft], role_key: str) -> Hit | None:
    word = role_key.split()[-1]
    for d in reversed(list(earlier)):
        if d.cue and d.role_key and d.role_key.split()[-1] == word:
            return d.cue
    return None


def _wants_sentence_fallback(doc: Doc, d: Draft) -> bool:
    if any(doc[i].lower_ in NO_COUNTRY_MODIFIERS for i in range(d.start, d.end)):
        return False
    if d.label in ("PERSON", "NOMINAL"):
        return not d.role_key or role_table()[d.role_key][0] not in ("IGO", "NGO")
    return d.label == "ORG" and bool(d.role_key) and role_table()[d.role_key][0] == "GOV"


def _sentence_country(doc: Doc, d: Draft, countries: list[Span],
                      taken: set[int]) -> tuple[int, Hit] | None:
    """Nearest country word of the sentence, ranked: stand-alone before, stand-alone after,
    cue of another mention before / after, locative ("in/to/against X") before / after."""
    sent = doc[d.head].sent
    ranked = []
    for w in countries:
        if not (sent.start <= w.start < sent.end) or (d.start <= w.start < d.end):
            continue
        before = w.end <= d.start
        locative = w.root.dep_ == "pobj" and w.root.head.lower_ in LOCATIVE_PREPS
        distance = d.start - w.end if before else w.start - d.end
        tier = 4 if locative else (2 if w.start in taken else 0)
        ranked.append((tier + (not before), distance, w))
    if not ranked:
        return None
    tier, _, w = min(ranked, key=lambda r: (r[0], r[1]))
    return tier, _hit(w)


# ---------------------------------------------------------------- entry point


def _consumed(drafts: list[Draft]) -> list[tuple[int, int]]:
    return [(d.cue.start, d.cue.end) for d in drafts if d.cue and d.cue_is_local]


def _overlaps(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def actor_cues(doc: Doc) -> list[ActorCue]:
    """Actor mentions of ``doc`` with their country cue and role (see module doc)."""
    persons = _person_tokens(doc)
    in_entity = {t.i for e in doc.ents if e.label_ in ACTOR_LABELS for t in e}
    drafts, _ = _entity_drafts(doc, persons)
    drafts += _nominal_drafts(doc, in_entity, persons)
    drafts = _drop_nested(drafts)
    used = _consumed(drafts)
    spans = [(d.start, d.end) for d in drafts]
    words = country_words(doc, 0, len(doc), persons)
    for w in words:
        if _overlaps((w.start_char, w.end_char), used) or _overlaps((w.start, w.end), spans):
            continue
        label = w[0].ent_type_ if w[0].ent_type_ in ACTOR_LABELS else "NOMINAL"
        drafts.append(Draft(w.start, w.end, label, w.root.i, cue=_hit(w), is_country=True))
    _set_canonicals(doc, drafts)
    _propagate(doc, drafts, words)
    return [_to_cue(doc, d) for d in sorted(drafts, key=lambda d: (d.start, d.end))]


def _drop_nested(drafts: list[Draft]) -> list[Draft]:
    """Drop mentions lying inside a PERSON mention ("Supreme" in "Supreme Leader X")."""
    persons = [d for d in drafts if d.label == "PERSON"]
    def nested(d: Draft, p: Draft) -> bool:
        return p.start <= d.start and d.end <= p.end and (p.start, p.end) != (d.start, d.end)

    return [d for d in drafts if not any(nested(d, p) for p in persons)]


def _to_cue(doc: Doc, d: Draft) -> ActorCue:
    span = doc[d.start:d.end]
    return ActorCue(
        start=span.start_char, end=span.end_char, text=span.text, label=d.label,
        canonical=d.canonical or span.text,
        country_cue=d.cue.text if d.cue else None,
        country_cue_start=d.cue.start if d.cue else None,
        country_cue_end=d.cue.end if d.cue else None,
        role=d.role_key, role_start=d.role.start if d.role else None,
        role_end=d.role.end if d.role else None,
    )
