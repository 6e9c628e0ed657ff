"""Speakers: the mention next to a cue, and its resolution to a named person.

Light rules: pronoun -> nearest person before it (gender-aware), surname -> full name,
title or role noun -> the name it was given earlier, organisation -> its phrase.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.attrs import DEP, POS
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Token

from extract.quote_marks import DocContext
from extract.speech_cues import RELATIVE, SUBJ_DEPS, TITLES, cue_extent, is_time


@dataclass
class Attribution:
    cue: str
    cue_start: int | None
    cue_end: int | None
    speaker: list[Token]  # contiguous tokens of the mention
    head: Token | None
    source: str = ""  # which window supplied it, for error analysis


def person_like(tok: Token) -> bool:
    """A personal pronoun or a proper name that is not a place or organisation."""
    if tok.pos_ == "PRON":
        return tok.lower_ in {"he", "she", "they", "i", "we"}
    return tok.pos_ == "PROPN" and tok.ent_type_ not in {"ORG", "GPE", "NORP", "FAC", "LOC"}


def according_to(ctx: DocContext, toks: list[Token]) -> Attribution | None:
    for t in toks:
        if t.lower_ == "according" and t.i + 1 < len(ctx.doc) and ctx.doc[t.i + 1].lower_ == "to":
            to = ctx.doc[t.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj" and not ctx.in_quote(c)]
            if objs:
                return Attribution(
                    "according to", t.idx, to.idx + len(to), mention_tokens(ctx, objs[0]), objs[0]
                )
    return None


def subject_of(ctx: DocContext, cue: Token) -> Token | None:
    """Grammatical subject of the cue, climbing through participles, clauses
    and coordination (`..., saying`, `laughed and said`, `a statement calling`)."""
    verb = cue
    for _ in range(5):
        subjs = [c for c in verb.children if c.dep_ in SUBJ_DEPS and not ctx.in_quote(c)]
        if subjs:
            return valid_subject(ctx, verb, subjs[0], cue)
        if verb.head.i == verb.i or verb.dep_ in {"relcl", "ROOT"}:
            break
        verb = verb.head
    # inverted order without a subject label: `said Donna Brazile`
    for c in cue.rights:
        if (
            c.pos_ == "PROPN"
            and not is_time(c)
            and c.dep_ in {"dobj", "npadvmod", "attr", "appos", "dative"}
            and cue.lemma_ == "say"
        ):
            return c
    return None


def valid_subject(ctx: DocContext, verb: Token, subj: Token, cue: Token) -> Token | None:
    if subj.lower_ in RELATIVE and verb.dep_ == "relcl":
        return subj if subj.lower_ in {"who", "which"} else verb.head
    if subj.lower_ in {"there", "this", "that", "what"} or is_time(subj):
        return None
    if subj.lower_ == "it" and subj.dep_ != "nsubj":
        return None  # `it was reported that`
    if ctx.para_of[subj.i] != ctx.para_of[cue.i]:
        return None
    return subj


def make_attribution(ctx: DocContext, cue: Token, subj: Token) -> Attribution:
    start, end = cue_extent(ctx, cue)
    return Attribution(ctx.text[start:end], start, end, mention_tokens(ctx, subj), subj)


def mention_tokens(ctx: DocContext, head: Token) -> list[Token]:
    """The speaker mention as written: the head's subtree, cut at quotes, relative
    clauses and anything that is not contiguous with the head."""
    keep = {head.i}
    for t in head.subtree:
        if ctx.in_quote(t):
            continue
        if any(a.dep_ in {"relcl", "acl", "appos"} for a in _path(t, head)):
            continue  # the mention, not its description
        keep.add(t.i)
    lo = hi = head.i
    while lo - 1 in keep:
        lo -= 1
    while hi + 1 in keep:
        hi += 1
    toks = list(ctx.doc[lo : hi + 1])
    while len(toks) > 1 and (
        toks[-1].is_punct or toks[-1].is_space or toks[-1].dep_ in {"cc", "case"}
    ):
        toks.pop()
    while len(toks) > 1 and toks[0].is_punct:
        toks.pop(0)
    return toks


def _path(tok: Token, top: Token) -> Iterator[Token]:
    """Tokens from tok up to (excluding) top."""
    while tok.i != top.i and tok.head.i != tok.i:
        yield tok
        tok = tok.head


# --------------------------------------------------------------------------- resolution


def _name_tokens(head: Token) -> list[Token]:
    """The proper-name run around a PROPN head, without titles."""
    toks = [c for c in head.lefts if c.dep_ in {"compound", "flat"} and c.pos_ == "PROPN"] + [head]
    toks = [t for t in toks if t.i >= head.i - 4 and (t.i == head.i or t.text[:1].isalnum())]
    run = [head]
    for t in sorted(toks, key=lambda t: -t.i)[1:]:
        if t.i == run[0].i - 1 or (t.i == run[0].i - 2 and t.doc[t.i + 1].text == "."):
            run.insert(0, t)
        else:
            break
    while run and run[0].lower_.rstrip(".") in TITLES and len(run) > 1:
        run.pop(0)
    return run


@dataclass(frozen=True)
class Person:
    i: int  # token index of the mention head
    name: str
    subject: bool  # grammatical subject: more salient as a pronoun antecedent


def person_mentions(doc: Doc) -> list[Person]:
    """Named persons, by NER or as a capitalised PROPN subject (the small
    model tags some surnames as GPE or ORG, e.g. "Ghasemi")."""
    out: dict[int, Person] = {}
    for ent in doc.ents:
        if ent.label_ == "PERSON" and ent.root.pos_ == "PROPN":
            head = ent.root
            out[head.i] = Person(head.i, _name(head), head.dep_ in SUBJ_DEPS)
    # proper-noun subjects, found on the arrays (a Token only for the few candidates)
    strings = doc.vocab.strings
    subj_deps = {strings[d] for d in SUBJ_DEPS}
    propn = POS_IDS["PROPN"]
    deps = doc.to_array(DEP).tolist()
    for i, pos in enumerate(doc.to_array(POS).tolist()):
        if pos == propn and deps[i] in subj_deps and i not in out:
            tok = doc[i]
            if _is_name_like(tok):
                out[i] = Person(i, _name(tok), True)
    return sorted(out.values(), key=lambda p: p.i)


def _name(head: Token) -> str:
    return " ".join(t.text for t in _name_tokens(head))


def _is_name_like(tok: Token) -> bool:
    """Capitalised and not inside a multi-word place or organisation name."""
    if not tok.text[:1].isupper() or tok.lower_ in TITLES:
        return False
    if tok.ent_type_ in {"GPE", "LOC", "ORG", "NORP", "FAC", "DATE", "TIME"}:
        # a one-token entity: it begins here and the next token does not continue it
        doc = tok.doc
        return tok.ent_iob_ == "B" and (tok.i + 1 >= len(doc) or doc[tok.i + 1].ent_iob_ != "I")
    return True


def _full_name(persons: list[Person], surname: str, before: int) -> str | None:
    """Longest name before `before` ending with this surname."""
    best = None
    for p in persons:
        if p.i > before:
            break
        if p.name.split()[-1] == surname and (best is None or len(p.name) > len(best)):
            best = p.name
    return best


def resolve_speaker(
    ctx: DocContext, att: Attribution, persons: list[Person], genders: dict[str, str] | None = None
) -> str | None:
    head = att.head
    if head is None:
        return None
    if head.lower_ in RELATIVE and head.dep_ in SUBJ_DEPS and head.head.dep_ == "relcl":
        head = head.head.head  # `Mr. Sanders, who said`: the antecedent
        att = Attribution(att.cue, att.cue_start, att.cue_end, mention_tokens(ctx, head), head)
    if head.pos_ == "PRON":
        return _resolve_pronoun(head, persons, genders)
    if head.pos_ == "PROPN" and head.text[:1].isupper():
        if (
            not _is_name_like(head)
            or head.ent_type_ in {"ORG", "GPE", "NORP"}
            and not _known_surname(head, persons)
        ):
            return _phrase(att)  # "Iran's foreign ministry", "The New York Times"
        name = _name(head)
        return _full_name(persons, name.split()[-1], head.i) or name
    return _resolve_nominal(ctx, head) or _phrase(att)


def _known_surname(head: Token, persons: list[Person]) -> bool:
    return any(p.i < head.i and p.name.split()[-1] == head.text for p in persons)


def _phrase(att: Attribution) -> str:
    toks = att.speaker
    while toks and toks[0].dep_ == "det":
        toks = toks[1:]
    return "".join(t.text_with_ws for t in toks).strip() if toks else ""


_TITLE_GENDER = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f"}
# pronouns that refer back to the subject of their sentence
_SUBJECT_PRONOUNS = {"he": "m", "himself": "m", "she": "f", "herself": "f"}
_POSSESSIVES = {"his": "m", "her": "f"}


def _pronoun_gender(tok: Token) -> str | None:
    if tok.lower_ in _SUBJECT_PRONOUNS and (tok.dep_ in SUBJ_DEPS or tok.lower_.endswith("self")):
        return _SUBJECT_PRONOUNS[tok.lower_]
    if tok.lower_ in _POSSESSIVES and tok.dep_ == "poss":
        return _POSSESSIVES[tok.lower_]
    return None


def genders_of(doc: Doc, persons: list[Person]) -> dict[str, str]:
    """Surname -> "m" or "f" where the text shows it: a title before the name
    (`Mr. Ekovich`, `Ms. Warren`) or, for a name in subject position, the first
    he/his/himself or she/her/herself later in its sentence before any other
    name (`Anna Berg said her plan ...`).  Conflicting evidence leaves it unknown."""
    votes: dict[str, set[str]] = {}
    starts = {p.i for p in persons}
    for p in persons:
        surname = p.name.split()[-1]
        head = doc[p.i]
        first = min([t.i for t in _name_tokens(head)] + [p.i])
        title = _TITLE_GENDER.get(doc[first - 1].lower_) if first > 0 else None
        if title:
            votes.setdefault(surname, set()).add(title)
            continue
        if not p.subject:
            continue
        for tok in doc[p.i + 1 : head.sent.end]:
            if tok.i in starts:
                break
            gender = _pronoun_gender(tok)
            if gender:
                votes.setdefault(surname, set()).add(gender)
                break
    return {name: next(iter(v)) for name, v in votes.items() if len(v) == 1}


def _resolve_pronoun(
    pron: Token, persons: list[Person], genders: dict[str, str] | None = None
) -> str | None:
    """He/she -> the nearest named person before it, preferring subjects of
    recent sentences (`Ghasemi claimed Netanyahu's ...  he charged` -> Ghasemi)
    and skipping persons the text shows to be of the other gender."""
    if pron.lower_ not in {"he", "she"}:
        return None
    prev = [p for p in persons if p.i < pron.i]
    if not prev:
        return None
    gender = "m" if pron.lower_ == "he" else "f"
    genders = genders or {}

    def agrees(p: Person) -> bool:
        return genders.get(p.name.split()[-1], gender) == gender

    recent = [p for p in prev if p.subject and pron.i - p.i < 120]
    pool = [p for p in recent if agrees(p)] or [p for p in prev if agrees(p)] or recent or prev
    nearest = pool[-1]
    return _full_name(persons, nearest.name.split()[-1], pron.i) or nearest.name


def _resolve_nominal(ctx: DocContext, head: Token) -> str | None:
    """`the spokesman` -> the nearest earlier name given that title."""
    doc = ctx.doc
    for i in reversed(ctx.lemma_positions(head.lemma_.lower())):
        if i >= head.i:
            continue
        name = _titled_name(doc[i])
        if name:
            return name
    return None


def _titled_name(tok: Token) -> str | None:
    # "spokesman Bahram Ghasemi": title as compound of the name
    if tok.dep_ == "compound" and tok.head.pos_ == "PROPN":
        return " ".join(t.text for t in _name_tokens(tok.head))
    # "Bahram Ghasemi, the spokesman": title in apposition to the name
    if tok.dep_ == "appos" and tok.head.pos_ == "PROPN":
        return " ".join(t.text for t in _name_tokens(tok.head))
    # "the spokesman, Bahram Ghasemi"
    for c in tok.children:
        if c.dep_ == "appos" and c.pos_ == "PROPN":
            return " ".join(t.text for t in _name_tokens(c))
    return None
