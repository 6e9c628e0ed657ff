"""Reported speech: statements without quotation marks, found in the dependency parse.

A statement is a cue (a reporting verb, a verb of thought, `according to`, or a reporting
noun) whose complement holds what the speaker said or thinks:

- clausal complement: `X claimed (that) Y`, `Y, X said` -- the content is the clause;
- infinitive of intention or demand: `X refused to comment`, `X urged Y to leave`;
- object of a verb of judgement: `X criticized the plan`, `X denied the report`;
- prepositional object: `X called for talks`, `X warned of war`;
- `according to X, Y` -- the content is the rest of the sentence;
- nominal cue with a `that` clause: `X's statement that Y`, `the claim by X that Y`;
- passive and speakerless: `it was reported that Y` (no speaker);
- appearance, without a speaker: `X seems to Y`, `X appeared weak`;
- a headline or transcript line `Name: Y` (the name the speaker, the line the content).

Each speech cue gives one statement, so nested attributions (`the ministry insisted that
Y, AFP reported`) give two; a thought, intention or stance inside another statement's
content is part of it, not a second statement (the caller drops it).  A reported clause
holding a quoted fragment is one statement of kind `mixed`; the quote finder's partial
quote inside it is dropped by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER
from spacy.strings import StringStore
from spacy.tokens import Token

from extract.quote_marks import DocContext
from extract.speakers import Attribution, mention_tokens, valid_subject
from extract.speech_cues import (
    AS_LEMMAS,
    ATTITUDE_ADJECTIVES,
    CLAUSE_LEMMAS,
    CUE_LEMMAS,
    CUE_PHRASES,
    INTENT_LEMMAS,
    LIGHT_NOUN_PREP_CUES,
    LIGHT_VERBS,
    NOUN_CUES,
    NOUN_PREP_CUES,
    OBJECT_LEMMAS,
    PASSIVE_REPORTS,
    PREP_CUES,
    PRT_OBJECT_CUES,
    SEEM_LEMMAS,
    SUBJ_DEPS,
    cue_extent,
    is_time,
)

_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
_STATEMENT_LEMMAS = CUE_LEMMAS | CLAUSE_LEMMAS | OBJECT_LEMMAS
# complements that carry the content; everything else hanging off a cue is context
_OBJECT_DEPS = frozenset({"dobj"})
# dependents of a clause that are not part of its content when the clause is cut out
_SPEAKER_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you"})


@dataclass
class Reported:
    """One reported statement before resolution: character spans and the attribution."""

    content_start: int
    content_end: int
    cue_token: Token
    attribution: Attribution
    kind: str = "indirect"
    cue_shown: int | None = None  # where the cue as written starts, if before the cue verb


def find_reported(ctx: DocContext) -> list[Reported]:
    """Every reported statement of the doc, in text order."""
    doc = ctx.doc
    strings = doc.vocab.strings
    cues = _cue_hashes(strings)
    according = strings["according"]
    in_ = strings["in"]
    hearsay = {strings[w] for w in _HEARSAY}
    colon = strings[":"]
    # compare hashes of the whole doc at once; build a Token only for the possible cues
    lemmas = doc.to_array(LEMMA).tolist()
    lowers = doc.to_array(LOWER).tolist()
    out: list[Reported] = []
    for i, (lemma, lower) in enumerate(zip(lemmas, lowers, strict=True)):
        if lemma in cues or lower == according:
            found = _from_token(ctx, doc[i])
        elif lower == colon:
            found = _headline(ctx, doc[i])
        elif lower == in_:
            found = _in_source(ctx, doc[i])
        elif lower in hearsay:
            found = _hearsay(ctx, doc[i])
        else:
            continue
        if found is not None:
            out.append(found)
    return out


_CUE_WORDS = (
    CLAUSE_LEMMAS
    | INTENT_LEMMAS
    | OBJECT_LEMMAS
    | NOUN_CUES
    | {noun for noun, _ in NOUN_PREP_CUES | LIGHT_NOUN_PREP_CUES}
    | {verb for verb, _ in PREP_CUES}
    | {verb for verb, _ in CUE_PHRASES}
    | {verb for verb, _ in PRT_OBJECT_CUES}
    | SEEM_LEMMAS
    | AS_LEMMAS
    | ATTITUDE_ADJECTIVES
    | LIGHT_VERBS
)
_NOUNS = NOUN_CUES | {noun for noun, _ in NOUN_PREP_CUES | LIGHT_NOUN_PREP_CUES}
_NOUN_PREPS = NOUN_PREP_CUES | LIGHT_NOUN_PREP_CUES
# nouns of speech acts a light verb performs: `made comments`, `made the case`
_SPEECH_ACTS = frozenset(
    """comment remark statement argument case point claim announcement allegation accusation
    joke pitch apology plea appeal promise pledge vow threat warning speech address
    prediction suggestion proposal demand request complaint admission confession""".split()
)
_HASHES: dict[int, frozenset[int]] = {}


def _cue_hashes(strings: StringStore) -> frozenset[int]:
    """Hashes of every cue lemma (string hashes are the same in every vocab)."""
    found = _HASHES.get(0)
    if found is None:
        found = _HASHES[0] = frozenset(strings[w] for w in _CUE_WORDS)
    return found


def _from_token(ctx: DocContext, tok: Token) -> Reported | None:
    if tok.lower_ == "according":
        return _according(ctx, tok)
    if tok.tag_ in _VERB_TAGS:
        return _from_verb(ctx, tok)
    if tok.pos_ == "NOUN" and tok.lemma_.lower() in _NOUNS:
        return _from_noun(ctx, tok)
    if tok.pos_ == "ADJ" and tok.dep_ == "acomp" and tok.lemma_.lower() in ATTITUDE_ADJECTIVES:
        return _from_adjective(ctx, tok)
    return None


def _from_adjective(ctx: DocContext, adj: Token) -> Reported | None:
    """`X is critical of the plan`, `X was eager to talk`, `X is confident that ...`: the
    complement of a stance adjective is the content, the copula's subject the speaker."""
    comp = [
        c for c in adj.children
        if c.dep_ in {"xcomp", "ccomp"} or (
            c.dep_ == "prep" and any(g.dep_ in {"pobj", "pcomp"} for g in c.children)
        )
    ]
    if not comp:
        return None
    content = _subtree(ctx, comp[0])
    if comp[0].dep_ == "prep":
        content = [t for t in content if t.i != comp[0].i]
    speaker = _verb_speaker(ctx, adj.head)
    if speaker is None:
        return None
    return _make(ctx, adj, content, speaker)


# --------------------------------------------------------------------------- verbs


def _from_verb(ctx: DocContext, verb: Token) -> Reported | None:
    if verb.dep_ in {"amod", "compound"}:
        return None
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    if lemma in SEEM_LEMMAS:
        return _seeming(ctx, verb, children)
    content = _verb_content(ctx, verb, lemma, children)
    if content is None:
        return None
    if _participle(verb):
        # `a law known as ...`, `the plan announced by X`: the agent or no speaker, never
        # the noun the participle describes
        speaker = _agent(verb)
        return _make(ctx, verb, content, speaker, speakerless=True)
    speaker = _verb_speaker(ctx, verb)
    if speaker is None and not _speakerless(verb):
        return None
    return _make(ctx, verb, content, speaker)


def _participle(verb: Token) -> bool:
    return verb.dep_ == "acl" and verb.tag_ == "VBN"


def _agent(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _verb_content(
    ctx: DocContext, verb: Token, lemma: str, children: list[Token]
) -> list[Token] | None:
    """The tokens of what the cue reports, by the first construction that applies."""
    phrase = any((lemma, c.lower_) in CUE_PHRASES for c in children)
    if lemma in CLAUSE_LEMMAS or phrase:
        # the clause after the cue first: a clause before it is parenthetical (`Y, X said`)
        # only when nothing follows; before it, it is more often a misparse
        # a clause in another paragraph is a misparse across the line break
        para = ctx.para_of[verb.i]
        comps = [c for c in children if c.dep_ == "ccomp" and ctx.para_of[c.i] == para]
        clause = [c for c in comps if c.i > verb.i] or comps
        if not clause and lemma in CUE_LEMMAS:
            # `X said after the talks he would go`: the parser hangs a bare clause that
            # follows a speech verb as an adverbial; with its own subject and no
            # subordinator it is the reported clause
            clause = [
                c for c in children
                if c.dep_ == "advcl" and c.i > verb.i and ctx.para_of[c.i] == para
                and _own_subject(c) and not any(g.dep_ == "mark" for g in c.children)
            ][:1]
        if phrase:
            # `made clear that ...`: the clause hangs from `clear` (or `out`)
            part = [c for c in children if (lemma, c.lower_) in CUE_PHRASES]
            inner = [
                g for c in part for g in c.children
                if g.dep_ == "ccomp" or (g.dep_ == "advcl" and _has_that(g))
            ]
            clause = inner or [c for c in clause if c not in part]
        if clause:
            return _subtree(ctx, clause[0])
        short = [
            c for c in children if c.i > verb.i and c.lower_ in _PROFORMS and not c.n_lefts
            and c.dep_ in {"advmod", "intj", "dobj", "ccomp", "npadvmod", "attr"}
        ]
        if short:
            # `half said so`, `75 percent said yes`, `did not say when`: the pro-form
            # stands for the clause
            return short[:1]
        same = [c for c in children if c.i > verb.i and c.lower_ == "same"]
        if same:
            return _subtree(ctx, same[0])  # `26 percent said the same`
        gerund = [
            c for c in children if c.dep_ == "xcomp" and c.tag_ == "VBG" and c.i > verb.i
        ]
        if gerund and lemma in CUE_LEMMAS:
            # `X reported holding shares`, `X denied taking money`: the gerund is the clause
            return _subtree(ctx, gerund[0])
        if (
            verb.dep_ == "parataxis"
            or (verb.dep_ == "conj" and lemma in CUE_LEMMAS and _after_comma(verb)
                and verb.head.lemma_.lower() not in _STATEMENT_LEMMAS)
            or (verb.dep_ == "advcl" and lemma in CUE_LEMMAS and verb.head.pos_ in {"VERB", "AUX"}
                and any(c.dep_ == "mark" and c.lower_ == "as" for c in children)
                and not any(c.dep_ in _OWN_COMPLEMENTS for c in children))
        ) and verb.head.i != verb.i and _own_subject(verb):
            # `As the Post reported, X is ...`: the clause the `as` phrase hangs from
            # `The plan will fail, officials said` parsed as a coordination
            # `The plan, officials said, will fail.`: the sentence around the cue
            cut = {t.i for t in verb.subtree}
            return [t for t in _subtree(ctx, verb.head) if t.i not in cut]
    if lemma in LIGHT_VERBS:
        act = [c for c in children if c.dep_ == "dobj" and c.lemma_.lower() in _SPEECH_ACTS]
        if act and not any(
            (g.dep_ in {"acl", "ccomp", "relcl"} and _has_that(g))
            or (g.dep_ == "prep" and (act[0].lemma_.lower(), g.lower_) in _NOUN_PREPS)
            for g in act[0].children
        ):
            # `X made similar comments`, `X made the case for Y`: the act is the content (a
            # `that` clause or a prepositional object is the noun's own statement)
            return _subtree(ctx, act[0]) + [
                t for c in children
                if c.dep_ == "prep" and c.i > act[0].i and not _according_phrase(c)
                for t in _subtree(ctx, c)
            ]
    if lemma in INTENT_LEMMAS:
        # `X wants to leave`, `X urged Y to go`, `X called for Y to go`
        xcomp = [
            c for c in children
            if c.dep_ in {"xcomp", "advcl"} and c.tag_ == "VB"
            and any(a.lower_ == "to" for a in c.children if a.dep_ == "aux")
        ]
        if xcomp:
            obj = [c for c in children if c.dep_ in {"dobj", "dative"}]
            content = _subtree(ctx, xcomp[0])
            return _subtree(ctx, obj[0]) + content if obj else content
    passive = any(c.dep_ == "auxpass" for c in children)
    if passive and (lemma in OBJECT_LEMMAS or lemma in CLAUSE_LEMMAS):
        # `the plan was announced (by X)`, `X is expected to win`: the subject is the content
        subj = [c for c in children if c.dep_ == "nsubjpass" and c.lower_ != "it"]
        if subj and lemma not in {"suppose", "intend", "attack"} and (
            lemma in PASSIVE_REPORTS
            or any(c.dep_ in {"agent", "xcomp"} for c in children)
            or any(c.dep_ == "prep" and c.lower_ == "as" for c in children)  # `seen as`
        ):
            content = _subtree(ctx, subj[0])
            for c in children:
                if c.dep_ in {"xcomp", "oprd"} or (c.dep_ == "prep" and c.lower_ == "as"):
                    content += _subtree(ctx, c)
            return content
    if lemma in AS_LEMMAS:
        # `X sees the deal as a trap`, `a law known as the Border Act`
        as_ = [c for c in children if c.dep_ == "prep" and c.lower_ == "as" and c.i > verb.i]
        obj = [c for c in children if c.dep_ == "dobj"]
        if as_ and obj:
            return _subtree(ctx, obj[0]) + _subtree(ctx, as_[0])
        if obj and any(g.dep_ == "prep" and g.lower_ == "as" for g in obj[0].children):
            return _subtree(ctx, obj[0])  # the parser hangs `as` on the object
        if as_ and _participle(verb):
            return [t for c in as_[0].children if c.dep_ == "pobj" for t in _subtree(ctx, c)]
    prt_cue = any(c.dep_ == "prt" and (lemma, c.lower_) in PRT_OBJECT_CUES for c in children)
    if (lemma in OBJECT_LEMMAS or prt_cue) and not any(
        c.dep_ == "prt" and c.lower_ != "out" and (lemma, c.lower_) not in PREP_CUES | CUE_PHRASES
        for c in children
    ):
        # a particle makes another verb: `picked up two delegates`, `gave up the fight`
        oprd = [c for c in children if c.dep_ == "oprd"]
        obj = [c for c in children if c.dep_ in _OBJECT_DEPS and (
            oprd or _content_object(c, children))]  # `called him a liar`: the naming counts
        if obj and oprd:
            return _subtree(ctx, obj[0]) + _subtree(ctx, oprd[0])
        if obj:
            content = _subtree(ctx, obj[0])
            content += [
                t for c in children
                if c.dep_ == "prep" and c.i > obj[0].i and not _according_phrase(c)
                for t in _subtree(ctx, c)
            ]
            return content
    for c in children:
        if c.dep_ in {"prep", "prt"} and (lemma, c.lower_) in PREP_CUES:
            objs = [g for g in c.children if g.dep_ in {"pobj", "pcomp"}]
            if objs:
                return _subtree(ctx, objs[0])
    return None


# complements that give a cue a content of its own (`as he urged them to go` is no `as X
# reported` parenthetical)
_OWN_COMPLEMENTS = frozenset({"dobj", "xcomp", "ccomp", "dative", "oprd", "attr", "acomp", "agent"})
_PERSONAL = frozenset({"him", "her", "them", "me", "us", "you", "himself", "herself",
                       "themselves", "myself", "ourselves", "yourself"})


_FORMULAS = frozenset({"goodbye", "hello", "hi", "thanks", "yes", "no", "grace", "amen",
                       "sorry", "farewell", "cheers", "prayer", "prayers"})
# words that stand for a whole reported clause
_PROFORMS = frozenset({"so", "yes", "no", "when", "why", "how", "whether"})


def _content_object(obj: Token, children: list[Token]) -> bool:
    """The object is what was said (`denied the report`, `said it`), not the person
    addressed -- unless a preposition carries the charge (`accused him of lying`) -- nor
    a formula (`said goodbye`)."""
    if obj.lower_ in _FORMULAS:
        return False
    if obj.lower_ in _PERSONAL:
        # `endorsed him`, `criticized them`: the person judged; `told him`, `asked her`:
        # the person addressed, whose content (if any) is elsewhere
        return obj.head.lemma_.lower() in _JUDGEMENT or any(
            c.dep_ == "prep" and c.i > obj.i for c in children
        )
    return True


# verbs of which `it` (a company, a paper, a report) is a speaker: `It said it would appeal`
_IT_SPEAKS = frozenset(
    """say report show find state note add claim argue conclude estimate predict suggest
    warn explain announce post tweet write urge accuse deny describe cite tell want plan
    seek reveal confirm insist""".split()
)
# verbs whose personal object is what they judge, not whom they address
_JUDGEMENT = frozenset(
    """criticize criticise praise endorse support oppose defend condemn attack blast slam hail
    blame decry denounce lambaste challenge back champion favor favour mock welcome applaud
    dismiss reject rebut contradict name nominate like love hate trust respect admire knock
    heckle fault vilify demonize demonise thank prefer ridicule deride berate scold chide
    praise embrace ignore accept""".split()
)


def _after_comma(verb: Token) -> bool:
    """The cue's phrase starts right after a comma: `Y, said X` / `Y, X said`."""
    first = min(t.i for t in verb.subtree)
    return first > 0 and verb.doc[first - 1].text == ","


def _own_subject(verb: Token) -> bool:
    return any(c.dep_ in SUBJ_DEPS for c in verb.children)


def _has_that(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)


_CLIMB_DEPS = frozenset({"conj", "advcl", "xcomp", "acl", "relcl", "pcomp"})


def _verb_speaker(ctx: DocContext, verb: Token) -> Token | None:
    """The subject of the cue, climbing through participles and coordination
    (`..., saying`, `stood up and said`); the agent of a passive (`was reported by X`)."""
    agent = _agent(verb)
    if agent is not None:
        return agent
    cur = verb
    para = ctx.para_of[verb.i]
    for _ in range(4):
        # a subject in another paragraph is a misparse across the line break
        subjs = [
            c for c in cur.children
            if c.dep_ in SUBJ_DEPS and not ctx.in_quote(c) and ctx.para_of[c.i] == para
        ]
        if subjs:
            subj = subjs[0]
            if subj.dep_ == "nsubjpass":
                return None  # `it was reported that`, `the plan was announced`
            return valid_subject(ctx, cur, subj, verb)
        share = [c for c in cur.lefts if c.dep_ == "nummod" and c.pos_ == "NUM"]
        if share and cur.lemma_.lower() in CUE_LEMMAS:
            return share[0]  # `About 4 in 10 say ...`: the parser hangs the share on the verb
        if (
            cur.dep_ == "ccomp" and cur.i != verb.i and verb.dep_ == "conj"
            and cur.head.lemma_ == verb.lemma_
        ):
            # `X said A -- ... -- but said B`, B's `said` hung on A's clause: X's
            cur = cur.head
            continue
        if cur.dep_ not in _CLIMB_DEPS or cur.head.i == cur.i:
            break
        if cur.dep_ == "pcomp":
            # `by saying ...`: through the preposition to the verb it hangs from
            cur = cur.head
            if cur.head.i == cur.i:
                break
        if cur.dep_ == "acl":
            # `a statement saying ...`: the noun the participle hangs from
            return cur.head if cur.head.pos_ in {"NOUN", "PROPN"} else None
        if cur.dep_ == "relcl":
            return cur.head if cur.head.pos_ in {"NOUN", "PROPN", "PRON"} else None
        cur = cur.head
    return None


def _speakerless(verb: Token) -> bool:
    """`it was reported that ...`, `the plan was announced`: a passive cue without an
    agent reports a statement without a source."""
    return any(c.dep_ == "auxpass" for c in verb.children)


_SEEM_COMPLEMENTS = frozenset({"xcomp", "acomp", "ccomp", "oprd", "attr"})


def _seeming(ctx: DocContext, verb: Token, children: list[Token]) -> Reported | None:
    """`X seems to Y`, `X appeared weak`, `it seems that Y`, `X looks like Y`: a statement
    without a speaker whose content is the subject with its complement.  `appeared on
    TV` has no complement and is no statement."""
    comp = [
        c for c in children
        if c.i > verb.i and (
            c.dep_ in _SEEM_COMPLEMENTS or (c.dep_ == "prep" and c.lower_ in {"like", "as"})
        )
    ]
    if not comp:
        return None
    subj = [c for c in children if c.dep_ in SUBJ_DEPS]
    content = _subtree(ctx, comp[0])
    if subj and subj[0].lower_ != "it":
        content = _subtree(ctx, subj[0]) + content
    return _make(ctx, verb, content, None, speakerless=True)


# --------------------------------------------------------------------------- according to


def _according(ctx: DocContext, tok: Token) -> Reported | None:
    doc = ctx.doc
    if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
        return None
    to = doc[tok.i + 1]
    objs = [c for c in to.children if c.dep_ == "pobj"]
    if not objs:
        return None
    phrase = {t.i for t in tok.subtree} | {t.i for t in to.subtree} | {tok.i, to.i}
    sent = tok.sent
    content = [t for t in sent if t.i not in phrase]
    # the content is the clause the phrase modifies, on the side away from the phrase
    lo, hi = min(phrase), max(phrase)
    before = [t for t in content if t.i < lo]
    after = [t for t in content if t.i > hi]
    words_before = [t for t in before if not t.is_punct]
    content = before if len(words_before) >= 3 else after
    if not [t for t in content if not t.is_punct]:
        return None
    start, end = tok.idx, to.idx + len(to)
    att = Attribution("according to", start, end, mention_tokens(ctx, objs[0]), objs[0])
    span = _span(ctx, content)
    if span is None:
        return None
    return Reported(span[0], span[1], tok, att)


# --------------------------------------------------------------------------- in a poll

# Documents that state findings: `in a new poll, X leads`, `Y is ahead in the polls`.
_SOURCE_NOUNS = frozenset({"poll", "survey", "study", "average"})


def _in_source(ctx: DocContext, tok: Token) -> Reported | None:
    """`In a CBS News poll, Clinton led by six points`, `X is ahead in the polls`: the poll
    is the speaker and the clause the phrase hangs from (without the phrase) the content,
    as for `according to`."""
    src = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if src is None or src.lemma_.lower() not in _SOURCE_NOUNS or ctx.in_quote(tok):
        return None
    verb = tok.head
    # on a noun (`voters in the poll`, `his lead in the polls`) it describes, not reports;
    # on a reporting verb (`38 percent said in a poll`) the verb's own statement stands
    if verb.pos_ not in {"VERB", "AUX"} or verb.lemma_.lower() in _STATEMENT_LEMMAS:
        return None
    phrase = {t.i for t in tok.subtree}
    content = [t for t in _subtree(ctx, verb) if t.i not in phrase]
    span = _span(ctx, content)
    if span is None:
        return None
    att = Attribution(tok.text, tok.idx, tok.idx + len(tok), mention_tokens(ctx, src), src)
    return Reported(span[0], span[1], tok, att)


# Adverbs that report without a source: `Trump reportedly told aides ...`.
_HEARSAY = frozenset({"reportedly", "purportedly"})


def _hearsay(ctx: DocContext, adv: Token) -> Reported | None:
    """`X reportedly met Y`: a statement without a speaker whose content is the clause
    the adverb modifies."""
    verb = adv.head
    if adv.dep_ != "advmod" or verb.pos_ not in {"VERB", "AUX"} or ctx.in_quote(adv):
        return None
    content = [t for t in _subtree(ctx, verb) if t.i != adv.i]
    span = _span(ctx, content)
    if span is None:
        return None
    att = Attribution(adv.text, adv.idx, adv.idx + len(adv), [], None)
    return Reported(span[0], span[1], adv, att)


# --------------------------------------------------------------------------- headlines

_HEADLINE_PREFIX = 6  # words before the colon: `Former AG Mukasey at RNC: ...`
_NOT_HEADLINE_SPEAKERS = frozenset(
    """breaking update updated correction video watch photos photo exclusive editor note
    live analysis opinion read related source sources transcript look boom wow speech
    full""".split()
)
# common nouns that speak in headlines: `Poll: voters turn to X`, `Report: ...`
_HEADLINE_SOURCES = frozenset(
    "poll survey report study official officials aide aides expert experts insider "
    "insiders historian historians analyst analysts critic critics newspaper camp editorial".split()
)


def _headline(ctx: DocContext, colon: Token) -> Reported | None:
    """`Sanders: Clinton needs to change course` -- a headline or transcript line that
    opens with a name and a colon: the name is the speaker, the rest of the line what
    was said.  Only at the start of a paragraph, with no verb before the colon."""
    doc = ctx.doc
    para = ctx.para_of[colon.i]
    i = colon.i
    while i > 0 and ctx.para_of[i - 1] == para:
        i -= 1
    prefix = [t for t in doc[i : colon.i] if not t.is_punct and not t.is_space]
    if not 1 <= len(prefix) <= _HEADLINE_PREFIX or not prefix[0].text[:1].isupper():
        return None
    if any(t.tag_ in _VERB_TAGS or t.pos_ in {"VERB", "AUX", "NUM"} for t in prefix):
        return None
    if not any(t.pos_ in {"PROPN", "NOUN"} for t in prefix):
        return None
    content = []
    j = colon.i + 1
    while j < len(doc) and ctx.para_of[j] == para:
        content.append(doc[j])
        j += 1
    if sum(1 for t in content if t.is_alpha) < 3:
        return None
    # the head of the name: the last noun before `at` (`Mukasey at RNC`)
    name = prefix
    for k, t in enumerate(prefix):
        if t.pos_ == "ADP":
            name = prefix[:k]
            break
    nouns = [t for t in name if t.pos_ in {"PROPN", "NOUN"}]
    if not nouns or len(nouns[-1].text) < 2 or nouns[-1].lower_ in _NOT_HEADLINE_SPEAKERS:
        return None  # `Q: ...`, `Breaking: ...`, `Editor's note: ...`
    if (
        nouns[-1].pos_ != "PROPN" and nouns[-1].lemma_.lower() not in _HEADLINE_SOURCES
        # a capitalised noun the tagger took for a common one (`Sanders: ...`)
        and not (nouns[-1].text[:1].isupper() and nouns[-1].i == colon.i - 1)
    ):
        return None
    span = _span(ctx, content)
    if span is None:
        return None
    att = Attribution(":", colon.idx, colon.idx + 1, name, nouns[-1])
    return Reported(span[0], span[1], colon, att)


# --------------------------------------------------------------------------- nouns


def _from_noun(ctx: DocContext, noun: Token) -> Reported | None:
    clause = [
        c for c in noun.children
        if c.dep_ in {"acl", "ccomp", "relcl"} and _has_that(c)
    ]
    if not clause:
        return _noun_with_object(ctx, noun)
    speaker = None
    for c in noun.children:
        if c.dep_ == "poss" and c.pos_ in {"PROPN", "NOUN", "PRON"}:
            speaker = c
        elif c.dep_ == "prep" and c.lower_ in {"by", "from", "of"}:
            objs = [g for g in c.children if g.dep_ == "pobj" and g.pos_ in {"PROPN", "NOUN"}]
            if objs and speaker is None:
                speaker = objs[0]
        elif c.dep_ == "compound" and c.pos_ == "PROPN" and speaker is None:
            speaker = c
    if speaker is None and noun.dep_ in {"dobj", "pobj"}:
        # `X issued a statement that ...`, `X rejected the claim that ...` is not X's claim
        verb = noun.head if noun.dep_ == "dobj" else noun.head.head
        if verb.lemma_.lower() in {"issue", "make", "release", "publish", "express", "voice"}:
            speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return _make(ctx, noun, _subtree(ctx, clause[0]), speaker, noun_cue=True)


def _noun_with_object(ctx: DocContext, noun: Token) -> Reported | None:
    """`her criticism of the plan`, `the call by X for talks`: a reporting noun with a
    possessor (or `by` phrase) as speaker and its prepositional object as content."""
    lemma = noun.lemma_.lower()
    light = noun.dep_ == "dobj" and noun.head.lemma_.lower() in LIGHT_VERBS
    # `raised questions about X`: the parser may hang the preposition on the light verb
    around = list(noun.children) + (
        [c for c in noun.head.children if c.i > noun.i] if light else []
    )
    cues = NOUN_PREP_CUES | LIGHT_NOUN_PREP_CUES if light else NOUN_PREP_CUES
    prep = next((c for c in around if c.dep_ == "prep" and (lemma, c.lower_) in cues), None)
    if prep is None:
        return None
    objs = [g for g in prep.children if g.dep_ in {"pobj", "pcomp"}]
    speaker = next((c for c in noun.children if c.dep_ == "poss"), None)
    if speaker is None:
        by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        speaker = next((g for g in by.children if g.dep_ == "pobj"), None) if by else None
    if speaker is None and light:
        speaker = _verb_speaker(ctx, noun.head)  # `X raised questions about ...`: X's
    if not objs or speaker is None or speaker.pos_ not in {"PROPN", "NOUN", "PRON"}:
        return None
    return _make(ctx, noun, _subtree(ctx, objs[0]), speaker, noun_cue=True)


# --------------------------------------------------------------------------- spans


_CONTINUATION_DEPS = frozenset({"conj", "advcl", "parataxis"})


def _subtree(ctx: DocContext, tok: Token) -> list[Token]:
    """The clause under `tok` within its sentence, without continuations that are
    statements of their own: `that X is a fraud and questioning how ...`, `that X,
    citing Y` -- a coordinated or adverbial reporting verb starts a new statement."""
    sent = tok.sent
    para = ctx.para_of[tok.i]
    out: list[Token] = []
    stack = [tok]
    while stack:
        cur = stack.pop()
        if not sent.start <= cur.i < sent.end or ctx.para_of[cur.i] != para:
            continue
        out.append(cur)
        for c in cur.children:
            if (
                c.dep_ in _CONTINUATION_DEPS
                and c.tag_ in _VERB_TAGS
                and c.lemma_.lower() in _STATEMENT_LEMMAS
                # `..., if they were offered`, `... to support X`: a condition or a purpose
                # is part of the content
                and not any(
                    (g.dep_ == "mark" and g.lower_ in {"if", "unless"})
                    or (g.dep_ == "aux" and g.lower_ == "to")
                    for g in c.children
                )
            ) or _according_phrase(c):
                continue  # `..., according to X` is an attribution of its own
            stack.append(c)
    return out


def _according_phrase(tok: Token) -> bool:
    """`according` or the `to` the parser hangs it from."""
    return tok.lower_ == "according" or (
        tok.lower_ == "to" and any(c.lower_ == "according" for c in tok.children)
    )


def _span(ctx: DocContext, toks: list[Token]) -> tuple[int, int] | None:
    """Character span of the content tokens, trimmed of punctuation and spaces at both
    ends; a content that crosses its paragraph is cut to the paragraph."""
    toks = sorted(toks, key=lambda t: t.i)
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].dep_ == "cc"):
        toks.pop(0)
    while toks and (toks[-1].is_punct or toks[-1].is_space or toks[-1].dep_ == "cc"):
        toks.pop()
    words = [t for t in toks if not t.is_punct and not t.is_space]
    if len(words) < 1:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _make(
    ctx: DocContext, cue: Token, content: list[Token], speaker: Token | None,
    noun_cue: bool = False, speakerless: bool = False,
) -> Reported | None:
    if speaker is not None and speaker.lower_ == "it" and speaker.dep_ == "nsubj" and (
        cue.lemma_.lower() in _IT_SPEAKS and cue.pos_ == "VERB"
    ):
        pass  # `It said it would appeal`: the company or paper named before
    elif speaker is not None and (speaker.lower_ in {"it", "there", "this", "that", "what"}
                                  or is_time(speaker)):
        speaker = None
        if not _speakerless(cue) and not noun_cue and not speakerless:
            return None
    content = [t for t in content if t.i != cue.i]
    span = _span(ctx, content)
    if span is None:
        return None
    if noun_cue:
        start, end = cue.idx, cue.idx + len(cue)
        poss = [c for c in cue.children if c.dep_ == "case" or c.tag_ == "POS"]
        if speaker is not None:
            end = max(end, *(t.idx + len(t) for t in poss)) if poss else end
    else:
        start, end = cue_extent(ctx, cue)
    mention = mention_tokens(ctx, speaker) if speaker is not None else []
    att = Attribution(ctx.text[start:end], start, end, mention, speaker)
    shown = start
    if cue.dep_ == "xcomp" and 0 < cue.i - cue.head.i <= 3 and cue.head.pos_ in {"VERB", "AUX"}:
        # `needs to release`, `refused to endorse`: the governing verb is written as part
        # of the cue (the finder's logic keeps the verb's own position)
        shown = min(start, cue_extent(ctx, cue.head)[0])
    return Reported(span[0], span[1], cue, att, cue_shown=shown)


__all__ = ["Reported", "find_reported"]
