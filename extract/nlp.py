"""The spaCy side: load the pipeline once and turn streamed docs into Arrow tables.

Only the pipes the facts need are loaded; the packaged attribute_ruler and lemmatizer run as
one cheaper pass with the same output (``extract/tagging.py``). Docs are streamed with
``nlp.pipe(as_tuples=True)`` and flattened to columns as they come, so memory follows the
batch, not the archive; texts over one section are parsed in sections (``extract/sections.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyarrow as pa
from spacy.language import Language
from spacy.tokens import Doc

from extract import sections, tables

if not Doc.has_extension("wirehouse_rows"):
    Doc.set_extension("wirehouse_rows", default=None)

log = logging.getLogger(__name__)

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
# Pipes of en_core_web_sm no fact uses.
UNUSED_PIPES = ("senter",)
# Docs per nlp.pipe batch and per worker task (tuned on Reuters stories, docs/benchmarks.md).
DEFAULT_BATCH_SIZE = 64


@lru_cache(maxsize=4)
def load_pipeline(model: str, statements: bool = True) -> Language:
    """Load ``model`` with the Wirehouse components added (cached per process)."""
    import spacy

    from extract.actor_names import use_lexicon
    from extract.tagging import replace_tag_pipes

    nlp = spacy.load(model, exclude=list(UNUSED_PIPES))
    use_lexicon(nlp)  # before the lemmatizer is replaced (its tables stay the same)
    # attribute_ruler + lemmatizer as one cheaper pass, same token attributes
    replace_tag_pipes(nlp)
    if statements:
        from extract import quotes  # noqa: F401  (registers the factory)

        nlp.add_pipe("wirehouse_quotes", last=True)
    nlp.add_pipe("wirehouse_rows", last=True)
    # The seeds and VADER's lexicon the rows are built from, read with the model: workers
    # forked from this process share them; each used to read them on its first doc
    # (~0.25 CPU s per worker, twice per night and per bench run with two workers).
    from extract import actors, events

    actors.load_seeds()
    events.load_lexicon()
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


def canonical_names(doc: Doc, ents: Iterable[Any] | None = None) -> dict[int, str]:
    """Map each PERSON entity (by start char) to the fullest name used for it so far.

    A later "Netanyahu" becomes "Binyamin Netanyahu" when that full name came earlier.
    ``ents`` is ``doc.ents`` when the caller has it already (spaCy builds it on each access).
    """
    full_names: dict[str, str] = {}
    result: dict[int, str] = {}
    for ent in doc.ents if ents is None else ents:
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
    from bisect import bisect_right

    from extract import actors, events

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in tables.ARTICLE_TABLES}
    # doc.text, Span.text and doc[i] are rebuilt from the tokens on every access: the text is
    # read once (shared with actors/events) and spans are cut from it by their char offsets.
    info = actors.doc_info(doc)
    text = info.text
    sentence_of = info.sentence_of  # token index -> sentence index, by bisection
    for index, sent in enumerate(doc.sents):
        start_char, end_char = sent.start_char, sent.end_char
        rows["sentences"].append(
            {"sentence_index": index, "start_char": start_char,
             "end_char": end_char, "text": text[start_char:end_char]}
        )
    ents = info.ents
    canonical = canonical_names(doc, ents)
    for index, ent in enumerate(ent for ent in ents if ent.label_ in ACTOR_LABELS):
        start_char, end_char = ent.start_char, ent.end_char
        ent_text = text[start_char:end_char]
        rows["entity_mentions"].append(
            {
                "mention_index": index,
                "sentence_index": sentence_of(ent.start),
                "label": ent.label_,
                "text": ent_text,
                "start_char": start_char,
                "end_char": end_char,
                "canonical_name": canonical.get(start_char, ent_text),
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
        rows["tones"].append(
            {"span_kind": "statement", "span_index": index, "start_char": st.content_start,
             "end_char": st.content_end, "tone": events.tone(st.quote_text)}
        )
    for sentence in rows["sentences"]:
        rows["tones"].append(
            {"span_kind": "sentence", "span_index": sentence["sentence_index"],
             "start_char": sentence["start_char"], "end_char": sentence["end_char"],
             "tone": events.tone(sentence["text"])}
        )
    cues = actors.actor_cues(doc)
    idx = info.idx
    for index, cue in enumerate(cues):
        # A cue starts at a token: its index by bisection, not doc.char_span (a Span each).
        first = bisect_right(idx, cue.start) - 1
        if first < 0 or idx[first] != cue.start:
            span = doc.char_span(cue.start, cue.end, alignment_mode="expand")
            first = span.start if span is not None else -1
        rows["actor_cues"].append(
            {"cue_index": index,
             "sentence_index": sentence_of(first) if first >= 0 else 0,
             "label": cue.label, "text": cue.text, "start_char": cue.start,
             "end_char": cue.end, "canonical_name": cue.canonical,
             "country_cue": cue.country_cue, "country_cue_start": cue.country_cue_start,
             "country_cue_end": cue.country_cue_end, "role": cue.role,
             "role_start": cue.role_start, "role_end": cue.role_end,
             "grammatical_role": cue.grammatical_role, "honorific": cue.honorific}
        )
    for index, ev in enumerate(events.event_spans(doc, cues)):
        rows["event_spans"].append(
            {"event_index": index, "sentence_index": ev.sentence_index,
             "verb_text": ev.verb_text, "verb_start": ev.verb_start, "verb_end": ev.verb_end,
             "lemma": ev.lemma, "negated": ev.negated, "link": ev.link,
             "source_cue_index": ev.source and ev.source.cue_index,
             "source_text": ev.source and ev.source.text,
             "source_start": ev.source and ev.source.start,
             "source_end": ev.source and ev.source.end,
             "target_cue_index": ev.target and ev.target.cue_index,
             "target_text": ev.target and ev.target.text,
             "target_start": ev.target and ev.target.start,
             "target_end": ev.target and ev.target.end,
             "pattern_keys": "|".join(ev.pattern_keys), "mood": ev.mood}
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


def _batch_tables(nlp: Language, items: list[tuple[str, str]], batch_size: int
                  ) -> dict[str, pa.Table]:
    """One batch of ``(text, article_id)`` through spaCy, flattened to Arrow tables."""
    out = {name: Columns(schema) for name, schema in tables.ARTICLE_TABLES.items()}
    for article_id, doc_rows in sections.doc_rows(nlp, items, batch_size):
        for name, rows in doc_rows.items():
            for row in rows:
                out[name].append(article_id=article_id, **row)
    return {name: cols.to_arrow() for name, cols in out.items()}


def _batches(items: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    batch: list[tuple[str, str]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# The pipeline a forked worker uses: set in the parent just before the fork, inherited.
_WORKER_NLP: Language | None = None


def _worker_batch(args: tuple[list[tuple[str, str]], int]) -> dict[str, pa.Table]:
    assert _WORKER_NLP is not None
    return _batch_tables(_WORKER_NLP, *args)


def _annotate_pool(
    batches: Iterator[list[tuple[str, str]]], nlp: Language, n_process: int, batch_size: int
) -> Iterator[dict[str, pa.Table]]:
    """Batches through ``n_process`` forked workers, in order, at most 2 per worker in flight.

    Workers send back Arrow tables (not Docs), so the parent only reads and concatenates and
    both cores run spaCy; the bounded window keeps memory flat however long the input is.
    """
    import multiprocessing as mp
    from collections import deque

    global _WORKER_NLP
    _WORKER_NLP = nlp
    try:
        with mp.get_context("fork").Pool(n_process) as pool:
            pending: deque = deque()
            for batch in batches:
                pending.append(pool.apply_async(_worker_batch, ((batch, batch_size),)))
                if len(pending) >= 2 * n_process:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _WORKER_NLP = None


class ForkedWorkers:
    """``n`` worker processes forked now from this one, sharing its loaded pipeline (no
    interpreter start, import or model load per worker: ~1.5 CPU s each when spawned).
    A caller that runs threads later (a progress bar, dbt's parse) forks before starting
    them; ``submit`` hands a batch to whichever worker is free."""

    def __init__(self, nlp: Language, n: int) -> None:
        import multiprocessing as mp

        global _WORKER_NLP
        _WORKER_NLP = nlp
        try:
            self._pool: Any = mp.get_context("fork").Pool(n)  # forks all n at once
        finally:
            _WORKER_NLP = None  # the children keep their copy

    def submit(self, batch: list[tuple[str, str]], batch_size: int) -> Any:
        """A ``multiprocessing`` ``AsyncResult`` whose ``get()`` is the batch's tables."""
        assert self._pool is not None, "closed"
        return self._pool.apply_async(_worker_batch, ((batch, batch_size),))

    def close(self) -> None:
        """Let the workers go (tasks still queued are dropped: a caller that needs their
        results waits for them first)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.terminate()
            pool.join()


def annotate(
    items: Iterable[tuple[str, str]],
    nlp: Language,
    *,
    n_process: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[dict[str, pa.Table]]:
    """Run spaCy over ``(text, article_id)`` pairs; yield Arrow tables per batch of docs.

    With ``n_process > 1`` the batches go to forked worker processes (where ``fork`` exists;
    elsewhere spaCy's own multiprocessing is used).
    """
    import multiprocessing as mp

    if n_process > 1 and "fork" not in mp.get_all_start_methods():
        out = {name: Columns(schema) for name, schema in tables.ARTICLE_TABLES.items()}
        pending = 0
        for article_id, doc_rows in sections.doc_rows(nlp, items, batch_size, n_process):
            for name, rows in doc_rows.items():
                for row in rows:
                    out[name].append(article_id=article_id, **row)
            pending += 1
            if pending >= batch_size * 8:
                yield {name: cols.to_arrow() for name, cols in out.items()}
                out = {name: Columns(schema) for name, schema in tables.ARTICLE_TABLES.items()}
                pending = 0
        if pending:
            yield {name: cols.to_arrow() for name, cols in out.items()}
        return
    yield from annotate_batches(_batches(items, batch_size), nlp, n_process=n_process,
                                batch_size=batch_size)


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


def annotate_batches(
    batches: Iterable[list[tuple[str, str]]],
    nlp: Language,
    *,
    n_process: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[dict[str, pa.Table]]:
    """Like ``annotate`` for batches the caller cut: one result per batch, in order.

    One worker pool serves every batch, so a caller with several chunks (a run without
    Airflow) forks once and never leaves a worker idle at a chunk's end. Without ``fork``
    the batches run in this process.
    """
    import multiprocessing as mp

    if n_process > 1 and "fork" in mp.get_all_start_methods():
        yield from _annotate_pool(iter(batches), nlp, n_process, batch_size)
        return
    for batch in batches:
        yield _batch_tables(nlp, batch, batch_size)
