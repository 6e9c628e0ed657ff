"""Event spans from the dependency parse, and a tone score per sentence and per quote.

``event_spans(doc, cues)`` is a pure function of a parsed ``Doc`` and its actor mentions
(``extract.actors.actor_cues``).  It finds, per predicate, who acts on whom as written:

* the predicate is a verb, or the noun after a copula ("Iran is a key *supporter* of ...",
  lemma with an agentive -er/-or stripped: "support"); its lemma and whether it is negated
  ("would not allow", "never", "no longer"). A verb's event-noun object gives candidate
  lemmas too ("renewed *negotiations*" -> "negotiate", link ``nominal:...``), after the
  verb's own: SQL keeps the first lemma the verb seed knows;
* the **source** is the subject (the ``by`` agent of a passive), else the subject inherited
  from the governing clause for ``xcomp``/``conj``/``advcl`` verbs ("having provided ...");
* the **targets** are the direct object, the dative, the object of a ``with``/``against``/
  ``on``/``to``/``from``/... preposition on the predicate or on an ``xcomp`` of it, and the
  passive subject;
* a phrase is an actor when an actor mention covers its head, else its possessor, the
  object of its ``of`` ("the entrenchment *of Iran*") or the one mention modifying the
  noun ("an *Indian* proposal"; two, as in "Israeli-Russian coordination", name a relation,
  not a target); conjuncts are actors too.
  ``he``/``she`` is the nearest earlier person; ``I``/``we`` stays a pronoun, resolved in SQL
  to the speaker of the quote it sits in;
* a predicate whose conjoined subjects name several actors and that has no target
  ("Hungarian and Romanian officials agreed") is reciprocal: one span per pair.

No seed is read here: which lemmas are events, their PLOVER type, quad class and intensity,
and which mentions name different countries is decided in SQL from the seeds.

``tone(text)`` is VADER's compound score (−1 … 1) from the maintained ``vaderSentiment``
lexicon.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from extract.actors import doc_info

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from extract.actors import ActorCue

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "dative"})
TARGET_PREPS = frozenset({"with", "against", "on", "to", "toward", "towards", "from", "at", "into",
                          "upon", "over", "between", "among", "for"})
PARTICLES = frozenset({"out", "off", "up", "down", "back", "away", "over", "aside"})
PLACE_PREPS = frozenset({"in", "inside", "near"})
# Verbs whose "that" clause names who is asked to act ("demanded that X ...").
DEMAND_VERBS = frozenset({"demand", "urge", "ask", "insist", "call", "press", "push", "request",
                          "appeal", "require", "order", "propose", "suggest"})
# "acomp": "Spain is ready to send doctors": the adjective passes on the copula's subject.
INHERIT_DEPS = frozenset({"xcomp", "conj", "advcl", "pcomp", "acomp"})
NEGATIONS = frozenset({"not", "n't", "never", "no", "neither", "nor"})
THIRD_PERSON = frozenset({"he", "she", "him", "her"})
FIRST_PERSON = frozenset({"i", "we", "me", "us"})
RELATIVE = frozenset({"that", "which", "who", "whom"})
AGENTIVE = ("ers", "ors", "er", "or")
INTENT_AUX = frozenset({"will", "would", "'ll", "could", "might", "may", "shall"})
INTENT_VERBS = frozenset({"plan", "threaten", "vow", "intend", "want", "promise", "pledge",
                          "seek", "prepare", "aim", "hope", "offer", "propose", "swear",
                          # adjectives: "is ready / willing to contribute"
                          "ready", "willing", "prepared", "determined", "eager"})
# Adjectives that deny the intent of their infinitive ("unwilling to lend more money").
UNWILLING = frozenset({"unwilling", "reluctant", "unable", "loath", "hesitant", "unlikely"})
# Verbs whose reported intent is a threat ("warned that it will expel ...").
WARNING_VERBS = frozenset({"warn", "threaten"})
LIGHT_VERBS = frozenset({"hold", "launch", "make", "take", "give", "stage", "mount", "carry",
                         "conduct", "begin", "start", "continue", "resume", "renew", "have",
                         "issue", "express", "announce", "pay", "reach", "undertake", "lead",
                         "open", "step", "wage", "unleash", "initiate", "put", "voice"})
MANDATIVE_AUX = frozenset({"must", "should"})
REPORTED_PRONOUNS = frozenset({"it", "they", "he", "she"})
# Heads that measure or count what follows "of": "a wave of attacks", "part of a town",
# "two weeks of exercises", "hundreds of students": the event noun is the "of" object.
QUANTITY_NOUNS = frozenset({"series", "number", "part", "dozen", "dozens", "hundred", "hundreds",
                            "thousand", "thousands", "wave", "string", "round", "day", "week",
                            "month", "kg", "kilogram", "ton", "tonne", "group", "couple",
                            "batch", "amount", "spate"})
# Non-actor subjects that do harm themselves ("a car bombing killed ..."): the event has
# no source, its key is the noun's own first ("~bombing").
HARM_NOUNS = frozenset({"bomb", "bombing", "explosion", "blast", "attack", "mine", "landmine",
                        "missile", "rocket", "shell", "shelling", "grenade", "airstrike", "raid",
                        "ambush", "gunfire", "suicide"})


@dataclass(frozen=True)
class Participant:
    """An actor of an event: a mention (index into the cue list) or a first-person pronoun."""

    start: int
    end: int
    text: str
    cue_index: int | None = None
    pronoun: str | None = None


@dataclass(frozen=True)
class EventSpan:
    sentence_index: int
    verb_start: int
    verb_end: int
    verb_text: str
    lemma: str
    negated: bool
    link: str
    source: Participant | None  # None: a passive without its agent ("X was killed")
    target: Participant | None
    pattern_keys: tuple[str, ...] = ()
    mood: str = "asserted"


# ---------------------------------------------------------------- tone


@lru_cache(maxsize=1)
def _analyzer():
    """vaderSentiment's analyzer (its lexicon read once) wrapped in ``extract.vader.Vader``:
    the same compound score, without the package's per-word list copies and scans."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from extract.vader import Vader

    return Vader(SentimentIntensityAnalyzer())


def load_lexicon() -> None:
    """Read VADER's lexicon now (``nlp.load_pipeline``: before workers are forked)."""
    _analyzer()


@lru_cache(maxsize=4096)  # boilerplate lines ("FULL TEXT.", "Getty.") repeat across stories
def tone(text: str) -> float:
    """VADER compound polarity of ``text`` in [-1, 1] (0 for empty text)."""
    if not text or not text.strip():
        return 0.0
    return float(_analyzer().compound(text))


# ---------------------------------------------------------------- participants


class _Mentions:
    """Token -> covering actor mention, plus a person lookup for he/she."""

    def __init__(self, doc: Doc, cues: Sequence[ActorCue]) -> None:
        self.doc = doc
        self.cues = cues
        self.persons = sorted((c.start, i) for i, c in enumerate(cues) if c.label == "PERSON")
        self._covering = _covering_by_idx(doc_info(doc).idx, cues)

    def covering(self, tok: Token) -> int | None:
        """The shortest mention covering the token's first char (the first one on a tie)."""
        return self._covering.get(tok.idx)

    def participant(self, index: int) -> Participant:
        c = self.cues[index]
        return Participant(c.start, c.end, c.text, cue_index=index)

    def previous_person(self, char: int) -> int | None:
        found = None
        for start, i in self.persons:
            if start >= char:
                break
            found = i
        return found

    def modifier(self, tok: Token) -> list[Participant]:
        """"an *Indian* proposal": the one actor modifying a noun. Two or more
        ("Israeli-Russian coordination") name a relation between them, not a target."""
        if tok.pos_ != "NOUN":
            return []
        # A mention with a country ("an Indian proposal") or an organisation ("the APEC
        # forum"), not any place name ("the Boston marathon").
        found = {index for child in tok.lefts if child.dep_ in ("amod", "compound", "nmod")
                 for t in child.subtree if t.dep_ != "appos" and t.head.dep_ != "appos"
                 for index in [self.covering(t)]
                 if index is not None and self.cues[index].end <= tok.idx
                 and (self.cues[index].country_cue is not None
                      or self.cues[index].label in ("ORG", "NORP"))}
        return [self.participant(found.pop())] if len(found) == 1 else []

    def of_phrase(self, tok: Token, depth: int = 0) -> list[Participant]:
        """Actors a phrase headed by ``tok`` names (with its conjuncts)."""
        out: list[Participant] = []
        lower = tok.lower_
        if tok.pos_ == "PRON" and lower in FIRST_PERSON:
            out.append(Participant(tok.idx, tok.idx + len(tok.text), tok.text, pronoun=lower))
        elif tok.pos_ == "PRON" and lower in THIRD_PERSON:
            person = self.previous_person(tok.idx)
            if person is not None:
                out.append(self.participant(person))
        else:
            index = self.covering(tok)
            if index is not None:
                out.append(self.participant(index))
                # "Hungarian and Romanian officials": the actors split the conjoined
                # modifiers into one mention each; the head belongs to the last one.
                out += [self.participant(j) for child in tok.lefts if child.dep_ == "amod"
                        and any(c.dep_ == "conj" for c in child.children)
                        for j in [self.covering(child)] if j is not None and j != index]
            elif depth < 2:
                out += self.modifier(tok)
                for child in tok.children:
                    if child.dep_ == "poss":
                        out += self.of_phrase(child, depth + 1)
                    elif child.dep_ == "prep" and child.lower_ == "of":
                        for pobj in child.children:
                            if pobj.dep_ == "pobj":
                                out += self.of_phrase(pobj, depth + 1)
        for child in tok.children:
            if child.dep_ == "conj":
                out += self.of_phrase(child, depth)
        return _unique(out)


def _covering_by_idx(idx: list[int], cues: Sequence[ActorCue]) -> dict[int, int]:
    """Token start char -> index of the shortest cue with ``start <= char < end`` (the first
    one on a tie), for every token start some cue covers: computed once per doc instead of a
    scan of all cues for each token asked about."""
    best: dict[int, int] = {}
    for i, c in enumerate(cues):
        for k in range(bisect_left(idx, c.start), bisect_left(idx, c.end)):
            j = best.get(idx[k])
            if j is None or c.end - c.start < cues[j].end - cues[j].start:
                best[idx[k]] = i
    return best


def _unique(items: list[Participant]) -> list[Participant]:
    seen: set[tuple[int, int]] = set()
    out = []
    for p in items:
        if (p.start, p.end) not in seen:
            seen.add((p.start, p.end))
            out.append(p)
    return out


# ---------------------------------------------------------------- predicates


def _negated(tok: Token) -> bool:
    if tok.dep_ == "xcomp" and tok.head.lower_ in UNWILLING:
        return True
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in NEGATIONS)
               # "will no longer support"
               or (c.dep_ == "advmod" and c.lower_ == "longer"
                   and any(g.lower_ == "no" for g in c.children))
               for c in tok.children)


def _subjects(tok: Token, m: _Mentions, depth: int = 0) -> tuple[list[Participant], str]:
    """Source actors of predicate ``tok`` and how they were found."""
    for child in tok.children:
        if child.dep_ in SUBJECT_DEPS:
            if child.lower_ in RELATIVE and tok.dep_ == "relcl":
                return m.of_phrase(tok.head), "relcl"
            if (child.lower_ in REPORTED_PRONOUNS and tok.dep_ == "ccomp" and depth < 3
                    and tok.head is not tok):
                # "X said it would sanction Y": the pronoun is the reporting verb's subject.
                found, how = _subjects(tok.head, m, depth + 1)
                if found:
                    return found, f"reported:{how}"
            return m.of_phrase(child), "subj"
    for child in tok.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return m.of_phrase(pobj), "agent"
    passive = any(child.dep_ == "nsubjpass" for child in tok.children) or (
        # "warships began exercises, *expected* to be joined by ...": a bare past
        # participle clause is passive; its subject is not the main clause's.
        tok.dep_ == "advcl" and tok.tag_ == "VBN"
        and not any(c.dep_ in ("aux", "auxpass") for c in tok.children))
    if tok.dep_ in INHERIT_DEPS and not passive and depth < 3 and tok.head is not tok:
        found, how = _subjects(tok.head, m, depth + 1)
        return found, how if how.startswith("inherited") else f"inherited:{how}"
    return [], ""


def _is_mandative(clause: Token) -> bool:
    """"that Hamas *renounce*", "that X *should*/*must* ...": a clause asking for an act, not
    one reporting a fact ("insisted that ties are strong")."""
    if clause.pos_ != "VERB":  # "insisted that ties *are* strong" reports a state
        return False
    return clause.tag_ in ("VB", "VBP") or any(c.dep_ == "aux" and c.lower_ in ("should", "must")
                                      for c in clause.children)


def _noun_targets(noun: Token, m: _Mentions, depth: int = 0) -> list[tuple[Participant, str]]:
    """Actors an event noun object points to: "held a meeting *with Obama*", "threatened
    action *against Russia*", "rejected an offer *from Afghanistan*"; the author of the
    thing acted on ("rejected calls *by Togo*", "prevented a march staged *by farmers*",
    "an inquiry into abuses committed *by X*"); and through "of" ("a suspension of flights
    *with Peru*")."""
    out = []
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in TARGET_PREPS | {"by"}:
            out += [(p, f"noun:{c.lower_}") for o in c.children if o.dep_ == "pobj"
                    for p in m.of_phrase(o)]
        elif c.dep_ == "acl" and c.tag_ == "VBN":  # "a march staged by farmers"
            out += [(p, "noun:acl>by") for a in c.children if a.dep_ == "agent"
                    for o in a.children if o.dep_ == "pobj" for p in m.of_phrase(o)]
        elif depth < 1 and c.dep_ == "prep" and c.lower_ in ("of", "into"):
            out += [(p, f"noun:{c.lower_}>{how}") for o in c.children
                    if o.dep_ == "pobj" and o.pos_ == "NOUN" and m.covering(o) is None
                    for p, how in _noun_targets(o, m, depth + 1)]
    return out


def _noun_places(noun: Token, m: _Mentions) -> list[tuple[Participant, str]]:
    """"a camp *in Chad*": a place the object noun lies in."""
    return [(p, f"place:{c.lower_}") for c in noun.children
            if c.dep_ == "prep" and c.lower_ in PLACE_PREPS
            for o in c.children if o.dep_ == "pobj" for p in m.of_phrase(o)]


def _targets(tok: Token, m: _Mentions, with_xcomp: bool = True) -> list[tuple[Participant, str]]:
    """Target actors of predicate ``tok``; a place ("in Tokyo") only when nothing else is."""
    out: list[tuple[Participant, str]] = []
    places: list[tuple[Participant, str]] = []
    for child in tok.children:
        dep = child.dep_
        if dep == "dative" and child.pos_ == "ADP":  # "send doctors *to* Uganda"
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    out += [(p, f"prep:{child.lower_}") for p in m.of_phrase(pobj)]
        elif dep in OBJECT_DEPS or dep == "nsubjpass":
            found = m.of_phrase(child)
            out += [(p, dep) for p in found]
            if not found and child.pos_ == "NOUN":
                out += _noun_targets(_counted(child), m)
                places += _noun_places(_counted(child), m)
        elif dep == "prep" and child.lower_ in TARGET_PREPS:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    found = m.of_phrase(pobj)
                    out += [(p, f"prep:{child.lower_}") for p in found]
                    if not found and pobj.pos_ == "NOUN":
                        out += _noun_targets(pobj, m)
                        places += _noun_places(pobj, m)
        elif dep == "prt" or (dep == "prep" and _is_particle(child)):
            # "pulled out *of* the pact with X", "kidnapped up *to* ten engineers"
            for pobj in (o for c in child.children if c.dep_ == "prep"
                         for o in c.children if o.dep_ == "pobj"):
                found = m.of_phrase(pobj)
                out += [(p, "prt:pobj") for p in found]
                if not found and pobj.pos_ == "NOUN":
                    out += _noun_targets(pobj, m)
        elif dep == "prep" and child.lower_ == "as":
            # "denounced as an outrage *Chile's* seizure of ...": the object put after
            # its "as" phrase hangs on that phrase (an apposition or a second object).
            objs = [o for o in child.children if o.dep_ == "pobj"]
            out += [(p, "as:object") for o in objs[1:] + [a for o in objs[:1]
                                                         for a in o.children if a.dep_ == "appos"]
                    for p in m.of_phrase(o)]
        elif dep == "prep" and child.lower_ in PLACE_PREPS:
            places += [(p, f"place:{child.lower_}") for o in child.children
                       if o.dep_ == "pobj" for p in m.of_phrase(o)]
        elif dep == "ccomp" and tok.lemma_.lower() in DEMAND_VERBS and _is_mandative(child):
            # "demanded that Hamas renounce ...": the demand is made of the clause's subject.
            out += [(p, "ccomp:nsubj") for c in child.children if c.dep_ in SUBJECT_DEPS
                    for p in m.of_phrase(c)]
        elif dep == "xcomp" and with_xcomp:
            out += [(p, f"xcomp:{how}") for p, how in _targets(child, m, with_xcomp=False)]
        if dep in ("ccomp", "xcomp") and _is_infinitive(child):
            # "allowed Swedish inspectors to visit", "pressed Iran to stop": whom the verb acts on
            # is the infinitive's subject.
            out += [(p, f"{dep}:nsubj") for c in child.children if c.dep_ == "nsubj"
                    for p in m.of_phrase(c)]
    return out or places


def _is_infinitive(clause: Token) -> bool:
    return clause.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to"
                                       for c in clause.children)


def _counted(noun: Token) -> Token:
    """"a series *of bombs*": the "of" object of a quantity noun, else the noun."""
    if noun.lemma_.lower() in QUANTITY_NOUNS:
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for o in c.children:
                    if o.dep_ == "pobj" and o.pos_ in ("NOUN", "PROPN"):
                        return o
    return noun


def _predicates(doc: Doc):
    """(predicate token, lemma, clause token) for verbs and copular nouns."""
    for i in doc_info(doc).with_pos("VERB", "AUX"):  # no Token for the other words
        tok = doc[i]
        if tok.pos_ == "VERB":
            yield tok, tok.lemma_.lower(), tok
        elif tok.pos_ == "AUX" and tok.lemma_ == "be":
            for child in tok.children:
                if child.dep_ == "attr" and child.pos_ == "NOUN":
                    yield child, _agent_stem(child.lemma_.lower()), tok


DEVERBAL = (("ation", ("ate", "", "e")), ("ition", ("ite", "")), ("sion", ("d", "de")),
            ("ment", ("",)), ("ance", ("",)), ("ence", ("",)), ("al", ("", "e")),
            ("ure", ("e",)), ("at", ("aten",)))


def _deverbal(lemma: str) -> list[str]:
    """Verb lemmas a noun may derive from, most likely first: "negotiation" -> "negotiate",
    "suspension" -> "suspend", "withdrawal" -> "withdraw"."""
    out = []
    for suffix, endings in DEVERBAL:
        if lemma.endswith(suffix) and len(lemma) - len(suffix) >= 3:
            stem = lemma[: -len(suffix)]
            out += [stem + ending for ending in endings]
    return list(dict.fromkeys(out))


def _noun_lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def pattern_keys(pred: Token, m: _Mentions) -> tuple[str, ...]:
    """Keys of ``event_patterns`` a verb predicate may match, most specific first (see
    ``scripts/build_event_dictionary.py``): verb + particle + object noun, verb + object noun,
    verb + preposition + its noun, the object as an event noun on its own ("held *talks*",
    "launched *strikes*": ``~talk``), the verbs it derives from, verb + particle or
    preposition, the verb."""
    lemma = pred.lemma_.lower()
    prts = [c.lower_ for c in pred.children if _is_particle(c)]
    base = f"{lemma} {prts[0]}" if prts else lemma
    nouns = [_counted(c) for c in pred.children if c.dep_ == "dobj" and c.pos_ == "NOUN"
             and m.covering(c) is None]
    preps = [(c.lower_, o) for c in pred.children if c.dep_ in ("prep", "agent")
             for o in c.children if o.dep_ == "pobj"]
    keys: list[str] = []
    if lemma in LIGHT_VERBS:
        # "launched a *mediation* effort": an event noun modifying the light verb's object
        # says more than the object ("launch effort").
        keys += [f"~{_noun_lemma(c)}" for noun in nouns for c in noun.children
                 if c.dep_ == "compound" and c.pos_ == "NOUN"]
    for noun in nouns:
        word = _noun_lemma(noun)
        keys.append(f"{base} {word}")
        if prts:
            keys.append(f"{lemma} {word}")
    for prep, obj in preps:
        keys.append(f"{base} ({prep} {_noun_lemma(obj)}")
    nominal = [key for noun in nouns for word in [_noun_lemma(noun)]
               for key in [f"~{word}", *(f"~{_noun_lemma(c)}" for c in noun.children
                                          if c.dep_ == "compound" and c.pos_ == "NOUN"),
                           *_deverbal(word)]]
    verbal = ([base] if prts else []) + [f"{base} ({prep}" for prep, _ in preps] + [lemma]
    # "converged for a *rally*", "arrived for *talks*": the purpose noun, after the verb's own.
    verbal += [f"~{_noun_lemma(obj)}" for prep, obj in preps if prep == "for"]
    # A light verb ("held talks", "launched strikes", "made a visit") is about its noun; any
    # other verb's own code comes before its object's ("rejected an ultimatum").
    keys += nominal + verbal if lemma in LIGHT_VERBS else verbal + nominal
    return tuple(dict.fromkeys(keys))


def _is_particle(tok: Token) -> bool:
    """"pulled *out* of", "set *up*": a particle, or a preposition the parser left without
    an object."""
    return tok.dep_ == "prt" or (tok.dep_ == "prep" and tok.lower_ in PARTICLES
                                 and not any(c.dep_ == "pobj" for c in tok.children))


def _copula_keys(noun: Token, lemma: str) -> tuple[str, ...]:
    """"X is a key *supporter* of Y": the noun as an event noun, then the verb it names."""
    word = noun.lemma_.lower()
    return tuple(dict.fromkeys([f"~{word}", lemma, *_deverbal(word)]))


def _agent_stem(lemma: str) -> str:
    for suffix in AGENTIVE:
        if lemma.endswith(suffix) and len(lemma) - len(suffix) >= 4:
            return lemma[: -len(suffix)]
    return lemma


def _coded(p: Participant, cues: Sequence[ActorCue]) -> bool:
    """An actor: a first-person pronoun (resolved to the speaker in SQL) or any actor mention
    (named entity or role phrase); whether it has a country is decided in SQL."""
    return p.pronoun is not None or p.cue_index is not None


def _mood(clause: Token) -> str:
    """``threat`` for an intent on a condition ("will withdraw ... unless ..."), ``intent``
    for "would/will/could ..." and the verb under "plan/vow/want to ...", ``reported`` for
    a clause under a speech or thought verb ("said Y had ..."), else ``asserted``."""
    head = clause.head
    if any(c.dep_ == "aux" and c.lower_ in INTENT_AUX for c in clause.children):
        # "will withdraw ... unless" is a threat; "would meet ... if" an offer on a condition,
        # an intent like any other.
        if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless"
                                         for m in c.children) for c in clause.children):
            return "threat"
        if clause.dep_ == "ccomp" and head.lemma_.lower() in WARNING_VERBS:
            return "threat"
        return "intent"
    if clause.dep_ == "xcomp" and head.lemma_.lower() in INTENT_VERBS:
        return "intent"
    if clause.dep_ == "ccomp" and head is not clause:
        return "reported"
    return "asserted"


def _passive_without_agent(pred: Token, m: _Mentions, cues: Sequence[ActorCue],
                           out: list[EventSpan], sentence_of) -> None:
    """"Three civilians were killed in a bombing": an event whose actor is not named; the
    passive subject is the target, the source stays empty."""
    keys = pattern_keys(pred, m)
    for child in pred.children:
        if child.dep_ != "nsubjpass":
            continue
        for t in m.of_phrase(child):
            if _coded(t, cues):
                out.append(EventSpan(
                    sentence_index=sentence_of(pred.i), verb_start=pred.idx,
                    verb_end=pred.idx + len(pred.text), verb_text=pred.text,
                    lemma=pred.lemma_.lower(), negated=_negated(pred), link="passive>nsubjpass",
                    source=None, target=t, pattern_keys=keys, mood=_mood(pred),
                ))


def _harm_without_actor(pred: Token, m: _Mentions, cues: Sequence[ActorCue],
                        out: list[EventSpan], sentence_of) -> None:
    """"A car *bombing* killed two soldiers": violence whose doer is not named; the targets
    are the verb's, the source stays empty, the noun's own key comes first ("~bombing")."""
    for child in pred.children:
        noun = _counted(child) if child.dep_ == "nsubj" else None
        if noun is None or noun.lemma_.lower() not in HARM_NOUNS:
            continue
        keys = tuple(dict.fromkeys([f"~{noun.lemma_.lower()}", *pattern_keys(pred, m)]))
        for t, link in _targets(pred, m):
            if _coded(t, cues) and not link.startswith("place:"):  # a target, not a site
                out.append(EventSpan(
                    sentence_index=sentence_of(pred.i), verb_start=pred.idx,
                    verb_end=pred.idx + len(pred.text), verb_text=pred.text,
                    lemma=pred.lemma_.lower(), negated=_negated(pred), link=f"harm>{link}",
                    source=None, target=t, pattern_keys=keys, mood=_mood(pred),
                ))


def _mandative_events(doc: Doc, m: _Mentions):
    """"Russia said that Sudan *must* return the helicopter": a demand of the speaker on the
    clause's subject. Yields (reporting verb, [(source, target)])."""
    for i in doc_info(doc).with_pos("VERB", "AUX"):
        tok = doc[i]
        if tok.dep_ != "ccomp" or not any(c.dep_ == "aux" and c.lower_ in MANDATIVE_AUX
                                          for c in tok.children):
            continue
        head = tok.head
        sources, _ = _subjects(head, m)
        targets = [p for c in tok.children if c.dep_ in SUBJECT_DEPS for p in m.of_phrase(c)]
        pairs = [(s, t) for s in sources for t in targets
                 if s.cue_index is not None and (s.start, s.end) != (t.start, t.end)]
        if pairs:
            yield head, pairs


def _nominal_events(doc: Doc, m: _Mentions):
    """Event nouns with their own actors: "Netanyahu's *visit* to Moscow", "the *visit* by
    Netanyahu to Moscow", "*talks* between Israel and Lebanon", "a *mediation* effort ...
    between X and Y". Yields (noun, [(source, target, link)])."""
    for i in doc_info(doc).with_pos("NOUN"):
        tok = doc[i]
        if tok.n_lefts + tok.n_rights == 0 or m.covering(tok) is not None:
            continue
        sources: list[Participant] = []
        targets: list[Participant] = []
        between: list[Participant] = []
        for c in tok.children:
            if c.dep_ == "poss":
                sources += m.of_phrase(c)
            elif c.dep_ == "prep":
                found = [p for o in c.children if o.dep_ == "pobj" for p in m.of_phrase(o)]
                if c.lower_ == "by":
                    sources += found
                elif c.lower_ == "between":
                    between += found
                elif c.lower_ in TARGET_PREPS:
                    targets += found
        if sources and (targets or between):
            yield tok, [(s, t, "noun:poss>prep") for s in sources for t in targets + between
                        if (s.start, s.end) != (t.start, t.end)]
        elif len(between) > 1:
            yield tok, [(a, b, "noun:between") for a in between for b in between
                        if (a.start, a.end) != (b.start, b.end)]


def event_spans(doc: Doc, cues: Sequence[ActorCue]) -> list[EventSpan]:
    """Source -> predicate -> target spans of ``doc`` (see module doc)."""
    m = _Mentions(doc, cues)
    sentence_of = doc_info(doc).sentence_of
    out: list[EventSpan] = []
    seen: set[tuple] = set()
    for pred, lemma, clause in _predicates(doc):
        sources, how = _subjects(clause, m)
        sources = [s for s in sources if _coded(s, cues)]
        if not sources:
            if pred is clause and any(c.dep_ == "nsubjpass" for c in pred.children):
                _passive_without_agent(pred, m, cues, out, sentence_of)
            elif pred is clause:
                _harm_without_actor(pred, m, cues, out, sentence_of)
            continue
        if pred is clause:
            targets = _targets(pred, m)
            keys = pattern_keys(pred, m)
        else:  # copula: "X is a supporter of Y" -> the noun's preps and "of"
            targets = [(p, "attr") for c in pred.children if c.dep_ == "prep"
                       and (c.lower_ == "of" or c.lower_ in TARGET_PREPS)
                       for o in c.children if o.dep_ == "pobj" for p in m.of_phrase(o)]
            keys = _copula_keys(pred, lemma)
        targets = [(t, link) for t, link in targets if _coded(t, cues)]
        pairs = [(s, t, f"{how}>{link}") for s in sources for t, link in targets
                 if (s.start, s.end) != (t.start, t.end)]
        if not targets and len(sources) > 1:
            # "Brazil and the United States agreed": each is the source, the other the target.
            pairs = [(a, b, "reciprocal") for a in sources for b in sources
                     if (a.start, a.end) != (b.start, b.end)]
        elif not targets and pred is clause:
            # "Ugandan rebels surrendered": an event with no target (SQL keeps it only when
            # the verb codes one).
            pairs = [(s, None, f"{how}>none") for s in sources]
        negated = _negated(clause) or (pred is not clause and _negated(pred))
        mood = _mood(clause)
        for s, t, link in pairs:
            key = (pred.i, s.start, s.end, t and t.start, t and t.end)
            if key in seen:
                continue
            seen.add(key)
            out.append(EventSpan(
                sentence_index=sentence_of(pred.i), verb_start=pred.idx,
                verb_end=pred.idx + len(pred.text), verb_text=pred.text, lemma=lemma,
                negated=negated, link=link, source=s, target=t, pattern_keys=keys, mood=mood,
            ))
    for head, pairs in _mandative_events(doc, m):
        for s, t in pairs:
            out.append(EventSpan(
                sentence_index=sentence_of(head.i), verb_start=head.idx,
                verb_end=head.idx + len(head.text), verb_text=head.text, lemma="demand",
                negated=False, link="reported:must", source=s, target=t,
                pattern_keys=("demand",),
            ))
    for noun, pairs in _nominal_events(doc, m):
        word = noun.lemma_.lower()
        keys = tuple(dict.fromkeys([f"~{word}", word, *_deverbal(word)]))
        for s, t, link in pairs:
            out.append(EventSpan(
                sentence_index=sentence_of(noun.i), verb_start=noun.idx,
                verb_end=noun.idx + len(noun.text), verb_text=noun.text, lemma=word,
                negated=_negated(noun), link=link, source=s, target=t, pattern_keys=keys,
            ))
    return out
