"""Arrow schemas of the raw tables: the one contract between extraction and the warehouse.

Each schema doubles as the DuckDB DDL of ``raw.<name>`` (see ``warehouse.ensure_schema``), so a
new column is added in one place.
"""

from __future__ import annotations

import pyarrow as pa

FILES = pa.schema(
    [
        ("run_date", pa.date32()),
        ("path", pa.string()),
        ("content_hash", pa.string()),
        ("size_bytes", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("status", pa.string()),  # loaded | duplicate | rejected
        ("article_id", pa.string()),
        ("article_date", pa.date32()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]
)

ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("run_date", pa.date32()),
        ("article_date", pa.date32()),
        ("path", pa.string()),
        ("content_hash", pa.string()),
        ("title", pa.string()),
        ("text", pa.large_string()),
        ("n_chars", pa.int32()),
    ]
)

REJECTS = pa.schema(
    [
        ("run_date", pa.date32()),
        ("path", pa.string()),
        ("content_hash", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]
)

SENTENCES = pa.schema(
    [
        ("article_id", pa.string()),
        ("sentence_index", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("text", pa.string()),
    ]
)

ENTITY_MENTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("mention_index", pa.int32()),
        ("sentence_index", pa.int32()),
        ("label", pa.string()),
        ("text", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("canonical_name", pa.string()),
    ]
)

STATEMENTS = pa.schema(
    [
        ("article_id", pa.string()),
        ("statement_index", pa.int32()),
        ("sentence_index", pa.int32()),
        ("content_start", pa.int32()),
        ("content_end", pa.int32()),
        ("quote_text", pa.string()),  # the content: quoted words or the reported clause
        ("cue", pa.string()),
        ("cue_start", pa.int32()),
        ("cue_end", pa.int32()),
        ("speaker_start", pa.int32()),
        ("speaker_end", pa.int32()),
        ("speaker_text", pa.string()),
        ("speaker_name", pa.string()),
        ("kind", pa.string()),  # direct | partial | mixed | indirect (fct_statements yml)
    ]
)

ACTOR_CUES = pa.schema(
    [
        ("article_id", pa.string()),
        ("cue_index", pa.int32()),
        ("sentence_index", pa.int32()),
        ("label", pa.string()),  # NER label, or NOMINAL for a role-word phrase
        ("text", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("canonical_name", pa.string()),
        ("country_cue", pa.string()),
        ("country_cue_start", pa.int32()),
        ("country_cue_end", pa.int32()),
        ("role", pa.string()),
        ("role_start", pa.int32()),
        ("role_end", pa.int32()),
        ("grammatical_role", pa.string()),  # subject | object | locative | possessor
        ("honorific", pa.string()),  # a person's "f" after Mrs./Ms./Miss, "m" after Mr.
    ]
)

EVENT_SPANS = pa.schema(
    [
        ("article_id", pa.string()),
        ("event_index", pa.int32()),
        ("sentence_index", pa.int32()),
        ("verb_text", pa.string()),
        ("verb_start", pa.int32()),
        ("verb_end", pa.int32()),
        ("lemma", pa.string()),
        ("negated", pa.bool_()),
        ("link", pa.string()),  # how source and target were found in the parse
        ("pattern_keys", pa.string()),  # event_patterns keys, most specific first, "|"-joined
        ("mood", pa.string()),  # asserted | intent | reported
        ("source_cue_index", pa.int32()),  # null for a first-person pronoun or no source
        ("source_text", pa.string()),
        ("source_start", pa.int32()),
        ("source_end", pa.int32()),
        ("target_cue_index", pa.int32()),  # null for a pronoun or no target
        ("target_text", pa.string()),
        ("target_start", pa.int32()),
        ("target_end", pa.int32()),
    ]
)

TONES = pa.schema(
    [
        ("article_id", pa.string()),
        ("span_kind", pa.string()),  # sentence | statement
        ("span_index", pa.int32()),  # sentence_index or statement_index
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("tone", pa.float64()),  # VADER compound, -1 .. 1
    ]
)

# Tables written per article (children of raw.articles), in load order.
ARTICLE_TABLES: dict[str, pa.Schema] = {
    "sentences": SENTENCES,
    "entity_mentions": ENTITY_MENTIONS,
    "statements": STATEMENTS,
    "actor_cues": ACTOR_CUES,
    "event_spans": EVENT_SPANS,
    "tones": TONES,
}

# Not a run's partition: the runs an incremental dbt build recomputes (extract/build.py).
BUILD_RUNS = pa.schema([("run_date", pa.date32())])
# Not a run's partition: what incremental dbt models changed beyond the changed runs' own
# articles (macros/incremental.sql writes it, extract/publish.py reads and empties it):
# ``kind`` 'article' (key = article_id, key_date = the article's date the removed rows had),
# 'actor', 'agent' or 'country' (key = actor_id / agent_id / iso3 whose mentions changed);
# ``model``: the model whose pre-hook logged it (for an article, whose rows it rewrote).
# Kind 'removed' (model 'load'): an article a rerun's load dropped from its run.
BUILD_TOUCHED = pa.schema([
    ("kind", pa.string()), ("key", pa.string()), ("key_date", pa.date32()),
    ("model", pa.string()),
])

ALL_TABLES: dict[str, pa.Schema] = {
    "files": FILES,
    "rejects": REJECTS,
    "articles": ARTICLES,
    **ARTICLE_TABLES,
}

# The load adds its run's date to every row of the per-article tables (extraction does not
# know it): rows are appended run by run, so DuckDB's zone maps on run_date find a night's
# rows without reading every article id of the archive (issue 16, macros/incremental.sql).
LOAD_RUN_DATE = pa.field("run_date", pa.date32())

# The raw tables as stored: ALL_TABLES, the per-article ones with LOAD_RUN_DATE last.
STORED_TABLES: dict[str, pa.Schema] = {
    name: schema.append(LOAD_RUN_DATE) if name in ARTICLE_TABLES else schema
    for name, schema in ALL_TABLES.items()
}

_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.large_string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
}


def ddl(name: str, schema: pa.Schema) -> str:
    columns = ", ".join(f"{field.name} {_DUCKDB_TYPES[field.type]}" for field in schema)
    return f"create table if not exists raw.{name} ({columns})"


def empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()
