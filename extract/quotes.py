"""Statements: every attribution in an article, quoted or reported.

The entry point of statement extraction and its spaCy component.  The work is split by
what it reads:

- `extract/quote_marks.py`: quotation marks on the raw text, per-doc token lookups;
- `extract/quote_attribution.py`: quoted statements (direct, partial) and their cue;
- `extract/reported_speech.py`: reported statements (indirect, mixed) from the parse;
- `extract/speech_cues.py`: the cue lexicon (reporting verbs, verbs of thought, nouns);
- `extract/speakers.py`: the speaker mention and its resolution to a name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from extract.quote_attribution import find_quotes, quotes_in
from extract.quote_marks import DocContext, find_quote_spans
from extract.reported_speech import Reported, find_reported
from extract.speakers import Person, genders_of, person_mentions, resolve_speaker
from extract.speech_cues import CUE_LEMMAS
from extract.statement import REQUIRED_PIPES, Statement

# A reported clause with fewer words than this outside its quotation marks (`X said
# "..."`, `X said that "..."`) is the quote itself: the quote finder's statement stands.
_MIXED_WORDS = 2


def find_statements(doc: Doc) -> list[Statement]:
    """Every statement of the doc, quoted and reported, in text order."""
    from extract.actors import doc_info

    # doc.text is rebuilt from the tokens on each access: read it once, through the per-doc
    # lookups the wirehouse_rows pipe (next in the pipeline) reuses for this doc.
    info = doc_info(doc)
    text = info.text
    ctx = DocContext(doc, find_quote_spans(text), text, info.idx)
    reported = find_reported(ctx)
    if not ctx.spans and not reported:
        return []
    persons = person_mentions(doc)
    genders = genders_of(doc, persons)
    quotes = quotes_in(ctx, persons, genders)
    return _merge(ctx, quotes, reported, persons, genders)


def _merge(
    ctx: DocContext,
    quotes: list[Statement],
    reported: list[Reported],
    persons: list[Person],
    genders: dict[str, str],
) -> list[Statement]:
    """Quotes and reported statements as one list: a reported clause that is all quote
    is left to the quote; one holding a quoted fragment is one `mixed` statement that
    replaces the partial quotes inside it."""
    out: list[Statement] = []
    absorbed: set[int] = set()
    seen: set[tuple[int, int]] = set()
    # innermost clauses first: a quote belongs to the smallest clause that holds it
    # (`the ministry insisted that ... "strong" ..., AFP reported`: the ministry's)
    reported = sorted(reported, key=lambda r: r.content_end - r.content_start)
    contents = [(r.content_start, r.content_end) for r in reported] + [
        (q.content_start, q.content_end) for q in quotes
    ]
    for rep in reported:
        key = (rep.content_start, rep.content_end)
        if key in seen or _nested_attitude(rep, contents):
            continue
        quoted = sum(
            max(0, min(sp.end, rep.content_end) - max(sp.start, rep.content_start))
            for sp in ctx.spans
        )
        if quoted and _unquoted_words(ctx, rep) < _MIXED_WORDS:
            continue
        overlapping = [
            k for k, q in enumerate(quotes)
            if q.content_start < rep.content_end and rep.content_start < q.content_end
            and k not in absorbed  # a fragment an inner clause took (nested attribution)
        ]
        inside = [
            k for k in overlapping
            if rep.content_start <= quotes[k].content_start
            and _ends_within(ctx, quotes[k].content_end, rep.content_end)
            and quotes[k].kind == "partial"
            and k not in absorbed
        ]
        if any(
            q.cue_start == rep.attribution.cue_start and k not in inside and k not in absorbed
            and (k in overlapping or not _has_clause(ctx, rep))
            for k, q in enumerate(quotes)
        ):
            continue  # the cue is a quote's (`"...," he said`): its clause is the quote
        if len(inside) < len(overlapping):
            # the clause cuts through a quote or holds whole quoted sentences: a misparse
            # more often than not; the quote's own reading stands
            continue
        absorbed.update(inside)
        seen.add(key)
        st = _reported_statement(ctx, rep, "mixed" if inside else "indirect", persons, genders)
        if inside and quotes[inside[0]].speaker_start is not None:
            # the quote finder's speaker rules are tuned on quoted fragments: keep its speaker
            q = quotes[inside[0]]
            st = dataclasses.replace(
                st, speaker_start=q.speaker_start, speaker_end=q.speaker_end,
                speaker_text=q.speaker_text, speaker_name=q.speaker_name,
            )
        out.append(st)
    out += [q for k, q in enumerate(quotes) if k not in absorbed]
    return sorted(out, key=lambda s: (s.content_start, s.content_end))


def _ends_within(ctx: DocContext, quote_end: int, clause_end: int) -> bool:
    """The quote ends inside the clause, or past it by punctuation only (`his boss was
    "kind and generous."`: the clause stops before the period the quote holds)."""
    return quote_end <= clause_end or not ctx.text[clause_end:quote_end].strip(
        ".,;:!?\"'”’ "
    )


def _nested_attitude(rep: Reported, contents: list[tuple[int, int]]) -> bool:
    """A thought, intention or stance inside what someone else is reported to have said
    (`X said he wants to leave`, `Y, X said, supports the plan`) is part of that
    statement, not a second one; a speech verb inside it is a nested attribution of its
    own (`the ministry insisted that ..., AFP reported`)."""
    if rep.cue_token.lemma_.lower() in CUE_LEMMAS or rep.cue_token.lower_ == "according":
        return False
    cue = rep.attribution.cue_start
    if cue is None:
        return False
    own = (rep.content_start, rep.content_end)
    return any(start <= cue < end and (start, end) != own for start, end in contents)


def _has_clause(ctx: DocContext, rep: Reported) -> bool:
    """The content is a clause with its own subject (`said he saw no need ...`), not an
    addressee or a phrase (`told reporters`)."""
    i = ctx.token_at(rep.content_start)
    doc = ctx.doc
    while i < len(doc) and doc[i].idx < rep.content_end:
        head = doc[i].head
        if (
            doc[i].dep_ in {"nsubj", "nsubjpass"} and head.i != rep.cue_token.i
            and rep.content_start <= head.idx < rep.content_end
        ):
            return True
        i += 1
    return False


def _unquoted_words(ctx: DocContext, rep: Reported) -> int:
    n = 0
    i = ctx.token_at(rep.content_start)
    doc = ctx.doc
    while i < len(doc) and doc[i].idx < rep.content_end:
        tok = doc[i]
        if not ctx.in_quote(tok) and not tok.is_punct and not tok.is_space and tok.lower_ != "that":
            n += 1
        i += 1
    return n


def _reported_statement(
    ctx: DocContext, rep: Reported, kind: str, persons: list[Person], genders: dict[str, str]
) -> Statement:
    att = rep.attribution
    speaker = att.speaker
    sp_start = speaker[0].idx if speaker else None
    sp_end = speaker[-1].idx + len(speaker[-1]) if speaker else None
    cue, cue_start = att.cue, att.cue_start
    if rep.cue_shown is not None and cue_start is not None and rep.cue_shown < cue_start:
        cue_start = rep.cue_shown  # `needs to release`: written with the governing verb
        cue = ctx.text[cue_start : att.cue_end]
    return Statement(
        rep.content_start,
        rep.content_end,
        ctx.text[rep.content_start : rep.content_end],
        cue,
        cue_start,
        att.cue_end,
        sp_start,
        sp_end,
        ctx.text[sp_start:sp_end] if sp_start is not None else None,
        resolve_speaker(ctx, att, persons, genders) if att.head is not None else None,
        ctx.sentence_index(rep.cue_token.i),
        kind,
        ((rep.content_start, rep.content_end),),
    )


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
    "find_quotes",
    "find_statements",
    "make_quotes_component",
]
