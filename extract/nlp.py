"""The spaCy side: load the pipeline once and turn streamed docs into Arrow tables.

Only the pipes the facts need are loaded. Docs are streamed with ``nlp.pipe(as_tuples=True)``
and flattened to columns as they come, so memory follows the batch, not the archive.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyarrow as pa
from spacy.language import Language
from spacy.tokens import Doc

from extract import tables

if not Doc.has_extension("wirehouse_rows"):
    Doc.set_extension("wirehouse_rows", default=None)

log = logging.getLogger(__name__)

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
# Pipes of en_core_web_sm no fact uses.
UNUSED_PIPES = ("senter",)


def _has_quotes() -> bool:
    return importlib.util.find_spec("extract.quotes") is not None


@lru_cache(maxsize=4)
def load_pipeline(model: str, statements: bool = True) -> Language:
    """Load ``model`` with the Wirehouse components added (cached per process)."""
    import spacy

    nlp = spacy.load(model, exclude=list(UNUSED_PIPES))
    if statements and _has_quotes():
        from extract import quotes  # noqa: F401  (registers the factory)

        nlp.add_pipe("wirehouse_quotes", last=True)
    nlp.add_pipe("wirehouse_rows", last=True)
    return nlp


@dataclass
class Columns:
    """Column buffers for one raw table, turned into Arrow once per batch."""

    schema: pa.Schema
    data: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data = {name: [] for name in self.schema.names}

    def append(self, **row: Any) -> None:
        for name in self.schema.names:
            self.data[name].append(row.get(name))

    def to_arrow(self) -> pa.Table:
        return pa.Table.from_pydict(self.data, schema=self.schema)


def canonical_names(doc: Doc) -> dict[int, str]:
    """Map each PERSON entity (by start char) to the fullest name used for it so far.

    A later "Netanyahu" becomes "Binyamin Netanyahu" when that full name came earlier.
    """
    full_names: dict[str, str] = {}
    result: dict[int, str] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        name = ent.text.removesuffix("'s").removesuffix("’s").strip()
        parts = name.split()
        if len(parts) > 1:
            full_names.setdefault(parts[-1], name)
            result[ent.start_char] = name
        else:
            result[ent.start_char] = full_names.get(name, name)
    return result


def rows_for_doc(doc: Doc) -> dict[str, list[dict[str, Any]]]:
    """Plain rows (no article id yet) for every per-article raw table of one doc."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in tables.ARTICLE_TABLES}
    sentence_of: dict[int, int] = {}
    for index, sent in enumerate(doc.sents):
        rows["sentences"].append(
            {"sentence_index": index, "start_char": sent.start_char,
             "end_char": sent.end_char, "text": sent.text}
        )
        for token in sent:
            sentence_of[token.i] = index
    canonical = canonical_names(doc)
    actor_ents = [ent for ent in doc.ents if ent.label_ in ACTOR_LABELS]
    for index, ent in enumerate(actor_ents):
        rows["entity_mentions"].append(
            {
                "mention_index": index,
                "sentence_index": sentence_of.get(ent.start, 0),
                "label": ent.label_,
                "text": ent.text,
                "start_char": ent.start_char,
                "end_char": ent.end_char,
                "canonical_name": canonical.get(ent.start_char, ent.text),
            }
        )
    statements = doc._.statements if Doc.has_extension("statements") else None
    for index, st in enumerate(statements or []):
        rows["statements"].append(
            {
                "statement_index": index,
                "sentence_index": st.sentence_index,
                "content_start": st.content_start,
                "content_end": st.content_end,
                "quote_text": st.quote_text,
                "cue": st.cue,
                "cue_start": st.cue_start,
                "cue_end": st.cue_end,
                "speaker_start": st.speaker_start,
                "speaker_end": st.speaker_end,
                "speaker_text": st.speaker_text,
                "speaker_name": st.speaker_name,
                "kind": st.kind,
            }
        )
    return rows


@Language.factory("wirehouse_rows")
def make_rows_component(nlp: Language, name: str):
    """Last pipe: flatten a doc to plain rows inside the worker process.

    With ``n_process > 1`` docs travel back to the main process as msgpack; plain rows do,
    rich objects (statements) do not, and building rows in the workers uses both cores.
    """

    def component(doc: Doc) -> Doc:
        doc._.wirehouse_rows = rows_for_doc(doc)
        if Doc.has_extension("statements"):
            doc._.statements = None
        return doc

    return component


def annotate(
    items: Iterable[tuple[str, str]],
    nlp: Language,
    *,
    n_process: int = 1,
    batch_size: int = 32,
) -> Iterator[dict[str, pa.Table]]:
    """Run spaCy over ``(text, article_id)`` pairs; yield Arrow tables per batch of docs."""
    out = {name: Columns(schema) for name, schema in tables.ARTICLE_TABLES.items()}
    pending = 0
    for doc, article_id in nlp.pipe(
        items, as_tuples=True, n_process=n_process, batch_size=batch_size
    ):
        for name, rows in doc._.wirehouse_rows.items():
            for row in rows:
                out[name].append(article_id=article_id, **row)
        pending += 1
        if pending >= batch_size * 8:
            yield {name: cols.to_arrow() for name, cols in out.items()}
            out = {name: Columns(schema) for name, schema in tables.ARTICLE_TABLES.items()}
            pending = 0
    if pending:
        yield {name: cols.to_arrow() for name, cols in out.items()}


def annotate_all(
    items: Iterable[tuple[str, str]], nlp: Language, **kwargs: Any
) -> dict[str, pa.Table]:
    parts: dict[str, list[pa.Table]] = {name: [] for name in tables.ARTICLE_TABLES}
    for batch in annotate(items, nlp, **kwargs):
        for name, table in batch.items():
            parts[name].append(table)
    return {
        name: pa.concat_tables(chunks) if chunks else tables.empty(tables.ARTICLE_TABLES[name])
        for name, chunks in parts.items()
    }
