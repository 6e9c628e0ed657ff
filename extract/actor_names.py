"""A person's name within an article: titles, descriptors and junk NER took in dropped.

``extract/actors.py`` finds the mentions; ``set_canonicals`` gives each its name within the
article (README "Actors"): a person's fullest name, a surname or first name taking the
article's full name, an entity its name without modifiers. SQL resolves the names across
articles and against the actor KB (``int_mentions_resolved``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extract.actor_seeds import (
    SEEDS_DIR,
    alias_key,
    alias_table,
    kb_people,
    normalise,
    read_seed_csv,
    role_matcher,
)

if TYPE_CHECKING:
    from extract.actors import DocInfo, Draft

# Adjectives and nouns news puts before a name that no dictionary lists as a role.
DESCRIPTORS = frozenset({"billionaire", "businessman", "businesswoman", "mogul", "magnate",
                         "presumptive", "likely", "former", "late", "embattled", "outgoing",
                         "incoming", "hopeful", "frontrunner", "front-runner", "nominee",
                         "republican", "democrat", "democratic", "gop", "rival", "fellow",
                         "independent", "conservative", "liberal", "progressive", "then",
                         "retired", "celebrity", "reality", "tv", "star", "host", "pundit",
                         "comedian", "actor", "actress", "singer", "rapper", "billionaires"})
FUNCTION_POS = frozenset({"AUX", "DET", "PRON", "ADP", "SCONJ", "CCONJ", "PART", "VERB", "ADV"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "lord", "lady", "gen", "lt", "col", "sgt",
                        "rev", "sen", "rep", "gov", "then"})


DASHES = frozenset({"-", "\u2013", "\u2014", "--"})


def after_dateline(info: DocInfo, start: int, end: int) -> int:
    """Where a name starts after a dateline NER took into it ("BERLIN - Donald Trump",
    "ROME - Bernie Sanders"): after the last dash standing between spaces (a hyphenated name
    has none: "Abdel-Wahab"); ``start`` if there is none."""
    text = info.text
    for i in range(end - 2, start, -1):
        if (info.words[i] in DASHES and text[info.idx[i] - 1:info.idx[i]].isspace()
                and text[info.end_char(i):info.end_char(i) + 1].isspace()):
            return i + 1
    return start


@lru_cache(maxsize=4)
def descriptor_words(seeds_dir: Path = SEEDS_DIR) -> frozenset[str]:
    """One-word agent nouns of the agent dictionary ("tycoon", "activist"), one-word role
    forms ("senator", "candidates") and DESCRIPTORS: words NER leaves at the start of a
    person's name ("Billionaire Donald Trump") that are no part of it."""
    agents = {r["agent_key"] for r in read_seed_csv("kb_agents.csv", seeds_dir)}
    roles = role_matcher(seeds_dir)[1]
    return frozenset({w for w in agents | set(roles) if " " not in w} | DESCRIPTORS)


def strip_titles(info: DocInfo, start: int, end: int) -> int:
    """Skip leading honorifics, role phrases ("President", "Lt. Gen."), descriptors
    ("Billionaire", "Presumptive") and function words ("a", "Will") of a name."""
    doc = info.doc
    descriptors = descriptor_words()
    while start < end - 1:
        tok = doc[start]
        word = info.words[start].lower().rstrip(".")
        # "a John McCain", "Will Sanders win?": no name starts with a function word
        if word in HONORIFICS or word in descriptors or tok.pos_ in FUNCTION_POS:
            start += 1
            continue
        hits = info.roles(tok.idx, info.end_char(end - 1))  # doc[start:end].text
        if not hits or hits[0][0].start != tok.idx:
            break
        start = next((i for i in range(start + 1, end) if info.idx[i] >= hits[0][0].end),
                     end - 1)
    return start


def set_canonicals(info: DocInfo, drafts: list[Draft]) -> None:
    """People: the fullest name of the article. A one-word name takes the full name whose
    surname it is ("Merkel"; "Wahab" for "Hisham Abdel-Wahab": each part of a hyphenated
    surname), else whose first name it is ("Donald"), the first full name seen winning.
    Other entities: their name as tagged, other mentions their text, without a leading
    "the" or a possessive."""
    surnames: dict[str, str] = {}
    first_names: dict[str, str] = {}
    ordered = sorted(drafts, key=lambda d: d.start)
    names = {id(d): (strip_titles(info, max(d.start, d.name_start), d.end), d.end)
             for d in ordered if d.label == "PERSON"}
    full_by_surname: dict[str, set[str]] = {}
    for s, e in names.values():
        if e - s > 1:
            full_by_surname.setdefault(info.words[e - 1], set()).add(info.span_text(s, e))
    for d in ordered:
        if d.label == "PERSON":
            s, e = strip_non_name_words(info, *names[id(d)], full_by_surname)
            d.canonical = info.span_text(s, e).strip()
            parts = d.canonical.split()
            if len(parts) > 1:
                surnames.setdefault(parts[-1], d.canonical)
                for piece in parts[-1].split("-")[1:]:
                    surnames.setdefault(piece, d.canonical)
                first_names.setdefault(parts[0], d.canonical)
        else:  # an entity is its name, without the modifiers ("rebel", "Iran's")
            d.canonical = normalise_display(info.span_text(max(d.start, d.name_start), d.end))
    for d in ordered:
        if d.label == "PERSON" and " " not in d.canonical:
            d.canonical = surnames.get(d.canonical) or first_names.get(d.canonical, d.canonical)


def strip_non_name_words(info: DocInfo, start: int, end: int,
                         full_by_surname: dict[str, set[str]]) -> tuple[int, int]:
    """Drop the words NER took into a person's name that are no part of it, when what is
    left is a known person. Leading: epithets and adjectives ("Crooked", "Young" in "Young
    Sanders supporters", a headline's "Top Clinton aide"), a nationality word ("Filipino");
    trailing: a headline's verb ("Obama Says"). A word is no name when it is a country word,
    or when the article uses it in lower case ("young voters") and no KB person has it as a
    given name (leading) or surname (trailing): "Bill", "Jane" stay. Known is a name the KB
    has for a person ("Clinton"), a name of two words or more ("Crooked Hillary Clinton"),
    or the surname of another person the article names in full ("Young Sanders" beside
    "Bernie Sanders"). Returns the (start, end) tokens of the name."""
    if end - start < 2:
        return start, end
    given, kb_surnames, kb_keys = kb_people()
    lower = info.lower_words
    countries = alias_table()

    def no_name(i: int, kb_words: frozenset[str]) -> bool:
        word = info.words[i]
        key = alias_key(word)
        return normalise(word) in countries or (
            key.isalpha() and key in lower and key not in kb_words)

    s, e = start, end
    while s < e - 1 and no_name(s, given):
        s += 1
    while e > s + 1 and no_name(e - 1, kb_surnames):
        e -= 1
    if (s, e) == (start, end):
        return start, end
    rest = info.span_text(s, e)
    others = full_by_surname.get(info.words[e - 1], set()) - {info.span_text(start, end)}
    if alias_key(rest) in kb_keys or (e - s > 1 and e == end) or others:
        return s, e
    return start, end


def normalise_display(text: str) -> str:
    text = text.strip()
    for suffix in ("'s", "’s"):
        text = text.removesuffix(suffix)
    return text[4:] if text.lower().startswith("the ") else text
