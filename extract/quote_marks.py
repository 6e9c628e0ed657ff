"""Quotation marks on the raw text, and the per-doc lookups built from them.

The marks are found on the raw text (they are unambiguous there and spaCy's tokenizer is
not); `DocContext` maps every token to its paragraph and to the quote that covers it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.attrs import IDX, LEMMA, LENGTH
from spacy.tokens import Doc, Token

# Double quotation marks; NYT text writes both ends as '' (and sometimes opens with ``).
_DOUBLE = re.compile(r"``|''|[\"“”„«»]")
_SINGLE = re.compile(r"(?<![A-Za-z0-9])['‘]|['’](?![A-Za-z0-9])")
_OPENERS = {"“", "„", "«", "``", "‘"}
_CLOSERS = {"”", "»", "’"}
_TAG = re.compile(r"<[^<>\n]{0,400}>")  # markup such as <tweet author="...">
PARA = re.compile(r"[^\n]+")


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
    for para, pm in enumerate(PARA.finditer(text)):
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


def para_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


# --------------------------------------------------------------------------- doc helpers


class DocContext:
    """Per-doc lookups shared by the attribution and resolution steps.

    Built from plain integer lists (token offsets, sentence starts) rather than by walking
    ``Token`` objects: spaCy makes a new ``Token`` on every ``doc[i]``, and this context is
    built for every article, quoted or not.
    """

    def __init__(self, doc: Doc, spans: list[QuoteSpan], text: str, idx: list[int] | None = None):
        self.doc = doc
        self.text = text  # Doc.text is rebuilt from the tokens on every access: read it once
        self.spans = spans
        self.idx = idx if idx is not None else doc.to_array(IDX).tolist()
        self.ends = [i + n for i, n in zip(self.idx, doc.to_array(LENGTH).tolist(), strict=True)]
        para_starts = [m.start() for m in PARA.finditer(self.text)] or [0]
        self.para_of = [max(0, bisect_right(para_starts, i) - 1) for i in self.idx]
        # index of the quote span covering each token (marks included), -1 outside quotes
        self.quote_of = [-1] * len(doc)
        for qi, sp in enumerate(spans):
            first, last = bisect_left(self.idx, sp.mark_start), bisect_left(self.idx, sp.mark_end)
            self.quote_of[first:last] = [qi] * (last - first)
        self.sent_starts = [s.start for s in doc.sents]
        self._lemmas: dict[str, list[int]] | None = None

    def lemma_positions(self, lemma: str) -> list[int]:
        """Indices of the tokens whose lowercased lemma is `lemma`, in order (built on
        first use, one string lookup per distinct lemma)."""
        if self._lemmas is None:
            by_hash: dict[int, list[int]] = {}
            for i, h in enumerate(self.doc.to_array(LEMMA).tolist()):
                by_hash.setdefault(h, []).append(i)
            strings = self.doc.vocab.strings
            self._lemmas = {}
            for h, positions in by_hash.items():
                self._lemmas.setdefault(strings[h].lower(), []).extend(positions)
            for positions in self._lemmas.values():
                positions.sort()
        return self._lemmas.get(lemma, [])

    def in_quote(self, tok: Token) -> bool:
        return self.quote_of[tok.i] >= 0

    def token_at(self, char: int) -> int:
        """Index of the token containing (or first after) a char offset."""
        if not self.idx:
            return 0
        k = bisect_right(self.idx, char) - 1
        if k >= 0 and char < self.ends[k]:
            return k
        return min(k + 1, len(self.idx) - 1)

    def sentence_index(self, tok_i: int) -> int:
        return max(0, bisect_right(self.sent_starts, tok_i) - 1)


SENT_END = frozenset({".", "!", "?", "...", "…"})
DASHES = frozenset({"-", "--", "—", "―", "–"})
DASH_CHARS = "-—―–"
