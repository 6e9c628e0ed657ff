"""Direct and partial quotes: group the quoted spans into statements and credit each
group to its cue and speaker through the dependency parse."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from extract.quote_marks import (
    DASH_CHARS,
    DASHES,
    SENT_END,
    DocContext,
    QuoteSpan,
    find_quote_spans,
    para_start,
)
from extract.speakers import (
    Attribution,
    Person,
    according_to,
    genders_of,
    make_attribution,
    mention_tokens,
    person_like,
    person_mentions,
    resolve_speaker,
    subject_of,
    valid_subject,
)
from extract.speech_cues import SUBJ_DEPS, is_cue, is_time
from extract.statement import Statement

# --------------------------------------------------------------------------- grouping


def _group(ctx: DocContext) -> list[list[int]]:
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


def _own_attribution(ctx: DocContext, i: int) -> bool:
    """`"X," Warren said. "Y," she said.`: the second quote has an attribution
    of its own right after it, so the two are separate statements."""
    sp = ctx.spans[i]
    if not _direct_end(ctx.text, sp):
        return False
    _, _, right = _window(ctx, [i])
    ends = ctx.text[sp.start : sp.end].rstrip()[-1:] in "?!."
    return _tight(right, ends) and any(is_cue(t) for t in right)


def _continues(text: str, prev: QuoteSpan, sp: QuoteSpan) -> bool:
    return (
        not prev.closed
        and sp.para == prev.para + 1
        and sp.mark_start == para_start(text, sp.mark_start)
    )


def _interrupted(ctx: DocContext, prev: QuoteSpan, sp: QuoteSpan) -> bool:
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
    inner_ends = any(t.text in SENT_END for t in gap[:-1])
    n_cues = sum(is_cue(t) for t in gap)
    if last == ":":
        return False
    if n_cues == 0:
        return not inner_ends and last not in SENT_END and not _direct_end(ctx.text, prev)
    if last not in {".", ","}:
        return False
    return n_cues == 1 or (last == "." and not inner_ends)


def _direct_end(text: str, sp: QuoteSpan) -> bool:
    """The quote closes with sentence punctuation (inside or right after the mark)."""
    inner = text[sp.start : sp.end].rstrip()
    after = text[sp.mark_end : sp.mark_end + 1]
    return bool(inner) and (inner[-1] in ",.?!—–-:;…" or after in {",", ":"})


def _window(ctx: DocContext, group: list[int]) -> tuple[list[Token], list[Token], list[Token]]:
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
        if doc[i].text in SENT_END:
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
        if doc[i].text in SENT_END:
            break
        i += 1
    return left, inner, right


def _attribute(ctx: DocContext, group: list[int]) -> Attribution | None:
    left, inner, right = _window(ctx, group)
    # `"...," according to X` and `"..." -- X` right after the quote are unambiguous
    words = [t for t in right if not t.is_punct]
    att = _dash(ctx, right) or _dash(ctx, _next_paragraph(ctx, group, right))
    if att is None and words and words[0].lower_ == "according":
        att = according_to(ctx, words[:2])
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


def _previous_sentence(ctx: DocContext, group: list[int]) -> Attribution | None:
    """`Bystrom agreed. "Mainstream Republicans are ..."`: a quote that makes up
    its own sentence with no attribution of its own is credited to the subject
    of the sentence just before it in the paragraph."""
    first = ctx.spans[group[0]]
    i = ctx.token_at(first.mark_start) - 1
    while i >= 0 and ctx.doc[i].is_space:
        i -= 1
    if i < 0 or ctx.para_of[i] != first.para or ctx.doc[i].text not in SENT_END:
        return None
    toks: list[Token] = []
    while i >= 0 and ctx.para_of[i] == first.para:
        if ctx.in_quote(ctx.doc[i]):
            return None  # an earlier quote: the statement continues it, if anything
        if ctx.doc[i].text in SENT_END and toks:
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
        subj = valid_subject(ctx, root, subj, root)
        if subj is None or subj.lower_ == "it" or not (is_cue(root) or person_like(subj)):
            continue
        att = make_attribution(ctx, root, subj)
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
        cue = next((t for t in after if is_cue(t)), None)
        if cue is None:
            continue
        between = [t for t in after if t.i < cue.i]
        subj = {c.i for s in cue.children if s.dep_ in SUBJ_DEPS for c in s.subtree}
        if all(t.i in subj for t in between):
            return right[k:]
    return []


def _open_cue(ctx: DocContext, right: list[Token], sp: QuoteSpan) -> Attribution | None:
    """`"Go home," Trump barked.` and `"Why?" reacted Trump.`: right after a quote
    that ends in a comma, question or exclamation mark, a clause of only a subject
    and an intransitive verb is the attribution, whatever the verb."""
    if right and right[0].text in DASHES:
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
    att = make_attribution(ctx, verb, subj)
    att.source = "open"
    return att


def _tight(right: list[Token], ends_sentence: bool) -> bool:
    """The words after a quote are its attribution (`he said`, `said Mr. X`),
    not a new sentence that reports something else (`He said the plan ...`)."""
    words = [t for t in right if not t.is_punct]
    if words and is_cue(words[0]):
        return True  # inverted: `said Mr. X, ...`
    cues = [t for t in words[:8] if is_cue(t)]
    if not cues:
        return False
    if any(c.dep_ in {"ccomp", "xcomp"} and c.i > cues[0].i for c in cues[0].children):
        return False
    return not ends_sentence or len(words) <= 15


def _quote_anchor(ctx: DocContext, group: list[int]) -> Token | None:
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


def _paragraph_tokens(ctx: DocContext, para: int, start: int, step: int) -> list[Token]:
    """Tokens of one paragraph walking from `start` by `step`."""
    toks: list[Token] = []
    i = start
    while 0 <= i < len(ctx.doc) and ctx.para_of[i] == para:
        toks.append(ctx.doc[i])
        i += step
    return toks if step > 0 else toks[::-1]


def _intro(ctx: DocContext, group: list[int], left: list[Token]) -> list[Token]:
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
        (k for k, t in enumerate(toks[:-1]) if t.text in SENT_END or ctx.in_quote(t)), default=-1
    )
    return toks[cut + 1 :]


def _next_paragraph(ctx: DocContext, group: list[int], right: list[Token]) -> list[Token]:
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
    ctx: DocContext,
    toks: list[Token],
    nearest_last: bool,
    anchor: Token | None,
    governing_only: bool = False,
) -> Attribution | None:
    side_after = not nearest_last
    if not toks:
        return None
    att = according_to(ctx, toks)
    if att is not None:
        return att
    cues = [t for t in toks if is_cue(t)]
    if nearest_last:
        cues.reverse()
    # a cue that governs the quote beats a nearer one in a subordinate clause
    # (`Cruz said Rubio will continue to be "..."`): take the highest governing cue
    path = _governors(anchor)
    governing = sorted((c for c in cues if c.i in path), key=lambda c: -path[c.i])
    if governing_only:
        cues = governing
    for cue in governing + [c for c in cues if c.i not in path]:
        subj = subject_of(ctx, cue) or _adjacent_name(ctx, cue, toks, side_after)
        if subj is not None:
            # report the cue nearest the quote that has the same speaker
            # (`Ghasemi reiterated ..., saying, "..."` -> "saying")
            lower = [
                c
                for c in governing
                if path[c.i] < path.get(cue.i, -1) and subject_of(ctx, c) == subj
            ]
            nearest = min(lower, key=lambda c: path[c.i]) if lower else cue
            return make_attribution(ctx, nearest, subj)
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


def _adjacent_name(
    ctx: DocContext, cue: Token, toks: list[Token], after_quote: bool
) -> Token | None:
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
        and not is_time(doc[i])
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


def _dash(ctx: DocContext, toks: list[Token]) -> Attribution | None:
    """`"..." -- Karen Smith`: a dash then a name credits the quote.  The dash may
    be glued to the closing mark in one token (`”― Pamela Padilla`)."""
    if not toks:
        return None
    first = toks[0]
    glued = (
        first.i > 0
        and first.idx > 0
        and ctx.doc[first.i - 1].text[-1:] in DASH_CHARS
        and ctx.in_quote(ctx.doc[first.i - 1])
    )
    if not glued and (len(toks) < 2 or first.text not in DASHES):
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
    return Attribution(
        ctx.text[start : dash.idx + len(dash)],
        start,
        dash.idx + len(dash),
        mention_tokens(ctx, head),
        head,
    )


def _colon(ctx: DocContext, toks: list[Token]) -> Attribution | None:
    """`Bush: "..."` or `He listed the reasons: "..."` -- the subject of the
    clause before the colon, or failing that the noun phrase before it.  A dash
    sets off the label: `Polls were early - Philip Bump: "..."` -> Philip Bump."""
    colon = toks[-1]
    dashes = [
        k
        for k, t in enumerate(toks[:-1])
        if t.text in DASHES and t.whitespace_ and t.i > 0 and t.doc[t.i - 1].whitespace_
    ]
    if dashes and len(toks) - dashes[-1] > 2:
        toks = toks[dashes[-1] + 1 :]
    inside = {t.i for t in toks}

    def mention(head: Token) -> list[Token]:
        return [t for t in mention_tokens(ctx, head) if t.i in inside] or [head]

    roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    for root in roots:
        subj = next((c for c in root.children if c.dep_ in SUBJ_DEPS and c.i in inside), None)
        if subj is not None and subj.lower_ not in {"it", "there", "this", "that", "what"}:
            return Attribution(":", colon.idx, colon.idx + 1, mention(subj), subj)
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
    return Attribution(":", colon.idx, colon.idx + 1, mention(head), head)


# --------------------------------------------------------------------------- statement filter

_WORD = re.compile(r"[A-Za-z0-9’']+")


def _is_statement(ctx: DocContext, group: list[int], att: Attribution | None) -> bool:
    text = ctx.text
    quote = " ".join(text[ctx.spans[i].start : ctx.spans[i].end] for i in group)
    words = _WORD.findall(quote)
    if not words:
        return False
    if att is not None:
        return not _is_title(ctx, group, words) or len(group) > 1
    # no attribution: only whole quoted sentences count
    return _is_sentence_quote(ctx, group) and len(words) >= 4


def _is_title(ctx: DocContext, group: list[int], words: list[str]) -> bool:
    """Short title-cased quotes are names of works, shows or slogans."""
    if len(words) > 8:
        return False
    minor = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "at", "by", "with", "is"}
    caps = [w for w in words if w.lower() not in minor]
    return bool(caps) and all(w[0].isupper() or w[0].isdigit() for w in caps) and len(words) > 1


def _is_sentence_quote(ctx: DocContext, group: list[int]) -> bool:
    """The quote opens its sentence (paragraph start, after . : or a dash)."""
    text = ctx.text
    first = ctx.spans[group[0]]
    before = text[para_start(text, first.mark_start) : first.mark_start].rstrip()
    return not before or before[-1] in ".:!?—–-"


# --------------------------------------------------------------------------- entry points


def find_quotes(doc: Doc) -> list[Statement]:
    """The quoted statements of a doc (direct and partial), on their own."""
    from extract.actors import doc_info

    # doc.text is rebuilt from the tokens on each access: read it once, through the per-doc
    # lookups the wirehouse_rows pipe (next in the pipeline) reuses for this doc.
    text = doc_info(doc).text
    spans = find_quote_spans(text)
    if not spans:
        return []
    ctx = DocContext(doc, spans, text)
    persons = person_mentions(doc)
    return quotes_in(ctx, persons, genders_of(doc, persons))


def quotes_in(
    ctx: DocContext, persons: list[Person], genders: dict[str, str]
) -> list[Statement]:
    """Quoted statements from the quote spans of `ctx`, speakers resolved against `persons`."""
    if not ctx.spans:
        return []
    out: list[Statement] = []
    last: tuple[list[int], Attribution] | None = None  # the last statement and its attribution
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


def _carries_over(ctx: DocContext, prev: list[int], group: list[int]) -> bool:
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
    if para_start(ctx.text, first.mark_start) != first.mark_start:
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
    return not any(t.text in SENT_END for t in tail[:-1])


def _statement(
    ctx: DocContext,
    group: list[int],
    att: Attribution | None,
    persons: list[Person],
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
        resolve_speaker(ctx, att, persons, genders),
        sent,
        kind,
        parts,
    )


def _is_direct(ctx: DocContext, group: list[int]) -> bool:
    """Whole sentences quoted: the quote opens its sentence, or follows a comma
    with a capital (`He said, "We ..."`)."""
    if _is_sentence_quote(ctx, group):
        return True
    first = ctx.spans[group[0]]
    before = ctx.text[max(0, first.mark_start - 20) : first.mark_start].rstrip()
    return ctx.text[first.start : first.start + 1].isupper() and before.endswith(",")
