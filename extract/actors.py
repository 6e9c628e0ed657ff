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

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from extract.actor_names import (
    after_dateline,
    descriptor_words,
    first_name_genders,
    honorific_gender,
    set_canonicals,
)
from extract.actor_seeds import (
    alias_key,
    alias_prefixes,
    alias_table,
    kb_first_names_by_surname,
    kb_full_name_ends,
    kb_government_countries,
    kb_people,
    kb_person_owners,
    may_end_role,
    normalise,
    role_form_suffixes,
    role_matcher,
    role_table,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
REGION_WORDS = frozenset({"the", "north", "south", "east", "west", "northern", "southern",
                          "eastern", "western", "central", "upper", "lower", "greater",
                          "northeast", "northwest", "southeast", "southwest", "northeastern",
                          "northwestern", "southeastern", "southwestern", "mainland", "rural",
                          "coastal", "occupied"})
NON_HEAD_DEPS = frozenset({"compound", "amod", "nmod", "poss", "appos"})
TRIM_DEPS = frozenset({"det", "predet", "punct", "cc", "advmod", "case"})
PREP_CUE = frozenset({"of", "in"})
NEGATING_PREFIXES = frozenset({"anti", "pro", "non", "ex"})
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
    grammatical_role: str | None = None  # subject | object | locative | possessor | None
    honorific: str | None = None  # a person's "f" after "Mrs.", "Ms.", "Miss"; "m" after "Mr."


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


class DocInfo:
    """Per-doc lookups, built once per doc and shared by actors, events and rows.

    spaCy rebuilds ``doc.text`` from the tokens, a new ``Token`` for every ``doc[i]`` and the
    text of a ``Span`` from its tokens on every access, and one mention's context overlaps the
    next one's: read the tokens once and memoise the n-gram and role look-ups per doc.
    """

    def __init__(self, doc: Doc) -> None:
        from spacy.attrs import IDX, ORTH, POS, SPACY

        self.doc = doc
        # Token attributes as plain lists, one attribute per to_array call (several at once
        # is slower), and no Token objects. doc.text joined here the way spaCy joins it
        # (text_with_ws is the orth string plus " " when the token has the SPACY flag).
        strings = doc.vocab.strings
        self.words: list[str] = [strings[orth] for orth in doc.to_array(ORTH).tolist()]
        self.text = "".join([w + " " if space else w
                             for w, space in zip(self.words, doc.to_array(SPACY).tolist(),
                                                 strict=True)])
        self.idx: list[int] = doc.to_array(IDX).tolist()
        self.pos: list[int] = doc.to_array(POS).tolist()
        self.capitalised = [w[:1].isupper() for w in self.words]  # may start a country word
        self._ents: tuple[Span, ...] | None = None
        self._alias_lengths: dict[int, tuple[int, ...]] = {}
        self._roles: dict[tuple[int, int], list[tuple[Hit, str]]] = {}
        self._ends_role: dict[int, bool] = {}
        self._sent_starts: list[int] | None = None
        self._in_place_name: set[int] | None = None
        self._line_breaks: list[int] | None = None
        self._lower_words: frozenset[str] | None = None

    @property
    def ents(self) -> tuple[Span, ...]:
        """``doc.ents`` (spaCy builds the Span tuple on every access)."""
        if self._ents is None:
            self._ents = self.doc.ents
        return self._ents

    def with_pos(self, *names: str) -> list[int]:
        """Indices of the tokens whose ``pos_`` is one of ``names``, in order."""
        from spacy.parts_of_speech import IDS

        wanted = {IDS[name] for name in names}
        return [i for i, pos in enumerate(self.pos) if pos in wanted]

    def end_char(self, i: int) -> int:
        """``doc[i].idx + len(doc[i].text)``."""
        return self.idx[i] + len(self.words[i])

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``: a slice of the text (the tokens are contiguous)."""
        return self.text[self.idx[start]:self.end_char(end - 1)] if end > start else ""

    def roles(self, start: int, end: int) -> list[tuple[Hit, str]]:
        """``find_roles(doc.text[start:end], start)``, memoised (do not mutate the list)."""
        found = self._roles.get((start, end))
        if found is None:
            found = self._roles[start, end] = find_roles(self.text[start:end], start)
        return found

    def alias_lengths(self, i: int) -> tuple[int, ...]:
        """Lengths n (longest first) for which tokens [i, i+n) are a country word, whatever
        the range and skip set of the caller (``country_words`` applies those)."""
        found = self._alias_lengths.get(i)
        if found is None:
            found = ()
            words = self.words
            if (words[i][:1].isupper() and not _negated(self.doc, i)
                    and i not in self.in_place_name):
                aliases = alias_table()
                prefixes = alias_prefixes()
                ns = []
                for n in range(1, min(MAX_NGRAM, len(words) - i) + 1):
                    ngram = self.span_text(i, i + n)
                    # An ASCII n-gram that starts no alias starts no alias when extended
                    # either: stop (exact, see alias_prefixes); saves most normalise calls.
                    if ngram.isascii() and " ".join(ngram.lower().split()) not in prefixes:
                        break
                    if (words[i + n - 1] not in ("'s", "’s", "-")
                            and normalise(ngram) in aliases):
                        ns.append(n)
                found = tuple(reversed(ns))
            self._alias_lengths[i] = found
        return found

    @property
    def in_place_name(self) -> set[int]:
        """Tokens that continue a longer place name after a capitalised word ("Jersey" in
        "New Jersey", "Mexico" in "New Mexico"): a country word there names another place,
        so it starts no country word; after a compass word it names a part of the country
        ("South Lebanon", "Western Cambodia") and still counts. The place name itself may
        still be one ("Papua New Guinea" matches at its first token)."""
        if self._in_place_name is None:
            words = self.words
            self._in_place_name = {
                i for e in self.ents if e.label_ in PLACE_LABELS
                for i in range(e.start + 1, e.end)
                if words[i - 1][:1].isupper() and words[i - 1].isalpha()
                and words[i - 1].lower() not in REGION_WORDS}
            # NER often misses the state or the team ("New Jersey's", "New Jersey Generals")
            self._in_place_name.update(i for i in range(1, len(words)) if words[i - 1] == "New")
        return self._in_place_name

    @property
    def lower_words(self) -> frozenset[str]:
        """The words the text writes in lower case ("young", "says"): common words, where
        they start a person's name ("Young Sanders supporters") they are no part of it."""
        if self._lower_words is None:
            self._lower_words = frozenset(w for w in self.words if w.islower())
        return self._lower_words

    @property
    def line_breaks(self) -> list[int]:
        """Indices just after each whitespace token holding a line break, in order."""
        if self._line_breaks is None:
            self._line_breaks = [i + 1 for i, w in enumerate(self.words) if "\n" in w]
        return self._line_breaks

    def sentence_bounds(self, i: int) -> tuple[int, int]:
        """(start, end) token indices of the sentence holding token ``i`` (``doc[i].sent``)."""
        k = self.sentence_of(i)
        starts = self._sent_starts
        assert starts is not None
        return starts[k], starts[k + 1] if k + 1 < len(starts) else len(self.words)

    def sentence_of(self, i: int) -> int:
        """Index of the sentence holding token ``i`` (as enumerated by ``doc.sents``)."""
        if self._sent_starts is None:
            self._sent_starts = [sent.start for sent in self.doc.sents]
        return bisect_right(self._sent_starts, i) - 1


_LAST_INFO: list[DocInfo | None] = [None]


def doc_info(doc: Doc) -> DocInfo:
    """The ``DocInfo`` of ``doc``, kept for the last doc asked about (it holds the doc, so an
    identity check is safe; docs are not changed after the pipeline has parsed them)."""
    info = _LAST_INFO[0]
    if info is None or info.doc is not doc:
        info = _LAST_INFO[0] = DocInfo(doc)
    return info


def _text(doc: Doc) -> str:
    """``doc.text`` (rebuilt from the tokens on every access), kept for the last doc."""
    return doc_info(doc).text


def best_role(doc: Doc, start: int, end: int) -> tuple[Hit, str] | None:
    """Highest-priority role in doc.text[start:end]; ties go to the rightmost."""
    found = doc_info(doc).roles(start, end)
    if not found:
        return None
    roles = role_table()
    return max(found, key=lambda hr: (roles[hr[1]][1], hr[0].start))


def _is_country_entity(doc: Doc, ent: Span) -> bool:
    end = _strip_possessive(doc, ent.end)
    return end > ent.start and normalise(doc_info(doc).span_text(ent.start, end)) in alias_table()


def _person_tokens(doc: Doc) -> set[int]:
    return {t.i for e in doc_info(doc).ents
            if e.label_ == "PERSON" and not _is_country_entity(doc, e) for t in e}


def country_words(doc: Doc, start: int, end: int, skip: set[int]) -> list[Span]:
    """Country-word spans in tokens [start, end), leftmost first, longest at a position."""
    info = doc_info(doc)
    out: list[Span] = []
    i = start
    capitalised = info.capitalised
    while i < end:
        n = (_longest_alias(info.alias_lengths(i), i, end, skip)
             if capitalised[i] and i not in skip else 0)
        if n:
            out.append(doc[i:i + n])
            i += n
        else:
            i += 1
    return out


def _longest_alias(lengths: tuple[int, ...], i: int, end: int, skip: set[int]) -> int:
    """The longest of the country-word ``lengths`` at token ``i`` that ends by ``end`` and
    holds no skipped token (0 if none)."""
    for n in lengths:
        if n <= end - i and not any(j in skip for j in range(i + 1, i + n)):
            return n
    return 0


def _negated(doc: Doc, i: int) -> bool:
    """'anti-Syria', 'pro-Iranian': the country word does not code the phrase."""
    if i < 2:
        return False
    info = doc_info(doc)
    return info.words[i - 1] == "-" and doc[i - 2].lower_ in NEGATING_PREFIXES


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
    return end - 1 if end > 0 and doc_info(doc).words[end - 1] in ("'s", "’s", "'") else end


def _appos_cue(doc: Doc, head: Token, skip: set[int]) -> tuple[Hit | None, tuple[Hit, str] | None]:
    for child in head.children:
        if child.dep_ == "appos":
            sub = list(child.subtree)
            words = country_words(doc, sub[0].i, sub[-1].i + 1, skip)
            role = best_role(doc, child.left_edge.idx, child.idx + len(child.text))
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
    info = doc_info(doc)
    head = doc[d.head]
    own = skip | (set(range(d.name_start, d.end)) if d.label == "PERSON" else set())
    words = country_words(doc, left, d.end, own)
    if words:
        d.cue = _hit(words[0])
        d.cue_is_local = True
    role = best_role(doc, info.idx[left], info.end_char(d.end - 1))
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
    info = doc_info(doc)
    ents = info.ents
    surnames, person_words = _article_surnames(info, ents)
    found = []
    for ent in ents:
        if ent.label_ not in ACTOR_LABELS:
            continue
        end = _strip_possessive(doc, ent.end)
        if end <= ent.start:
            continue
        if normalise(info.span_text(ent.start, end)) in alias_table():
            country_ents.append(doc[ent.start:end])
            continue
        start = after_dateline(info, ent.start, end)
        label = _person_label(info, ent.label_, start, end, ent.start, surnames, person_words)
        if label == "PERSON":
            end = _strip_trailing_numbers(info, start, end)
        found.append((ent, start, end, label))
    # A phrase starts after an earlier person's name (also one NER mislabelled: "Rubio" as
    # FAC in "including Rubio and Ohio Gov. John Kasich") or a line break, whichever is last.
    barriers = sorted({e.end for e in ents if e.label_ == "PERSON"}
                      | {ent.end for ent, _, _, label in found if label == "PERSON"}
                      | set(info.line_breaks))
    for ent, start, end, label in found:
        head = ent.root.i if start <= ent.root.i < end else end - 1
        d = Draft(start, end, label, head, name_start=start)
        if ent.root.dep_ == "compound":
            d.compound_of = ent.root.head.i
        left = min(start, ent.root.left_edge.i) if start == ent.start else start
        # A bad parse can hang one name on another ("front-runner Donald Trump and candidate
        # Bernie Sanders"): the phrase stops at an earlier person's name, which is its own
        # mention (else it would be dropped as nested in this one); a sentence the parser ran
        # over a paragraph break ("... and Georgia.\n\nCASPER, Wyo. - Sen. Ted Cruz") stops
        # at the break.
        k = bisect_right(barriers, ent.start) - 1
        if k >= 0 and barriers[k] > left:
            left = barriers[k]
        _fill_from_context(doc, d, left, skip)
        d.start = _trim_left(doc, left, start) if left < start else start
        drafts.append(d)
    return drafts, country_ents


def _strip_trailing_numbers(info: DocInfo, start: int, end: int) -> int:
    """A person's name ends before numbers NER took in ("John Kasich 2" of a ranking)."""
    while end - start > 1 and info.words[end - 1].isdigit():
        end -= 1
    return end


def _article_surnames(info: DocInfo, ents: tuple[Span, ...]) -> tuple[set[str], set[str]]:
    """The surnames of the people the article names in full (a possessive or a number NER
    took in dropped: "Marco Rubio's", "John Kasich 2"), and the one-word names it tags
    PERSON somewhere ("Kasich" beside a "Kasich" tagged GPE)."""
    surnames: set[str] = set()
    one_word: set[str] = set()
    words = info.words
    for e in ents:
        if e.label_ != "PERSON":
            continue
        end = e.end - 1 if words[e.end - 1] in ("'s", "’s", "'") else e.end
        end = _strip_trailing_numbers(info, e.start, end)
        if end - e.start > 1:
            surnames.add(words[end - 1])
        elif end > e.start:
            one_word.add(words[e.start])
    return surnames, one_word


def _person_label(info: DocInfo, label: str, start: int, end: int, ent_start: int,
                  surnames: set[str], person_words: set[str]) -> str:
    """NER's label, or PERSON for a span that names a person under another label ("Kasich"
    tagged GPE, "Rubio" FAC, a surname tagged ORG or NORP), first that applies: (1) one word
    (or a name after a dateline) that is the surname of a person the article names in full;
    (2) one word that is a KB person's surname and that the article tags PERSON elsewhere or
    that is conjoined with a PERSON ("about Cruz and Kasich");
    (3) the whole span is a KB person's full name ("Marco Rubio" tagged ORG). A country word
    never gets here (``_entity_drafts`` takes it first): "Jordan", "Washington" stay places;
    a place the article does not name as a person ("Carson, Calif.") keeps its label."""
    if label == "PERSON":
        return label
    last = info.words[end - 1]
    if (end - start == 1 or start > ent_start) and last in surnames:
        return "PERSON"
    given, kb_surnames, kb_keys = kb_people()
    # alias_key of a plain ASCII word is its lower case (alias_key is the cost here)
    last_key = last.lower() if last.isascii() and last.isalpha() else alias_key(last)
    if (end - start == 1 and last_key in kb_surnames
            and (last in person_words or _conjoined_with_person(info, start))):
        return "PERSON"
    # (the last word first: most multi-word ORGs end with no KB person's surname)
    if end - start > 1 and label != "NORP" and last_key in kb_full_name_ends():
        key = alias_key(info.span_text(start, end))
        if " " in key and key in kb_keys and key.split()[0] in given:
            return "PERSON"
    return label


def _conjoined_with_person(info: DocInfo, i: int) -> bool:
    """Token ``i`` is conjoined with a name NER tagged PERSON ("Cruz and Kasich", "Trump,
    Cruz, Kasich"): a list of people holds people."""
    tok = info.doc[i]
    near = [tok.head] if tok.dep_ == "conj" else []
    near += [c for c in tok.children if c.dep_ == "conj"]
    return any(t.ent_type_ == "PERSON" for t in near)


def load_seeds() -> None:
    """Read every seed table the actor cues look names up in (each cached per process,
    called as the cues call it: ``f()`` and ``f(SEEDS_DIR)`` are two cache entries).
    ``nlp.load_pipeline`` calls it, so workers forked after it share the tables instead of
    each reading them on its first doc."""
    kb_people()
    kb_person_owners()
    kb_government_countries()
    kb_first_names_by_surname()
    kb_full_name_ends()
    first_name_genders()
    descriptor_words()
    alias_table()
    alias_prefixes()
    role_table()
    role_matcher()
    role_form_suffixes()


def _ends_role(doc: Doc, tok: Token) -> bool:
    info = doc_info(doc)
    found = info._ends_role.get(tok.i)  # asked again for the head of each compound
    if found is None:
        start, end_char = tok.left_edge.idx, tok.idx + len(tok.text)
        if start > tok.idx:
            start = tok.idx
        if info.text[start:end_char].isascii() and not may_end_role(info.words[tok.i].lower()):
            found = False  # no role form ends with this word: skip the regex
        else:
            found = any(h.end == end_char for h, _ in info.roles(start, end_char))
        info._ends_role[tok.i] = found
    return found


def _is_nominal_head(doc: Doc, tok: Token, in_entity: set[int]) -> bool:
    """A noun ending a role phrase that heads its phrase (or modifies a non-actor noun)."""
    if tok.pos_ not in ("NOUN", "PROPN") or tok.i in in_entity or not _ends_role(doc, tok):
        return False
    if tok.dep_ == "compound":
        return tok.head.i not in in_entity and not _ends_role(doc, tok.head)
    return tok.dep_ not in NON_HEAD_DEPS


def _nominal_drafts(doc: Doc, in_entity: set[int], skip: set[int]) -> list[Draft]:
    drafts: list[Draft] = []
    for i in doc_info(doc).with_pos("NOUN", "PROPN"):  # the only heads _is_nominal_head takes
        tok = doc[i]
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
    # The nearest earlier mention with a cue whose role ends in the same word ("ministry
    # spokesman" after "Iran's foreign ministry"), kept as we go instead of a backward scan
    # per mention (an earlier mention's cue does not change after its own turn).
    cue_by_role_word: dict[str, Hit] = {}
    for d in ordered:
        if d.cue is None and d.poss_person in persons:
            d.cue = persons[d.poss_person].cue
        if d.cue is None and d.role_key:
            d.cue = cue_by_role_word.get(d.role_key.split()[-1])
        if d.cue and d.role_key:
            cue_by_role_word[d.role_key.split()[-1]] = d.cue
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
    info = doc_info(doc)
    sent_start, sent_end = info.sentence_bounds(d.head)  # doc[d.head].sent
    # a sentence the parser ran over a line break ends there
    breaks = info.line_breaks
    k = bisect_right(breaks, d.head)
    if k:
        sent_start = max(sent_start, breaks[k - 1])
    if k < len(breaks):
        sent_end = min(sent_end, breaks[k])
    ranked = []
    for w in countries:
        if not (sent_start <= w.start < sent_end) or (d.start <= w.start < d.end):
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
    in_entity = {t.i for e in doc_info(doc).ents if e.label_ in ACTOR_LABELS for t in e}
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
    set_canonicals(doc_info(doc), drafts)
    _propagate(doc, drafts, words)
    return [_to_cue(doc, d) for d in sorted(drafts, key=lambda d: (d.start, d.end))]


def _drop_nested(drafts: list[Draft]) -> list[Draft]:
    """Drop mentions lying inside a PERSON mention ("Supreme" in "Supreme Leader X")."""
    # Person spans sorted by start: the scan for a container stops at the first one starting
    # after the mention (this was quadratic in the mentions of long stories).
    persons = sorted({(d.start, d.end) for d in drafts if d.label == "PERSON"})

    def nested(d: Draft) -> bool:
        for start, end in persons:
            if start > d.start:
                return False
            if d.end <= end and (start, end) != (d.start, d.end):
                return True
        return False

    return [d for d in drafts if not nested(d)]


def _to_cue(doc: Doc, d: Draft) -> ActorCue:
    if d.end > d.start:  # doc[d.start:d.end] without building the Span and its text
        info = doc_info(doc)
        start, end, text = info.idx[d.start], info.end_char(d.end - 1), info.span_text(d.start,
                                                                                       d.end)
    else:
        span = doc[d.start:d.end]
        start, end, text = span.start_char, span.end_char, span.text
    return ActorCue(
        start=start, end=end, text=text, label=d.label,
        canonical=d.canonical or text,
        country_cue=d.cue.text if d.cue else None,
        country_cue_start=d.cue.start if d.cue else None,
        country_cue_end=d.cue.end if d.cue else None,
        role=d.role_key, role_start=d.role.start if d.role else None,
        role_end=d.role.end if d.role else None,
        grammatical_role=_grammatical_role(doc, d.head),
        # SQL links a bare surname across articles to a person of that gender only
        honorific=honorific_gender(doc_info(doc), d) if d.label == "PERSON" else None,
    )


def _grammatical_role(doc: Doc, head: int) -> str | None:
    """How the mention's head stands in its clause: a subject acts, an object or a place
    ("in Algiers", "blockade Paris") is acted on or is where things happen: SQL codes a
    place-name country word as GOV only when it is no object or locative."""
    tok = doc[head]
    dep = tok.dep_
    if dep in ("nsubj", "nsubjpass", "agent"):
        return "subject"
    if dep in ("dobj", "attr", "oprd"):
        return "object"
    if dep == "pobj" and _is_place_of(doc, tok):
        return "locative"
    if dep == "poss":
        # "near Macedonia's border", "in Syria's north": the possessor names the place
        return "locative" if tok.head.dep_ == "pobj" and _is_place_of(doc, tok.head) \
            else "possessor"
    return None


def _is_place_of(doc: Doc, pobj: Token) -> bool:
    """``pobj`` is the object of a locative preposition that does not hang on an actor
    noun: "a curfew in Algiers" is a place, "an embassy in Tehran" is the state's."""
    prep = pobj.head
    if prep.lower_ not in LOCATIVE_PREPS:
        return False
    owner = prep.head
    return not (owner.pos_ in ("NOUN", "PROPN") and _ends_role(doc, owner))
