"""The statement record every finder returns (quotes and reported speech alike)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
