"""A person's name within an article: titles, descriptors and junk NER took in dropped.

``extract/actors.py`` finds the mentions; ``set_canonicals`` gives each its name within the
article (README "Actors"): a person's fullest name, a surname or first name taking the
article's full name, an entity its name without modifiers. SQL resolves the names across
articles and against the actor KB (``int_mentions_resolved``).
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extract.actor_seeds import (
    SEEDS_DIR,
    alias_key,
    alias_table,
    kb_first_names_by_surname,
    kb_government_countries,
    kb_people,
    kb_person_name,
    kb_person_owners,
    normalise,
    read_seed_csv,
    role_matcher,
    role_table,
)

if TYPE_CHECKING:
    from spacy.language import Language

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


# vocab -> the adjectives of its pipeline's lemmatizer (``use_lexicon``)
_ADJECTIVES: dict[int, frozenset[str]] = {}

DASHES = frozenset({"-", "\u2013", "\u2014", "--"})
# abbreviated titles of an office, whatever the gender ("Sen. Cruz", "Gov. Kasich")
TITLES = frozenset({"sen", "rep", "gov", "gen", "lt", "col", "sgt", "rev", "pres", "amb"})
GENDER_HONORIFICS = {"mrs": "f", "ms": "f", "miss": "f", "mr": "m"}
BRACKETS = str.maketrans("", "", "[]()")


def use_lexicon(nlp: Language) -> None:
    """Keep the adjectives of ``nlp``'s lemmatizer index (the WordNet words the packaged
    rule lemmatizer knows: "derelict", "crooked"), for the docs of its vocab. Call it before
    ``extract.tagging`` replaces the lemmatizer (that pass keeps the same tables). A pipeline
    without one has no adjectives here: the rule that asks for them does nothing."""
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is not None and lookups.has_table("lemma_index"):
        table = lookups.get_table("lemma_index")
        if "adj" in table:  # a list in the package (a set once extract.tagging has run)
            _ADJECTIVES[id(nlp.vocab)] = frozenset(table["adj"])


def adjectives(info: DocInfo) -> frozenset[str]:
    return _ADJECTIVES.get(id(info.doc.vocab), frozenset())


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
    all_by_surname: dict[str, list[str]] = {}
    first_names: dict[str, str] = {}
    ordered = sorted(drafts, key=lambda d: d.start)
    names = {id(d): (strip_titles(info, max(d.start, d.name_start), d.end), d.end)
             for d in ordered if d.label == "PERSON"}
    full_by_surname: dict[str, set[str]] = {}
    n_named: dict[str, int] = {}
    for s, e in names.values():
        n_named[info.span_text(s, e)] = n_named.get(info.span_text(s, e), 0) + 1
        if e - s > 1:
            full_by_surname.setdefault(info.words[e - 1], set()).add(info.span_text(s, e))
    in_entity = {i for ent in info.ents for i in range(ent.start, ent.end)}
    title_case: dict[int, bool] = {}
    spans: dict[int, tuple[int, int]] = {}  # the name's tokens, titles and junk dropped
    for d in ordered:
        if d.label == "PERSON":
            s, e = names[id(d)]
            # A name in a headline's Title Case that no other mention repeats: capitals
            # tell no name there, so any word no KB person has may be no part of it.
            headline = (e - s > 1 and n_named[info.span_text(s, e)] == 1
                        and _in_title_case(info, s, in_entity, title_case))
            s, e = strip_non_name_words(info, s, e, n_named, full_by_surname,
                                        headline=headline, at_start=_starts_line(info, s))
            spans[id(d)] = s, e
            # editorial brackets are no part of a name ("[Hillary] Clinton", "George (W. Bush")
            d.canonical = " ".join(info.span_text(s, e).translate(BRACKETS).split())
            parts = d.canonical.split()
            if len(parts) > 1:
                surnames.setdefault(parts[-1], d.canonical)
                if d.canonical not in all_by_surname.setdefault(parts[-1], []):
                    all_by_surname[parts[-1]].append(d.canonical)
                for piece in parts[-1].split("-")[1:]:
                    surnames.setdefault(piece, d.canonical)
                first_names.setdefault(parts[0], d.canonical)
        else:  # an entity is its name, without the modifiers ("rebel", "Iran's")
            d.canonical = normalise_display(info.span_text(max(d.start, d.name_start), d.end))
    for d in ordered:
        if d.label == "PERSON" and " " not in d.canonical:
            gender = honorific_gender(info, d)
            article = (_by_honorific(gender, all_by_surname.get(d.canonical, []))
                       or _of_gender(surnames.get(d.canonical), gender)
                       or _of_gender(first_names.get(d.canonical), gender))
            d.canonical = (_kb_office_holder(info, d, spans[id(d)], article)
                           or article or d.canonical)


def _kb_office_holder(info: DocInfo, d: Draft, span: tuple[int, int],
                      article: str | None) -> str | None:
    """A surname with a title or an office that tells the KB's person from the article's
    person of that surname (README "Actors"), else None (the article's rules decide):

    1. the noun after it, or the title before it when the article's person has no KB
       government role, with the surname, is a name the KB gives only to people ("the
       Reagan administration", "Bush administration", "President Obama") and the article's
       person is none of them: that name, which SQL resolves to the KB person (several: the
       one in office last by the article's date, or none);
    2. an office after it: a government noun (a country word NER ran into the name, "the
       Obama White House"; or the role noun it modifies, "the Obama government"): when the
       article's person has no government role of that country in the KB and exactly one
       KB person whose bare alias the surname is has one, that person's name.
    A story that names only Michelle Obama in full says "President Obama" and "the Obama
    White House" of Barack Obama."""
    s, e = span
    surname = info.words[s]
    owners = kb_person_owners()
    gov = kb_government_countries()
    mine = _kb_people_named(article) if article else frozenset()
    forms = []
    # a title: only against an article's person the KB gives no government role, whom it
    # may fit for all the KB knows ("Governor Bush" in a story naming Jeb Bush is Jeb, though
    # the KB's "Governor Bush" is George W.); a bare surname is left to the rules in SQL
    if (article is not None and not any(k in gov for k in mine)
            and s - 1 >= d.start and _is_title(info.words[s - 1])):
        forms.append(f"{info.words[s - 1]} {surname}")
    nouns = [" ".join(info.words[e:d.end])] if d.end > e else []
    if d.compound_of is not None and d.compound_of < len(info.words):
        nouns.append(info.words[d.compound_of])
    forms += [f"{surname} {noun}" for noun in nouns]
    for form in forms:
        kb_ids = owners.get(alias_key(form))
        if kb_ids and not kb_ids & mine:
            return form
    if article is None:
        return None
    for noun in nouns:
        country = _government_of(noun)
        if country is None:
            continue
        if any(country in gov.get(k, ()) or country == "*" and k in gov for k in mine):
            return None
        holders = [k for k in owners.get(alias_key(surname), ())
                   if country in gov.get(k, ()) or country == "*" and k in gov]
        if len(holders) == 1:
            return kb_person_name(holders[0])
    return None


def _kb_people_named(name: str) -> frozenset[str]:
    """The KB people ``name`` may be: those the KB gives that name, else, for two words, those
    of that surname whose first name is one edit away, both of at least 4 letters ("Hilary
    Clinton" is Hillary Clinton), as SQL resolves it (int_mentions_resolved, rank 5)."""
    key = alias_key(name)
    found = kb_person_owners().get(key)
    if found or key.count(" ") != 1:
        return found or frozenset()
    first, surname = key.split()
    return frozenset(kb_id for kb_first, kb_id in kb_first_names_by_surname().get(surname, ())
                     if min(len(first), len(kb_first)) >= 4 and _one_edit(first, kb_first))


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one insertion, deletion, substitution or
    swap of two neighbouring letters (Damerau-Levenshtein distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    return a[i + 1:] == b[i + 1:] or (a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1])


def _is_title(word: str) -> bool:
    """A role word or a title's abbreviation before a name ("President", "Sen.", "Gov.")."""
    key = word.lower().rstrip(".")
    return key in role_matcher()[1] or key in TITLES


def _government_of(noun: str) -> str | None:
    """The country whose government ``noun`` names ("White House": USA), "*" for a
    government role noun of no one country ("administration", "government"), else None."""
    found = alias_table().get(normalise(noun))
    role = role_matcher()[1].get(noun.lower())
    if role is None or role_table()[role][0] != "GOV":
        return None
    return found[0] if found else "*"


def honorific_gender(info: DocInfo, d: Draft) -> str | None:
    """"f" for a name after "Mrs.", "Ms." or "Miss", "m" after "Mr.", else None: the word
    just before the name, inside the mention or right before it."""
    i = max(d.start, d.name_start) - 1
    if i < 0:
        return None
    word = info.words[i]
    # Capitalised only: "Polls miss Trump's fall" has the verb "miss", not "Miss Trump".
    if not word[:1].isupper():
        return None
    return GENDER_HONORIFICS.get(word.lower().rstrip("."))


def _by_honorific(gender: str | None, candidates: list[str]) -> str | None:
    """The one full name among ``candidates`` (the article's people of that surname) whose
    first name is of the gender the honorific says ("Mrs. Clinton" beside Bill and Hillary
    Clinton is Hillary), from ``first_name_genders``; None when that leaves not exactly one
    (then the first full name seen takes it, unless of the other gender: ``_of_gender``)."""
    if len(candidates) < 2 or gender is None:
        return None
    genders = first_name_genders()
    found = [c for c in candidates if genders.get(alias_key(c.split()[0])) == gender]
    return found[0] if len(found) == 1 else None


def _of_gender(name: str | None, gender: str | None) -> str | None:
    """``name`` unless the honorific says the other gender than its first name: "Mr. Obama"
    in a story that names only Michelle Obama in full is not her. The mention then keeps
    its bare surname and its honorific, which SQL links across articles to a person of that
    gender (int_mentions_resolved), or to no one."""
    if name is None or gender is None:
        return name
    other = first_name_genders().get(alias_key(name.split()[0]))
    return None if other is not None and other != gender else name


@lru_cache(maxsize=4)
def first_name_genders(seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    """first name (``alias_key``) -> "f" / "m" (``scripts/build_first_names.py``)."""
    return {r["first_name"]: r["gender"] for r in read_seed_csv("first_name_genders.csv",
                                                                 seeds_dir)}


def _starts_line(info: DocInfo, i: int) -> bool:
    """Token ``i`` starts a sentence or a line (a headline's first word): its capital tells
    nothing about it being a name."""
    start, _ = info.sentence_bounds(i)
    breaks = info.line_breaks
    k = bisect_right(breaks, i)
    return start == i or (k > 0 and breaks[k - 1] == i)


def _in_title_case(info: DocInfo, i: int, in_entity: set[int], memo: dict[int, bool]) -> bool:
    """Whether token ``i`` lies in a line written in Title Case (a headline: "One Tweet Sums
    Up The Absurd Double Standard Clinton And Trump Face"): of its words outside entities
    but its first, at least three, and at least 60% capitalised."""
    start, end = info.sentence_bounds(i)
    breaks = info.line_breaks  # a sentence the parser ran over a line break ends there
    k = bisect_right(breaks, i)
    if k:
        start = max(start, breaks[k - 1])
    if k < len(breaks):
        end = min(end, breaks[k])
    found = memo.get(start)
    if found is None:
        words = [info.words[j] for j in range(start + 1, end)
                 if j not in in_entity and info.words[j].isalpha()]
        found = memo[start] = (len(words) >= 3
                               and sum(w[0].isupper() for w in words) >= 0.6 * len(words))
    return found


def strip_non_name_words(info: DocInfo, start: int, end: int, named: dict[str, int],
                         full_by_surname: dict[str, set[str]], *,
                         headline: bool = False, at_start: bool = False) -> tuple[int, int]:
    """Drop the words NER took into a person's name that are no part of it, when what is
    left is a known person. Leading: epithets and adjectives ("Crooked", "Young" in "Young
    Sanders supporters", a headline's "Top Clinton aide"), a nationality word ("Filipino");
    trailing: a headline's verb ("Obama Says"), a country word of several words ("Obama White
    House"). A word is no name when it is a country word,
    or when the article uses it in lower case ("young voters") and no KB person has it as a
    given name (leading) or surname (trailing): "Bill", "Jane" stay. In a ``headline`` a
    word need not be written in lower case elsewhere ("Big-Name Senator Endorsed Trump",
    "State Department Hid Key Clinton"), but a word of another person's name in the article
    stays ("Ivanka" of "Ivanka Trump Says" when the story says "Ivanka"). The first word of
    a name that starts a sentence or a line (``at_start``: its capital tells nothing) is no
    name either when the lemmatizer's lexicon has it as an adjective and neither the KB nor
    the first-name seed has it as a given name ("Derelict Obama and Clinton;", a headline
    too short for Title Case; "Frank", "Rich" are given names of the seed or the KB).

    Known is, for the longest part left (the rightmost of equals): a name the KB has for a
    person ("Clinton"), the name of another mention (``named``: name -> mentions), one word
    that is the surname of another person named in full (``full_by_surname``: "Young
    Sanders" beside "Bernie Sanders"), or, out of a headline, the full name after leading
    epithets, where no trailing word is no name ("Crooked Hillary Clinton"). Returns the
    (start, end) tokens of the name."""
    if end - start < 2:
        return start, end
    given, kb_surnames, kb_keys = kb_people()
    lower = info.lower_words
    countries = alias_table()
    whole = info.span_text(start, end)
    own = info.words[start:end]
    other_words = {w for name in named if name != whole for w in name.split()}
    if named.get(whole, 0) > 1:
        other_words.update(own)

    def no_name(i: int, kb_words: frozenset[str]) -> bool:
        word = info.words[i]
        key = alias_key(word)
        if normalise(word) in countries:
            return True
        if not key.isalpha() or key in kb_words:
            return False
        if (at_start and i == start and key in adjectives(info)
                and key not in first_name_genders()):
            return True
        return key in lower or (headline and word not in other_words)

    lead = start
    while lead < end - 1 and no_name(lead, given):
        lead += 1
    trail = end
    # a country word of several words NER ran a name into ("the Obama White House")
    for n in (3, 2):
        if end - start > n and normalise(info.span_text(end - n, end)) in countries:
            trail = end - n
            break
    while trail > start + 1 and no_name(trail - 1, kb_surnames):
        trail -= 1

    def known(s: int, e: int) -> bool:
        text = info.span_text(s, e)
        if alias_key(text) in kb_keys:
            return True
        if e - s > 1:
            return (not headline and e == end == trail) or (text != whole and text in named)
        return bool(full_by_surname.get(text, set()) - {whole})

    parts = sorted(((s, e) for s in range(start, lead + 1)
                    for e in range(max(trail, s + 1), end + 1) if (s, e) != (start, end)),
                   key=lambda p: (p[0] - p[1], -p[0]))
    return next((p for p in parts if known(*p)), (start, end))


def normalise_display(text: str) -> str:
    text = text.strip()
    for suffix in ("'s", "’s"):
        text = text.removesuffix(suffix)
    return text[4:] if text.lower().startswith("the ") else text
