"""Long texts in sections: bounded memory, offsets exact into the whole article.

spaCy's memory grows with the length of a doc (about +330 MB for a 100,000-character doc
with ``en_core_web_sm``), so a text longer than ``SECTION_CHARS`` is not parsed as one doc:
it is cut into sections of at most ``SECTION_CHARS`` characters, each parsed as its own doc
(one at a time), and the rows are shifted back into the whole article. Texts up to
``SECTION_CHARS`` (every news article) are one section: their rows are exactly those of a
whole-doc parse.

Where a section ends (the last fitting break of the first kind found, searched in the second
half of the window):

1. a *safe* paragraph break (a line end, the quote finder's paragraph): the next line holds
   no quotation mark and does not start with a dash, and the line before does not end with
   ``:`` -- so no statement (a quote left open and continued in the next paragraph, a
   ``He said:`` before a quote paragraph, a ``- Name.`` attribution line) spans it;
2. any paragraph break;
3. sentence punctuation (``.``, ``!``, ``?``, closing quotes or brackets, then whitespace);
4. whitespace; 5. otherwise a hard cut at the window's end (a 25,000-character "word").

Spans across a boundary. Every section after the first is parsed with a *lead-in*: up to
``LEAD_CHARS`` of the text before it (from a line start when one is there), as context
only. Rows are kept by the section whose own part holds their anchor (a sentence's or
mention's start, a statement's content start, a verb): nothing is counted twice, and a
statement or event in a section's first lines still sees the sentence before it (``He
said:``, the antecedent of ``he``), whose offsets point back into the previous section.
Sentence indexes are the article's (a lead-in sentence is found by its start); an event whose
actor is a lead-in cue links to that cue's row in the article when one has the same span,
else it has no cue index. Canonical person names carry over: a one-word PERSON name not
resolved inside its section takes the first full name with that last word earlier in the
article. What does not cross sections: the actor rules' article-wide look-ups (a person's
country from another mention of the same name) see one section and its lead-in.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from extract import tables

SECTION_CHARS = 50_000  # longest doc parsed at once (~+170 MB for en_core_web_sm)
LEAD_CHARS = 2_000  # context parsed before a section, its rows dropped

_QUOTE_MARK = re.compile(r"``|''|[\"“”„«»]")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")

# Row anchor per table: the section whose own part holds it keeps the row.
_ANCHOR = {
    "sentences": "start_char",
    "entity_mentions": "start_char",
    "statements": "content_start",
    "actor_cues": "start_char",
    "event_spans": "verb_start",
    "tones": "start_char",
}
# Columns that are character offsets into the text: shifted by the section's start.
_OFFSETS = {
    name: tuple(c for c in schema.names if c in ("start_char", "end_char")
                or (c.endswith(("_start", "_end")) and c != "sentence_index"))
    for name, schema in tables.ARTICLE_TABLES.items()
}


@dataclass(frozen=True)
class Section:
    start: int  # the doc starts here (lead-in included)
    own_start: int  # rows anchored before this belong to an earlier section
    end: int


def _safe_break(text: str, nl: int) -> bool:
    """Is the line end at ``nl`` a boundary no statement crosses (see the module doc)?"""
    before = text[text.rfind("\n", 0, nl) + 1: nl].rstrip()
    after_end = text.find("\n", nl + 1)
    after = text[nl + 1: after_end if after_end >= 0 else len(text)].lstrip()
    return (not before.endswith(":") and not after.startswith(("-", "–", "—"))
            and _QUOTE_MARK.search(after) is None)


def _cut(text: str, lo: int, hi: int) -> int:
    """Where a section whose window is text[.., hi) ends (> lo), by the rules above."""
    nl = text.rfind("\n", lo, hi)
    first_nl = nl
    while nl > lo:
        if _safe_break(text, nl):
            return nl
        nl = text.rfind("\n", lo, nl)
    if first_nl > lo:
        return first_nl
    last = None
    for match in _SENTENCE_END.finditer(text, lo, hi):
        last = match
    if last is not None:
        return last.end()
    for match in _SPACE.finditer(text, lo, hi):
        last = match
    if last is not None:
        return last.start()
    return hi


def _lead_start(text: str, own_start: int, lead: int) -> int:
    """Start of the lead-in of a section starting at ``own_start``: a line start, else a
    sentence start, else a word start, at most ``lead`` characters back."""
    lo = max(0, own_start - lead)
    nl = text.find("\n", lo, own_start)
    if nl >= 0:
        return _skip_space(text, nl, own_start)
    match = _SENTENCE_END.search(text, lo, own_start)
    if match is not None:
        return match.end()
    match = _SPACE.search(text, lo, own_start)
    return _skip_space(text, match.start(), own_start) if match is not None else own_start


def _skip_space(text: str, pos: int, limit: int) -> int:
    while pos < limit and text[pos].isspace():
        pos += 1
    return pos


def split_sections(text: str, size: int = SECTION_CHARS, lead: int = LEAD_CHARS
                   ) -> list[Section]:
    """Sections covering every non-space character of ``text`` once (own parts)."""
    if len(text) <= size:
        return [Section(0, 0, len(text))]
    out: list[Section] = []
    own_start = 0
    while own_start < len(text):
        start = _lead_start(text, own_start, lead) if out else own_start
        hi = start + size
        if hi >= len(text):
            end = len(text)
        else:
            end = _cut(text, max(own_start, start + size // 2), hi)
        # The whitespace after the cut stays with this section: a whole-doc parse attaches
        # a line end to the sentence before it, and so does this one.
        end = _skip_space(text, end, len(text))
        out.append(Section(start, own_start, end))
        own_start = end
    return out


class _Merger:
    """Rows of consecutive sections of one article, re-anchored into the whole text."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {n: [] for n in tables.ARTICLE_TABLES}
        self.sentence_starts: list[int] = []
        self.cue_by_span: dict[tuple[int, int], int] = {}
        self.full_names: dict[str, str] = {}

    def add(self, section: Section, rows: dict[str, list[dict[str, Any]]]) -> None:
        shift = section.start
        kept: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for name, table_rows in rows.items():
            offsets = _OFFSETS[name]
            kept[name] = []
            for local_index, row in enumerate(table_rows):
                row = dict(row)
                for column in offsets:
                    if row.get(column) is not None:
                        row[column] += shift
                if row[_ANCHOR[name]] >= section.own_start:
                    kept[name].append((local_index, row))
        # Sentences first: every other row's sentence index is the article's.
        for _, row in kept["sentences"]:
            row["sentence_index"] = len(self.sentence_starts)
            self.sentence_starts.append(row["start_char"])
            self.rows["sentences"].append(row)
        local_sentence = [self._sentence_at(r["start_char"] + shift) for r in rows["sentences"]]

        def sentence(local: int) -> int:
            return local_sentence[local] if 0 <= local < len(local_sentence) else 0

        for name in ("entity_mentions", "statements", "actor_cues", "event_spans"):
            for _, row in kept[name]:
                row["sentence_index"] = sentence(row["sentence_index"])
        self._renumber("entity_mentions", "mention_index", kept)
        statement_of = self._renumber("statements", "statement_index", kept)
        cue_of = self._renumber("actor_cues", "cue_index", kept)
        for _, row in kept["actor_cues"]:
            self.cue_by_span[(row["start_char"], row["end_char"])] = row["cue_index"]
        local_cues = rows["actor_cues"]
        for _, row in kept["event_spans"]:
            for side in ("source", "target"):
                local = row[f"{side}_cue_index"]
                if local is None:
                    continue
                if local in cue_of:
                    row[f"{side}_cue_index"] = cue_of[local]
                else:  # a lead-in cue: the article's row of the same span, if any
                    cue = local_cues[local]
                    row[f"{side}_cue_index"] = self.cue_by_span.get(
                        (cue["start_char"] + shift, cue["end_char"] + shift))
        self._renumber("event_spans", "event_index", kept)
        for _, row in kept["tones"]:
            if row["span_kind"] == "statement":
                row["span_index"] = statement_of.get(row["span_index"], row["span_index"])
            else:
                row["span_index"] = sentence(row["span_index"])
            self.rows["tones"].append(row)
        self._carry_names(kept)

    def _sentence_at(self, start: int) -> int:
        return max(0, bisect_right(self.sentence_starts, start) - 1)

    def _renumber(self, name: str, column: str,
                  kept: dict[str, list[tuple[int, dict[str, Any]]]]) -> dict[int, int]:
        mapping: dict[int, int] = {}
        out = self.rows[name]
        for _, row in kept[name]:
            mapping[row[column]] = len(out)
            row[column] = len(out)
            out.append(row)
        return mapping

    def _carry_names(self, kept: dict[str, list[tuple[int, dict[str, Any]]]]) -> None:
        """One-word PERSON names take the first earlier full name with that last word."""
        persons = sorted(
            [(row["start_char"], "canonical_name", row)
             for name in ("entity_mentions", "actor_cues") for _, row in kept[name]
             if row["label"] == "PERSON" and row.get("canonical_name")]
            + [(row["speaker_start"], "speaker_name", row) for _, row in kept["statements"]
               if row.get("speaker_name") and row.get("speaker_start") is not None],
            key=lambda item: item[0],
        )
        carried = dict(self.full_names)
        for _, column, row in persons:
            parts = row[column].split()
            if len(parts) > 1:
                self.full_names.setdefault(parts[-1], row[column])
            elif row[column] in carried:
                row[column] = carried[row[column]]


def article_rows(nlp: Language, text: str, size: int = SECTION_CHARS,
                 lead: int = LEAD_CHARS) -> dict[str, list[dict[str, Any]]]:
    """Rows of one long text, parsed section by section (one section doc at a time)."""
    merger = _Merger()
    sections = split_sections(text, size, lead)
    docs = nlp.pipe(((text[s.start:s.end], s) for s in sections), as_tuples=True,
                    batch_size=1)
    for doc, section in docs:
        merger.add(section, doc._.wirehouse_rows)
    return merger.rows


def doc_rows(nlp: Language, items: Iterable[tuple[str, str]], batch_size: int,
             n_process: int = 1) -> Iterator[tuple[str, dict[str, list[dict[str, Any]]]]]:
    """``(article_id, rows)`` for ``(text, article_id)`` pairs: texts up to
    ``SECTION_CHARS`` stream through ``nlp.pipe`` as whole docs, longer ones come after them,
    in sections."""
    long_items: list[tuple[str, str]] = []

    def short() -> Iterator[tuple[str, str]]:
        for item in items:
            if len(item[0]) > SECTION_CHARS:
                long_items.append(item)
            else:
                yield item

    for doc, article_id in nlp.pipe(short(), as_tuples=True, batch_size=batch_size,
                                    n_process=n_process):
        yield article_id, doc._.wirehouse_rows
    for text, article_id in long_items:
        yield article_id, article_rows(nlp, text)
