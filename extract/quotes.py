"""Statement extraction: direct and partial quotes with their speakers.

The quotation marks are found on the raw text (they are unambiguous there and
spaCy's tokenizer is not), then the dependency parse supplies the cue verb and
its subject.  Speaker mentions are resolved to names with a few light rules
(pronoun -> nearest person before it, surname -> full name, title -> holder).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Token

REQUIRED_PIPES: tuple[str, ...] = (
    "tok2vec",
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "ner",
)


@dataclass(frozen=True)
class Statement:
    content_start: int
    content_end: int
    quote_text: str
    cue: str
    cue_start: int | None
    cue_end: int | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_text: str | None
    speaker_name: str | None
    sentence_index: int
    kind: str
    # every contiguous quoted span, for quotes interrupted by their attribution
    content_spans: tuple[tuple[int, int], ...] = field(default=())


# --------------------------------------------------------------------------- lexicon

# Lemmas of verbs that report speech or writing.  Verbs of thought ("think",
# "believe") are left out on purpose: quotation marks after them are mostly scare quotes.
CUE_LEMMAS = frozenset(
    """say tell add charge claim insist stress warn reiterate write tweet call ask continue
    note report describe declare reply respond explain recall conclude state argue suggest
    pledge acknowledge accuse promise shout chant assure urge vow announce admit cite blast
    predict complain emphasize emphasise observe remark comment joke quip concede counter
    contend maintain affirm assert allege boast brag lament caution confirm deny demand
    mention mutter post proclaim recount retort scream yell testify whisper muse opine
    agree quote dub label brand decry criticize criticise slam praise hail lash echo
    insist threaten predict reveal recount read exclaim scoff sneer snap gush marvel
    concur interject interrupt begin finish summarize summarise recommend advise
    instruct order command plead beg implore exhort invoke proclaim repeat tout
    question wonder rail thunder fume rant post declare counsel inform remind
    answer press condemn demur beam sing denounce characterize characterise dismiss
    defend rebut tease mock deride hammer signal hint chide scold lambaste ridicule
    berate highlight elaborate reason speculate theorize theorise crow gloat cry sigh
    laugh smile grumble groan whine moan bemoan sound acknowledge concede retort
    """.split()
)
# Multi-word cues whose head verb is not itself a speech verb ("made clear").
CUE_PHRASES = {("make", "clear"), ("point", "out"), ("go", "on"), ("put", "it")}
_ASPECTUAL = frozenset({"continue", "begin", "finish", "repeat"})
PRONOUNS = frozenset("he she they i we it you".split())
RELATIVE = frozenset("who that which whom".split())
TITLES = frozenset(
    """mr mrs ms miss dr sen senator rep representative gov governor president pres
    prof professor gen general sir lord lady rev reverend judge justice secretary mayor
    speaker chairman chairwoman minister prime premier king queen prince princess
    ambassador sheriff officer sgt lt col capt adm vice former the""".split()
)
SUBJ_DEPS = frozenset({"nsubj", "nsubjpass"})

# --------------------------------------------------------------------------- quote marks

# Double quotation marks; NYT text writes both ends as '' (and sometimes opens with ``).
_DOUBLE = re.compile(r"``|''|[\"“”„«»]")
_SINGLE = re.compile(r"(?<![A-Za-z0-9])['‘]|['’](?![A-Za-z0-9])")
_OPENERS = {"“", "„", "«", "``", "‘"}
_CLOSERS = {"”", "»", "’"}
_TAG = re.compile(r"<[^<>\n]{0,400}>")  # markup such as <tweet author="...">
_PARA = re.compile(r"[^\n]+")


@dataclass
class QuoteSpan:
    start: int  # content, marks excluded
    end: int
    mark_start: int  # opening mark (== start when a continued paragraph has none)
    mark_end: int
    para: int
    closed: bool


def _mark_pattern(text: str) -> re.Pattern[str]:
    """Double marks normally; single marks only for texts that use no double ones."""
    masked = _TAG.sub("", text)
    if _DOUBLE.search(masked):
        return _DOUBLE
    return _SINGLE


def _marks(
    text: str, start: int, end: int, pattern: re.Pattern[str], tags: list[tuple[int, int]]
) -> Iterator[re.Match[str]]:
    for m in pattern.finditer(text, start, end):
        if not any(s <= m.start() < e for s, e in tags):
            yield m


def _looks_closing(text: str, s: int, e: int, p_start: int, p_end: int) -> bool:
    before = text[s - 1] if s > p_start else " "
    after = text[e] if e < p_end else " "
    return (
        not before.isspace() and before not in "([{—–-" and (after.isspace() or not after.isalnum())
    )


def _looks_opening(text: str, s: int, e: int, p_start: int, p_end: int) -> bool:
    before = text[s - 1] if s > p_start else " "
    after = text[e] if e < p_end else " "
    return (before.isspace() or before in "([{—–-:") and not after.isspace()


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Pair quotation marks paragraph by paragraph.

    A quote left open at the end of a paragraph runs to the paragraph end; the
    news convention is to reopen it (without closing) in the next paragraph.
    """
    pattern = _mark_pattern(text)
    tags = [(m.start(), m.end()) for m in _TAG.finditer(text)]
    spans: list[QuoteSpan] = []
    for para, pm in enumerate(_PARA.finditer(text)):
        p_start, p_end = pm.start(), pm.end()
        cur: tuple[int, int] | None = None
        for m in _marks(text, p_start, p_end, pattern, tags):
            s, e, mark = m.start(), m.end(), m.group()
            if cur is None:
                if mark in _CLOSERS or (
                    mark not in _OPENERS and _looks_closing(text, s, e, p_start, p_end)
                ):
                    continue  # stray closer, apostrophe or inch mark
                cur = (s, e)
                continue
            opening = _looks_opening(text, s, e, p_start, p_end)
            closing = _looks_closing(text, s, e, p_start, p_end)
            # a typo'd opener glyph in closing position (`fascist?“ he asked`) closes
            reopen = (mark in _OPENERS and (opening or not closing)) or (
                mark not in _OPENERS and mark not in _CLOSERS and opening and not closing
            )
            if reopen and cur[1] < s and text[cur[1] : s].strip():
                # previous quote was never closed: it ends here, a new one opens
                spans.append(QuoteSpan(cur[1], _rstrip(text, cur[1], s), cur[0], s, para, False))
                cur = (s, e)
                continue
            if pattern is _SINGLE and not _looks_closing(text, s, e, p_start, p_end):
                continue  # apostrophe inside the quote
            spans.append(QuoteSpan(cur[1], s, cur[0], e, para, True))
            cur = None
        if cur is not None:
            spans.append(
                QuoteSpan(cur[1], _rstrip(text, cur[1], p_end), cur[0], p_end, para, False)
            )
    return [sp for sp in spans if text[sp.start : sp.end].strip()]


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


# --------------------------------------------------------------------------- doc helpers


class _Ctx:
    """Per-doc lookups shared by the attribution and resolution steps."""

    def __init__(self, doc: Doc, spans: list[QuoteSpan], text: str):
        self.doc = doc
        self.text = text  # Doc.text is rebuilt from the tokens on every access: read it once
        self.spans = spans
        self.quote_of = [-1] * len(doc)  # index of the quote span covering each token
        self.para_of = [0] * len(doc)
        para_starts = [m.start() for m in _PARA.finditer(self.text)]
        p = 0
        for tok in doc:
            while p + 1 < len(para_starts) and para_starts[p + 1] <= tok.idx:
                p += 1
            self.para_of[tok.i] = p
        qi = 0
        for tok in doc:
            while qi < len(spans) and spans[qi].mark_end <= tok.idx:
                qi += 1
            if qi < len(spans) and spans[qi].mark_start <= tok.idx < spans[qi].mark_end:
                self.quote_of[tok.i] = qi
        self.sent_starts = [s.start for s in doc.sents]

    def in_quote(self, tok: Token) -> bool:
        return self.quote_of[tok.i] >= 0

    def token_at(self, char: int) -> int:
        """Index of the token containing (or first after) a char offset."""
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        if span is not None and len(span):
            return span.start
        for tok in self.doc:
            if tok.idx >= char:
                return tok.i
        return len(self.doc) - 1

    def sentence_index(self, tok_i: int) -> int:
        lo, hi = 0, len(self.sent_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.sent_starts[mid] <= tok_i:
                lo = mid
            else:
                hi = mid - 1
        return lo


_SENT_END = frozenset({".", "!", "?", "...", "…"})
_DASHES = frozenset({"-", "--", "—", "―", "–"})
_DASH_CHARS = "-—―–"


# --------------------------------------------------------------------------- grouping


def _group(ctx: _Ctx) -> list[list[int]]:
    """Merge quote spans that form one statement.

    `"X," he said, "Y."` and `"X," he said. "Y."` are one statement split by
    their attribution; a paragraph left open continues in the next paragraph.
    """
    groups: list[list[int]] = []
    text = ctx.text
    for i, sp in enumerate(ctx.spans):
        if groups:
            prev = ctx.spans[groups[-1][-1]]
            if _continues(text, prev, sp) or (
                _interrupted(ctx, prev, sp) and not _own_attribution(ctx, i)
            ):
                groups[-1].append(i)
                continue
        groups.append([i])
    return groups


def _own_attribution(ctx: _Ctx, i: int) -> bool:
    """`"X," Warren said. "Y," she said.`: the second quote has an attribution
    of its own right after it, so the two are separate statements."""
    sp = ctx.spans[i]
    if not _direct_end(ctx.text, sp):
        return False
    _, _, right = _window(ctx, [i])
    ends = ctx.text[sp.start : sp.end].rstrip()[-1:] in "?!."
    return _tight(right, ends) and any(_is_cue(t) for t in right)


def _continues(text: str, prev: QuoteSpan, sp: QuoteSpan) -> bool:
    return (
        not prev.closed
        and sp.para == prev.para + 1
        and sp.mark_start == _para_start(text, sp.mark_start)
    )


def _para_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _interrupted(ctx: _Ctx, prev: QuoteSpan, sp: QuoteSpan) -> bool:
    """Two quotes of one sentence are one statement when the words between
    them are only their attribution (`"X," he said. "Y."`) or a conjunction
    joining partial quotes (`"X" and "Y"`).  A new cue that introduces the
    second quote (`he said, adding: "Y"`) starts a new statement."""
    if prev.para != sp.para or not prev.closed:
        return False
    gap = ctx.doc.char_span(prev.mark_end, sp.mark_start, alignment_mode="contract")
    if gap is None or not len(gap) or len(gap) > 40:
        return False
    last = ctx.text[prev.mark_end : sp.mark_start].rstrip()[-1:]
    inner_ends = any(t.text in _SENT_END for t in gap[:-1])
    n_cues = sum(_is_cue(t) for t in gap)
    if last == ":":
        return False
    if n_cues == 0:
        return not inner_ends and last not in _SENT_END and not _direct_end(ctx.text, prev)
    if last not in {".", ","}:
        return False
    return n_cues == 1 or (last == "." and not inner_ends)


def _direct_end(text: str, sp: QuoteSpan) -> bool:
    """The quote closes with sentence punctuation (inside or right after the mark)."""
    inner = text[sp.start : sp.end].rstrip()
    after = text[sp.mark_end : sp.mark_end + 1]
    return bool(inner) and (inner[-1] in ",.?!—–-:;…" or after in {",", ":"})


# --------------------------------------------------------------------------- attribution


@dataclass
class _Attribution:
    cue: str
    cue_start: int | None
    cue_end: int | None
    speaker: list[Token]  # contiguous tokens of the mention
    head: Token | None
    source: str = ""  # which window supplied it, for error analysis


def _is_cue(tok: Token) -> bool:
    # a sentence root counts whatever its tag: the tagger reads `the email read` as a noun
    if tok.pos_ not in {"VERB", "AUX"} and not tok.tag_.startswith("VB") and tok.dep_ != "ROOT":
        return False
    if tok.dep_ in {"amod", "compound"} or (tok.i > 0 and tok.nbor(-1).text == "-"):
        return False  # "so-called", "the quoted remarks"
    if tok.lemma_.lower() in CUE_LEMMAS:
        # aspectual uses are not speech: "will continue to be", "began to"
        return not any(c.dep_ == "xcomp" for c in tok.children) or tok.lemma_ not in _ASPECTUAL
    return any((tok.lemma_.lower(), c.lower_) in CUE_PHRASES for c in tok.children)


def _window(ctx: _Ctx, group: list[int]) -> tuple[list[Token], list[Token], list[Token]]:
    """Tokens outside quotes that may hold the attribution: left of the first
    quote back to the sentence start, between the parts, right of the last to
    the sentence end."""
    doc = ctx.doc
    first, last = ctx.spans[group[0]], ctx.spans[group[-1]]
    para = first.para
    left: list[Token] = []
    i = ctx.token_at(first.mark_start) - 1
    while i >= 0 and ctx.para_of[i] == para:
        q = ctx.quote_of[i]
        if q >= 0:
            # skip an earlier quote of the sentence, unless it closed the sentence
            if ctx.text[ctx.spans[q].start : ctx.spans[q].end].rstrip()[-1:] in "?!.":
                break
            i = ctx.token_at(ctx.spans[q].mark_start) - 1
            continue
        if doc[i].text in _SENT_END:
            break
        if not doc[i].is_space:
            left.append(doc[i])
        i -= 1
    left.reverse()
    inner = [
        t
        for t in doc.char_span(first.mark_start, last.mark_end, alignment_mode="expand") or []
        if not ctx.in_quote(t)
    ]
    right: list[Token] = []
    i = ctx.token_at(last.mark_end)
    if i < len(doc) and doc[i].idx < last.mark_end:
        i += 1
    while i < len(doc) and ctx.para_of[i] == last.para and not ctx.in_quote(doc[i]):
        if not doc[i].is_space:
            right.append(doc[i])
        if doc[i].text in _SENT_END:
            break
        i += 1
    return left, inner, right


def _attribute(ctx: _Ctx, group: list[int]) -> _Attribution | None:
    left, inner, right = _window(ctx, group)
    # `"...," according to X` and `"..." -- X` right after the quote are unambiguous
    words = [t for t in right if not t.is_punct]
    att = _dash(ctx, right) or _dash(ctx, _next_paragraph(ctx, group, right))
    if att is None and words and words[0].lower_ == "according":
        att = _according_to(ctx, words[:2])
    if att is not None:
        return att
    anchor = _quote_anchor(ctx, group)
    # The interrupting clause is the strongest evidence.  After a quote that
    # closes its sentence, the next words belong to a new sentence unless they
    # are a short attribution (`"Why?" he asked.`).
    ends_sentence = (
        ctx.text[ctx.spans[group[-1]].start : ctx.spans[group[-1]].end].rstrip()[-1:] in "?!."
    )
    tight = (
        right
        if _tight(right, ends_sentence) and _direct_end(ctx.text, ctx.spans[group[-1]])
        else []
    )
    intro = _intro(ctx, group, left)
    # (tokens, side, governing cues only): on the left the nearest cue is the last
    order = [(inner, "inner", False)]
    if not _is_sentence_quote(ctx, group):
        # a partial quote belongs to the reporting verb that governs it
        order.append((left, "left", True))
    order += [(tight, "tight", False), (left, "left", False)]
    if _is_sentence_quote(ctx, group):
        later = [(right, "right", False)]
    else:
        # a partial quote is credited to a later cue only when that cue governs
        # it or is a parenthetical attribution (`..., the lawsuit says.`)
        later = [(right, "right", True), (_parenthetical(right), "right", False)]
    order += (
        [(intro, "intro", False), *later] if ends_sentence else [*later, (intro, "intro", False)]
    )
    for toks, side, governing_only in order:
        att = _from_tokens(ctx, toks, side in {"left", "intro"}, anchor, governing_only)
        if att is None and side == "tight":
            att = _open_cue(ctx, right, ctx.spans[group[-1]])
        if att is not None:
            att.source = att.source or side
            return att
    return _previous_sentence(ctx, group)


def _person_like(tok: Token) -> bool:
    """A personal pronoun or a proper name that is not a place or organisation."""
    if tok.pos_ == "PRON":
        return tok.lower_ in {"he", "she", "they", "i", "we"}
    return tok.pos_ == "PROPN" and tok.ent_type_ not in {"ORG", "GPE", "NORP", "FAC", "LOC"}


def _previous_sentence(ctx: _Ctx, group: list[int]) -> _Attribution | None:
    """`Bystrom agreed. "Mainstream Republicans are ..."`: a quote that makes up
    its own sentence with no attribution of its own is credited to the subject
    of the sentence just before it in the paragraph."""
    first = ctx.spans[group[0]]
    i = ctx.token_at(first.mark_start) - 1
    while i >= 0 and ctx.doc[i].is_space:
        i -= 1
    if i < 0 or ctx.para_of[i] != first.para or ctx.doc[i].text not in _SENT_END:
        return None
    toks: list[Token] = []
    while i >= 0 and ctx.para_of[i] == first.para:
        if ctx.in_quote(ctx.doc[i]):
            return None  # an earlier quote: the statement continues it, if anything
        if ctx.doc[i].text in _SENT_END and toks:
            break
        toks.append(ctx.doc[i])
        i -= 1
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    for root in roots:
        if root.pos_ not in {"VERB", "AUX"}:
            continue
        subj = next((c for c in root.children if c.dep_ in SUBJ_DEPS and c.i in inside), None)
        if subj is None or subj.dep_ != "nsubj":
            continue
        subj = _valid_subject(ctx, root, subj, root)
        if subj is None or subj.lower_ == "it" or not (_is_cue(root) or _person_like(subj)):
            continue
        att = _make(ctx, root, subj)
        att.source = "prev"
        return att
    return None


def _parenthetical(right: list[Token]) -> list[Token]:
    """The attribution clause set off by a comma after a partial quote:
    `, said David Axelrod, ...` or `, the groups say.` -- the comma, at most a
    short subject, the cue, then the rest of the sentence."""
    for k, tok in enumerate(right):
        if tok.text != "," or k + 1 >= len(right):
            continue
        after = right[k + 1 : k + 7]
        cue = next((t for t in after if _is_cue(t)), None)
        if cue is None:
            continue
        between = [t for t in after if t.i < cue.i]
        subj = {c.i for s in cue.children if s.dep_ in SUBJ_DEPS for c in s.subtree}
        if all(t.i in subj for t in between):
            return right[k:]
    return []


def _open_cue(ctx: _Ctx, right: list[Token], sp: QuoteSpan) -> _Attribution | None:
    """`"Go home," Trump barked.` and `"Why?" reacted Trump.`: right after a quote
    that ends in a comma, question or exclamation mark, a clause of only a subject
    and an intransitive verb is the attribution, whatever the verb."""
    if right and right[0].text in _DASHES:
        return None  # `-- "..." -- the crowd cheered`: a parenthetical quote
    inner = ctx.text[sp.start : sp.end].rstrip()
    if not inner or (inner[-1] not in ",?!" and ctx.text[sp.mark_end : sp.mark_end + 1] != ","):
        return None
    words = [t for t in right if not t.is_punct]
    verb = next((t for t in words[:6] if t.pos_ == "VERB"), None)
    if verb is None or verb.tag_ not in {"VBD", "VBZ", "VBP"}:
        return None
    objects = {"dobj", "ccomp", "xcomp", "attr", "acomp", "oprd"}
    if any(c.dep_ in objects and not ctx.in_quote(c) for c in verb.children):
        return None  # `"...," Bennett said` parses the quote as the object: that is fine
    subj = next((c for c in verb.children if c.dep_ == "nsubj" and not ctx.in_quote(c)), None)
    if subj is None or subj.pos_ not in {"PROPN", "NOUN", "PRON"}:
        return None
    before = [t for t in words if t.i < verb.i]
    phrase = {t.i for t in subj.subtree}
    if before and not all(t.i in phrase for t in before):
        return None  # the verb is not the first thing after the subject
    if not before and (subj.i != verb.i + 1 and subj.i not in {t.i for t in words[1:4]}):
        return None
    if subj.pos_ == "PRON" and subj.lower_ not in {"he", "she", "they", "i", "we"}:
        return None
    att = _make(ctx, verb, subj)
    att.source = "open"
    return att


def _tight(right: list[Token], ends_sentence: bool) -> bool:
    """The words after a quote are its attribution (`he said`, `said Mr. X`),
    not a new sentence that reports something else (`He said the plan ...`)."""
    words = [t for t in right if not t.is_punct]
    if words and _is_cue(words[0]):
        return True  # inverted: `said Mr. X, ...`
    cues = [t for t in words[:8] if _is_cue(t)]
    if not cues:
        return False
    if any(c.dep_ in {"ccomp", "xcomp"} and c.i > cues[0].i for c in cues[0].children):
        return False
    return not ends_sentence or len(words) <= 15


def _quote_anchor(ctx: _Ctx, group: list[int]) -> Token | None:
    """The token outside the quote that the quoted words hang from in the parse."""
    sp = ctx.doc.char_span(
        ctx.spans[group[0]].start, ctx.spans[group[0]].end, alignment_mode="expand"
    )
    if sp is None or not len(sp):
        return None
    root = sp.root
    head = root.head
    while ctx.in_quote(head) and head.head.i != head.i:
        head = head.head
    return None if ctx.in_quote(head) else head


def _paragraph_tokens(ctx: _Ctx, para: int, start: int, step: int) -> list[Token]:
    """Tokens of one paragraph walking from `start` by `step`."""
    toks: list[Token] = []
    i = start
    while 0 <= i < len(ctx.doc) and ctx.para_of[i] == para:
        toks.append(ctx.doc[i])
        i += step
    return toks if step > 0 else toks[::-1]


def _intro(ctx: _Ctx, group: list[int], left: list[Token]) -> list[Token]:
    """A quote opening its paragraph may be introduced by the previous one
    (`He said:` then the quote as its own paragraph): that sentence's tokens."""
    first = ctx.spans[group[0]]
    i = ctx.token_at(first.mark_start) - 1
    if left or i < 0 or ctx.para_of[i] == first.para:
        return []
    while i >= 0 and ctx.doc[i].is_space:
        i -= 1
    if i < 0 or ctx.doc[i].text != ":" or ctx.in_quote(ctx.doc[i]):
        return []
    toks = _paragraph_tokens(ctx, ctx.para_of[i], i, -1)
    cut = max(
        (k for k, t in enumerate(toks[:-1]) if t.text in _SENT_END or ctx.in_quote(t)), default=-1
    )
    return toks[cut + 1 :]


def _next_paragraph(ctx: _Ctx, group: list[int], right: list[Token]) -> list[Token]:
    """`- Bernie Sanders.` as the paragraph after a quote paragraph."""
    if [t for t in right if not t.is_punct]:
        return []
    last = ctx.spans[group[-1]]
    i = ctx.token_at(last.mark_end)
    while i < len(ctx.doc) and (ctx.doc[i].is_space or ctx.para_of[i] == last.para):
        i += 1
    if i >= len(ctx.doc):
        return []
    toks = _paragraph_tokens(ctx, ctx.para_of[i], i, 1)
    return toks if len(toks) <= 12 and not any(ctx.in_quote(t) for t in toks) else []


def _from_tokens(
    ctx: _Ctx,
    toks: list[Token],
    nearest_last: bool,
    anchor: Token | None,
    governing_only: bool = False,
) -> _Attribution | None:
    side_after = not nearest_last
    if not toks:
        return None
    att = _according_to(ctx, toks)
    if att is not None:
        return att
    cues = [t for t in toks if _is_cue(t)]
    if nearest_last:
        cues.reverse()
    # a cue that governs the quote beats a nearer one in a subordinate clause
    # (`Cruz said Rubio will continue to be "..."`): take the highest governing cue
    path = _governors(anchor)
    governing = sorted((c for c in cues if c.i in path), key=lambda c: -path[c.i])
    if governing_only:
        cues = governing
    for cue in governing + [c for c in cues if c.i not in path]:
        subj = _subject(ctx, cue) or _adjacent_name(ctx, cue, toks, side_after)
        if subj is not None:
            # report the cue nearest the quote that has the same speaker
            # (`Ghasemi reiterated ..., saying, "..."` -> "saying")
            lower = [
                c for c in governing if path[c.i] < path.get(cue.i, -1) and _subject(ctx, c) == subj
            ]
            return _make(ctx, min(lower, key=lambda c: path[c.i]) if lower else cue, subj)
    if toks[-1].text == ":":
        return _colon(ctx, toks)
    return None


def _governors(anchor: Token | None) -> dict[int, int]:
    """Token index -> height for the anchor and the heads above it, stopping at
    coordination (`X said A, but he said "B"`: the first `said` does not govern B)."""
    out: dict[int, int] = {}
    tok, height = anchor, 0
    while tok is not None:
        out[tok.i] = height
        if tok.head.i == tok.i or tok.dep_ == "relcl":
            break
        if tok.dep_ in {"conj", "advcl"} and any(c.dep_ in SUBJ_DEPS for c in tok.children):
            # `X said A, but he said "B"`, `X suggested A, while Cruz said "B"`:
            # a coordinated or adverbial clause with its own subject is not governed
            break
        tok, height = tok.head, height + 1
    return out


def _adjacent_name(ctx: _Ctx, cue: Token, toks: list[Token], after_quote: bool) -> Token | None:
    """Fallback for misparsed attributions: the noun phrase right next to the cue
    (`added a South Carolina Democrat`, `the email read`)."""
    allowed = {t.i for t in toks}
    doc = ctx.doc
    i = cue.i + 1
    inverted = cue.i - 1 not in allowed or ctx.in_quote(doc[cue.i - 1]) or doc[cue.i - 1].is_punct
    has_object = not inverted and any(c.dep_ in {"dobj", "ccomp", "xcomp"} for c in cue.children)
    if (
        (after_quote or cue.tag_ != "VBG")
        and i in allowed
        and not has_object
        and doc[i].pos_ in {"DET", "ADJ", "PROPN", "NOUN", "NUM", "PRON"}
        and not _is_time(doc[i])
    ):
        if doc[i].pos_ == "PRON":
            return doc[i] if doc[i].lower_ in {"he", "she", "they", "i", "we"} else None
        while i + 1 in allowed and doc[i + 1].pos_ in {
            "DET",
            "ADJ",
            "PROPN",
            "NOUN",
            "NUM",
            "PART",
        }:
            i += 1
        if doc[i].pos_ in {"PROPN", "NOUN"}:
            return doc[i]
    i = cue.i - 1
    if i in allowed and doc[i].pos_ in {"PROPN", "NOUN", "PRON"}:
        return (
            doc[i]
            if doc[i].pos_ != "PRON" or doc[i].lower_ in {"he", "she", "they", "i", "we"}
            else None
        )
    # `"...," Gene Sperling, a top adviser, said`: the phrase opening the attribution
    before = [t for t in toks if t.i < cue.i and not t.is_punct]
    if (
        after_quote
        and before
        and before[0].pos_ in {"PROPN", "NOUN", "PRON", "DET"}
        and before[0].i == toks[0].i
    ):
        head = before[0]
        while (
            head.head.i in allowed
            and head.head.i < cue.i
            and head.dep_ in {"compound", "flat", "det", "amod"}
        ):
            head = head.head
        return head if head.pos_ in {"PROPN", "NOUN", "PRON"} else None
    return None


def _dash(ctx: _Ctx, toks: list[Token]) -> _Attribution | None:
    """`"..." -- Karen Smith`: a dash then a name credits the quote.  The dash may
    be glued to the closing mark in one token (`”― Pamela Padilla`)."""
    if not toks:
        return None
    first = toks[0]
    glued = (
        first.i > 0
        and first.idx > 0
        and ctx.doc[first.i - 1].text[-1:] in _DASH_CHARS
        and ctx.in_quote(ctx.doc[first.i - 1])
    )
    if not glued and (len(toks) < 2 or first.text not in _DASHES):
        return None
    name = [t for t in (toks if glued else toks[1:]) if not t.is_punct and not t.is_space]
    if not name or name[0].pos_ not in {"PROPN", "NOUN", "PRON"}:
        return None
    head = name[0]
    while (
        head.head.i != head.i
        and head.head in toks
        and head.head.i > head.i
        and head.dep_ in {"compound", "flat"}
    ):
        head = head.head
    dash = ctx.doc[first.i - 1] if glued else first
    start = dash.idx + len(dash) - 1 if glued else dash.idx
    return _Attribution(
        ctx.text[start : dash.idx + len(dash)],
        start,
        dash.idx + len(dash),
        _mention(ctx, head),
        head,
    )


def _according_to(ctx: _Ctx, toks: list[Token]) -> _Attribution | None:
    for t in toks:
        if t.lower_ == "according" and t.i + 1 < len(ctx.doc) and ctx.doc[t.i + 1].lower_ == "to":
            to = ctx.doc[t.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj" and not ctx.in_quote(c)]
            if objs:
                return _Attribution(
                    "according to", t.idx, to.idx + len(to), _mention(ctx, objs[0]), objs[0]
                )
    return None


def _colon(ctx: _Ctx, toks: list[Token]) -> _Attribution | None:
    """`Bush: "..."` or `He listed the reasons: "..."` -- the subject of the
    clause before the colon, or failing that the noun phrase before it.  A dash
    sets off the label: `Polls were early - Philip Bump: "..."` -> Philip Bump."""
    colon = toks[-1]
    dashes = [
        k
        for k, t in enumerate(toks[:-1])
        if t.text in _DASHES and t.whitespace_ and t.i > 0 and t.doc[t.i - 1].whitespace_
    ]
    if dashes and len(toks) - dashes[-1] > 2:
        toks = toks[dashes[-1] + 1 :]
    inside = {t.i for t in toks}

    def mention(head: Token) -> list[Token]:
        return [t for t in _mention(ctx, head) if t.i in inside] or [head]

    roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    for root in roots:
        subj = next((c for c in root.children if c.dep_ in SUBJ_DEPS and c.i in inside), None)
        if subj is not None and subj.lower_ not in {"it", "there", "this", "that", "what"}:
            return _Attribution(":", colon.idx, colon.idx + 1, mention(subj), subj)
    heads = [t for t in toks[:-1] if t.pos_ in {"PROPN", "NOUN", "PRON"}]
    if not heads:
        return None
    head = heads[-1]
    while (
        head.head.i != head.i
        and head.head.i in inside
        and head.dep_ in {"compound", "poss", "amod", "flat"}
    ):
        head = head.head
    return _Attribution(":", colon.idx, colon.idx + 1, mention(head), head)


def _subject(ctx: _Ctx, cue: Token) -> Token | None:
    """Grammatical subject of the cue, climbing through participles, clauses
    and coordination (`..., saying`, `laughed and said`, `a statement calling`)."""
    verb = cue
    for _ in range(5):
        subjs = [c for c in verb.children if c.dep_ in SUBJ_DEPS and not ctx.in_quote(c)]
        if subjs:
            return _valid_subject(ctx, verb, subjs[0], cue)
        if verb.head.i == verb.i or verb.dep_ in {"relcl", "ROOT"}:
            break
        verb = verb.head
    # inverted order without a subject label: `said Donna Brazile`
    for c in cue.rights:
        if (
            c.pos_ == "PROPN"
            and not _is_time(c)
            and c.dep_ in {"dobj", "npadvmod", "attr", "appos", "dative"}
            and cue.lemma_ == "say"
        ):
            return c
    return None


_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _is_time(tok: Token) -> bool:
    """`said Tuesday`: a date is never the speaker."""
    return tok.ent_type_ in {"DATE", "TIME"} or tok.lower_ in _WEEKDAYS


def _valid_subject(ctx: _Ctx, verb: Token, subj: Token, cue: Token) -> Token | None:
    if subj.lower_ in RELATIVE and verb.dep_ == "relcl":
        return subj if subj.lower_ in {"who", "which"} else verb.head
    if subj.lower_ in {"there", "this", "that", "what"} or _is_time(subj):
        return None
    if subj.lower_ == "it" and subj.dep_ != "nsubj":
        return None  # `it was reported that`
    if ctx.para_of[subj.i] != ctx.para_of[cue.i]:
        return None
    return subj


def _make(ctx: _Ctx, cue: Token, subj: Token) -> _Attribution:
    start, end = _cue_extent(ctx, cue)
    return _Attribution(ctx.text[start:end], start, end, _mention(ctx, subj), subj)


def _cue_extent(ctx: _Ctx, cue: Token) -> tuple[int, int]:
    """The cue as written: auxiliaries and `quoted as having told`."""
    toks = [cue]
    toks += [c for c in cue.lefts if c.dep_ in {"aux", "auxpass", "neg"} and not ctx.in_quote(c)]
    if cue.lemma_ == "quote":
        for c in cue.rights:
            if c.lower_ == "as":
                toks.append(c)
                toks += [
                    g for g in c.subtree if g.dep_ in {"aux", "pcomp"} and g.pos_ in {"VERB", "AUX"}
                ]
    for c in cue.rights:
        if c.dep_ == "prt" or (
            c.lower_ in {"clear", "it"} and (cue.lemma_, c.lower_) in CUE_PHRASES
        ):
            toks.append(c)
    toks = [t for t in toks if abs(t.i - cue.i) <= 6]
    start = min(t.idx for t in toks)
    end = max(t.idx + len(t) for t in toks)
    return start, end


def _mention(ctx: _Ctx, head: Token) -> list[Token]:
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


# --------------------------------------------------------------------------- statement filter

_WORD = re.compile(r"[A-Za-z0-9’']+")


def _is_statement(ctx: _Ctx, group: list[int], att: _Attribution | None) -> bool:
    text = ctx.text
    quote = " ".join(text[ctx.spans[i].start : ctx.spans[i].end] for i in group)
    words = _WORD.findall(quote)
    if not words:
        return False
    if att is not None:
        return not _is_title(ctx, group, words) or len(group) > 1
    # no attribution: only whole quoted sentences count
    return _is_sentence_quote(ctx, group) and len(words) >= 4


def _is_title(ctx: _Ctx, group: list[int], words: list[str]) -> bool:
    """Short title-cased quotes are names of works, shows or slogans."""
    if len(words) > 8:
        return False
    minor = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "at", "by", "with", "is"}
    caps = [w for w in words if w.lower() not in minor]
    return bool(caps) and all(w[0].isupper() or w[0].isdigit() for w in caps) and len(words) > 1


def _is_sentence_quote(ctx: _Ctx, group: list[int]) -> bool:
    """The quote opens its sentence (paragraph start, after . : or a dash)."""
    text = ctx.text
    first = ctx.spans[group[0]]
    before = text[_para_start(text, first.mark_start) : first.mark_start].rstrip()
    return not before or before[-1] in ".:!?—–-"


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
class _Person:
    i: int  # token index of the mention head
    name: str
    subject: bool  # grammatical subject: more salient as a pronoun antecedent


def _person_mentions(doc: Doc) -> list[_Person]:
    """Named persons, by NER or as a capitalised PROPN subject (the small
    model tags some surnames as GPE or ORG, e.g. "Ghasemi")."""
    out: dict[int, _Person] = {}
    for ent in doc.ents:
        if ent.label_ == "PERSON" and ent.root.pos_ == "PROPN":
            head = ent.root
            out[head.i] = _Person(head.i, _name(head), head.dep_ in SUBJ_DEPS)
    for tok in doc:
        if (
            tok.dep_ in SUBJ_DEPS
            and tok.pos_ == "PROPN"
            and tok.i not in out
            and _is_name_like(tok)
        ):
            out[tok.i] = _Person(tok.i, _name(tok), True)
    return sorted(out.values(), key=lambda p: p.i)


def _name(head: Token) -> str:
    return " ".join(t.text for t in _name_tokens(head))


def _is_name_like(tok: Token) -> bool:
    """Capitalised and not inside a multi-word place or organisation name."""
    if not tok.text[:1].isupper() or tok.lower_ in TITLES:
        return False
    if tok.ent_type_ in {"GPE", "LOC", "ORG", "NORP", "FAC", "DATE", "TIME"}:
        ent = next((e for e in tok.sent.ents if e.start <= tok.i < e.end), None)
        return ent is None or len(ent) == 1
    return True


def _full_name(persons: list[_Person], surname: str, before: int) -> str | None:
    """Longest name before `before` ending with this surname."""
    best = None
    for p in persons:
        if p.i > before:
            break
        if p.name.split()[-1] == surname and (best is None or len(p.name) > len(best)):
            best = p.name
    return best


def _resolve(
    ctx: _Ctx, att: _Attribution, persons: list[_Person], genders: dict[str, str] | None = None
) -> str | None:
    head = att.head
    if head is None:
        return None
    if head.lower_ in RELATIVE and head.dep_ in SUBJ_DEPS and head.head.dep_ == "relcl":
        head = head.head.head  # `Mr. Sanders, who said`: the antecedent
        att = _Attribution(att.cue, att.cue_start, att.cue_end, _mention(ctx, head), head)
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


def _known_surname(head: Token, persons: list[_Person]) -> bool:
    return any(p.i < head.i and p.name.split()[-1] == head.text for p in persons)


def _phrase(att: _Attribution) -> str:
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


def _genders(doc: Doc, persons: list[_Person]) -> dict[str, str]:
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
    pron: Token, persons: list[_Person], genders: dict[str, str] | None = None
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

    def agrees(p: _Person) -> bool:
        return genders.get(p.name.split()[-1], gender) == gender

    recent = [p for p in prev if p.subject and pron.i - p.i < 120]
    pool = [p for p in recent if agrees(p)] or [p for p in prev if agrees(p)] or recent or prev
    nearest = pool[-1]
    return _full_name(persons, nearest.name.split()[-1], pron.i) or nearest.name


def _resolve_nominal(ctx: _Ctx, head: Token) -> str | None:
    """`the spokesman` -> the nearest earlier name given that title."""
    lemma = head.lemma_.lower()
    for tok in reversed(ctx.doc[: head.i]):
        if tok.lemma_.lower() != lemma:
            continue
        name = _titled_name(tok)
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


# --------------------------------------------------------------------------- entry points


def find_statements(doc: Doc) -> list[Statement]:
    from extract.actors import doc_info

    # doc.text is rebuilt from the tokens on each access: read it once, through the per-doc
    # lookups the wirehouse_rows pipe (next in the pipeline) reuses for this doc.
    text = doc_info(doc).text
    spans = find_quote_spans(text)
    if not spans:
        return []
    ctx = _Ctx(doc, spans, text)
    persons = _person_mentions(doc)
    genders = _genders(doc, persons)
    out: list[Statement] = []
    last: tuple[list[int], _Attribution] | None = None  # the last statement and its attribution
    for group in _group(ctx):
        att = _attribute(ctx, group)
        if not _is_statement(ctx, group, att):
            continue
        para = ctx.spans[group[0]].para
        if (
            att is not None
            and att.source == "prev"
            and last
            and ctx.spans[last[0][-1]].para == para
        ):
            att = None  # `"X," said A. He holds ... "Y."`: Y is A's too
        if att is None and last is not None and _carries_over(ctx, last[0], group):
            att = last[1]
        if att is None:
            continue  # nobody to credit it to
        last = (group, att)
        out.append(_statement(ctx, group, att, persons, genders))
    return out


def _carries_over(ctx: _Ctx, prev: list[int], group: list[int]) -> bool:
    """A quote with no attribution of its own continues the previous statement
    when it follows it in the same paragraph, or -- the news convention for a
    long quotation -- fills the next paragraph on its own while the previous
    statement and its attribution close theirs."""
    last, first = ctx.spans[prev[-1]], ctx.spans[group[0]]
    if first.para == last.para:
        return True
    if first.para != last.para + 1 or not _is_sentence_quote(ctx, group):
        return False
    end = ctx.spans[group[-1]]
    if _para_start(ctx.text, first.mark_start) != first.mark_start:
        return False
    para_end = ctx.text.find("\n", end.mark_end)
    if ctx.text[end.mark_end : para_end if para_end >= 0 else len(ctx.text)].strip(" .,\t"):
        return False  # more words after the quote
    i = ctx.token_at(last.mark_end)
    tail = [
        t
        for t in ctx.doc[i : ctx.token_at(first.mark_start)]
        if ctx.para_of[t.i] == last.para and t.idx >= last.mark_end and not t.is_space
    ]
    return not any(t.text in _SENT_END for t in tail[:-1])


def _statement(
    ctx: _Ctx,
    group: list[int],
    att: _Attribution | None,
    persons: list[_Person],
    genders: dict[str, str] | None = None,
) -> Statement:
    text = ctx.text
    parts = tuple((ctx.spans[i].start, ctx.spans[i].end) for i in group)
    start, end = parts[0][0], parts[-1][1]
    quote_text = " ".join(text[s:e] for s, e in parts)
    sent = ctx.sentence_index(ctx.token_at(start))
    kind = "direct" if _is_direct(ctx, group) else "partial"
    if att is None:
        return Statement(
            start, end, quote_text, "", None, None, None, None, None, None, sent, kind, parts
        )
    sp_start = att.speaker[0].idx if att.speaker else None
    sp_end = att.speaker[-1].idx + len(att.speaker[-1]) if att.speaker else None
    sp_text = text[sp_start:sp_end] if sp_start is not None else None
    return Statement(
        start,
        end,
        quote_text,
        att.cue,
        att.cue_start,
        att.cue_end,
        sp_start,
        sp_end,
        sp_text,
        _resolve(ctx, att, persons, genders),
        sent,
        kind,
        parts,
    )


def _is_direct(ctx: _Ctx, group: list[int]) -> bool:
    """Whole sentences quoted: the quote opens its sentence, or follows a comma
    with a capital (`He said, "We ..."`)."""
    if _is_sentence_quote(ctx, group):
        return True
    first = ctx.spans[group[0]]
    before = ctx.text[max(0, first.mark_start - 20) : first.mark_start].rstrip()
    return ctx.text[first.start : first.start + 1].isupper() and before.endswith(",")


def _statements_component(doc: Doc) -> Doc:
    doc._.statements = find_statements(doc)
    return doc


if not Doc.has_extension("statements"):
    Doc.set_extension("statements", default=None)


@Language.factory("wirehouse_quotes")
def make_quotes_component(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    # spaCy passes nlp and name to every factory; the component needs neither
    return _statements_component


__all__ = [
    "REQUIRED_PIPES",
    "Statement",
    "find_quote_spans",
    "find_statements",
    "make_quotes_component",
]
