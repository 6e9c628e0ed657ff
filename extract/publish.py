"""Publish the marts as a read-only copy BI tools can hold open while the pipeline writes.

``published/wirehouse.duckdb`` is a symlink to one of two slot files; a publish writes the
other one and switches the link (extract/publish_slots.py), so a reader sees either the old
build or the new one, never half of one, and never holds the pipeline's lock. The
file carries a ``build_info`` table (build id, publish time, rows per mart) so a reader can
check which build it sees. The Parquet copy goes to ``published/builds/<build id>/`` and
``published/parquet`` is a symlink switched atomically to the newest build
(extract/publish_lake.py).

A publish is incremental, so a night costs what changed, not the archive:

- ``extract.build`` records the runs each successful build rebuilt (``unpublished_runs``; all
  of them after a full build) until a publish has switched in; runs still pending a build (a
  failed one) count as changed too.
- The other slot holds the build before the published one: it is updated in place, with
  what the published build's publish replaced in it (recorded) and what changed since.
  When it cannot be (a reader holds it, the record does not match, any error: it is rolled
  back), the new file starts as a file copy of the published one, as a night cost before
  the slots (a 343 MB copy at 200k articles). In an *article mart* (one with an
  ``article_id``), the rows of the changed runs' articles, of articles gone from
  ``dim_articles`` and of the articles incremental models rewrote beyond those runs (a story's
  other copies, a re-coded speaker's statements: logged in ``raw.build_touched``) are deleted
  and inserted again from the marts. An article mart dbt does not build incrementally may
  change rows of any article, so there the articles whose rows differ (row count and sum of
  row hashes per article) are replaced as well. ``fct_country_relations`` (day level)
  gets the days dbt recomputed replaced (the removed pair rows' dates in the log, and the
  replaced articles' pair dates now). Every other mart is replaced whole. Each table's row
  count must then equal the mart's.
- The marts are copied whole instead after a full build, without a published copy, when the
  marts or their columns changed, when half the file is free space, and (with a warning) on
  any error or count mismatch.
- The Parquet copy (the lake) follows what changed: extract/publish_lake.py, whose docstring
  tells how its parts are laid out, linked and patched.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from extract import publish_slots as slots
from extract.config import Settings

log = logging.getLogger(__name__)

MART_SCHEMA = "marts"
BUILD_TABLE = "build_info"
ARTICLES = "dim_articles"  # one row per article, with the run that holds it


def article_rowids(name: str, articles: str) -> str:
    """A query of the rowids of mart ``name``'s rows of the ``articles`` query's articles (a
    mart name, never data). A mart's rows of a few articles are found on article_id alone
    and then fetched by rowid: the same filter in the scan that reads the rows reads every
    column of every row, a cost that grows with the archive (fct_actor_mentions at 200k
    articles: 0.10-0.21 CPU s for a night's 134 articles, 0.04 this way)."""
    return f"select rowid from {MART_SCHEMA}.{name} where article_id in ({articles})"


def mart_tables(con) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? order by table_name",
        [MART_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def _columns(con, catalog: str, schema: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? order by table_name, column_index",
        [catalog, schema],
    ).fetchall()
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        columns.setdefault(table, []).append((column, data_type))
    return columns


def _incremental_models(settings: Settings) -> set[str]:
    """Marts dbt builds incrementally (manifest of the last dbt run): their rows of the
    articles of unchanged runs stay as they were. Empty when unknown."""
    path = settings.home / "dbt" / "target" / "manifest.json"
    try:
        nodes = json.loads(path.read_text())["nodes"].values()
    except (OSError, ValueError, KeyError):
        return set()
    return {
        node.get("alias") or node["name"] for node in nodes
        if node.get("resource_type") == "model" and node.get("schema") == MART_SCHEMA
        and node.get("config", {}).get("materialized") == "incremental"
    }


@dataclass(frozen=True)
class Marts:
    names: list[str]
    columns: dict[str, list[tuple[str, str]]]
    article: frozenset[str]  # marts with an article_id (none without dim_articles.run_date)
    kept: frozenset[str]  # article marts whose rows of unchanged runs stay as they were


def _marts(settings: Settings, con) -> Marts:
    names = mart_tables(con)
    catalog = con.execute("select current_database()").fetchall()[0][0]
    columns = _columns(con, catalog, MART_SCHEMA)

    def has(table: str, column: str) -> bool:
        return any(name == column for name, _ in columns.get(table, ()))

    article: set[str] = set()
    if has(ARTICLES, "article_id") and has(ARTICLES, "run_date"):
        article = {name for name in names if has(name, "article_id")}
    kept = article & _incremental_models(settings)
    return Marts(names, columns, frozenset(article), frozenset(kept))


class _CopyWhole(Exception):
    """The published file cannot be updated: copy every mart."""


def _ids(con, sql: str, params: list) -> set:
    return {r[0] for r in con.execute(sql, params).fetchall()}


def _differing_articles(con, name: str, src: str = "pub") -> set:
    """Articles whose rows in ``name`` differ between a published file (attached as ``src``)
    and the marts."""
    assert src in CATALOGS
    per_article = (
        "select article_id, count(*) as n, sum(hash(*columns(*))::hugeint) as h "
        "from {} group by article_id"
    )
    return _ids(
        con,
        f"with p as ({per_article.format(f'{src}.main.{name}')}), "
        f"m as ({per_article.format(f'{MART_SCHEMA}.{name}')}) "
        "select coalesce(p.article_id, m.article_id) from p full join m "
        "on p.article_id = m.article_id "
        "where p.n is distinct from m.n or p.h is distinct from m.h",
        [],
    )


TOUCHED = "raw.build_touched"  # what incremental models changed beyond the changed runs


def _has_touched_log(con) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_catalog = "
        "current_database() and table_schema = 'raw' and table_name = 'build_touched'"
    ).fetchall()[0][0])


def _touched_articles(con, name: str) -> set:
    """Articles whose rows the incremental mart ``name`` rewrote outside the changed runs (a
    story's other copies, the statements of a speaker whose country changed:
    macros/incremental.sql)."""
    if not _has_touched_log(con):
        return set()
    return _ids(con, f"select key from {TOUCHED} where kind = 'article' and model = ?", [name])


RELATIONS = "fct_country_relations"  # day-level: recomputed by dbt for the touched days only
PAIRS = "fct_article_country_pairs"  # the article rows those days are summed from


def _touched_relation_days(con, replaced: set) -> list[dt.date] | None:
    """The days of ``fct_country_relations`` the builds since the last publish recomputed: the
    dates the removed article-pair rows had (logged) and the dates of the replaced articles'
    pairs now (the same set as dbt's ``touched_relation_dates``); None when unknown."""
    if not _has_touched_log(con):
        return None
    days = _ids(con, f"select key_date from {TOUCHED} where kind = 'article' and model = ? "
                "and key_date is not null", [PAIRS])
    if replaced:
        days |= _ids(con, f"select article_date from {MART_SCHEMA}.{PAIRS} "
                     "where article_id in (select unnest(?))", [list(replaced)])
    return sorted(days)


def _clear_touched(settings: Settings, con) -> None:
    """Empty the log once a publish carried it, unless a build failed since (its pending runs
    are rebuilt next time, and the log tells that build what the failed one touched)."""
    from extract.build import pending_run_dates

    if _has_touched_log(con) and not pending_run_dates(settings):
        con.execute(f"delete from {TOUCHED}")


@dataclass(frozen=True)
class Changes:
    """What an incremental publish replaced, for the Parquet lake to follow (publish_lake)."""

    runs: set[dt.date]  # the runs rebuilt whole
    rewrite: dict[str, set[dt.date]]  # per article mart: the runs whose rows changed
    replaced: dict[str, set]  # per article mart: the articles whose rows were replaced
    days: list[dt.date] | None  # the days of fct_country_relations replaced (None: all)
    stale: set  # the articles replaced for the runs' sake (the rest of ``replaced`` is extra)

    def record(self, build_id: str, previous_id: str) -> slots.Record:
        """What this publish replaced, for the next one to replay in the other slot."""
        return slots.Record(build_id, previous_id, self.runs,
                            {name: ids - self.stale for name, ids in self.replaced.items()},
                            self.days)


CATALOGS = ("pub", "prev")  # the published files' attach names, the only catalogs spliced


def _stale_articles(con, src: str, runs: list[dt.date]) -> set:
    """Articles to replace whatever their rows: those ``runs`` hold in the published file
    ``src`` or in the marts, and those gone from the marts."""
    assert src in CATALOGS
    return _ids(
        con,
        f"select article_id from {src}.main.{ARTICLES} where run_date in "
        "(select unnest(?::date[])) "
        f"union select article_id from {MART_SCHEMA}.{ARTICLES} "
        "where run_date in (select unnest(?::date[])) "
        f"union (select article_id from {src}.main.{ARTICLES} "
        f"except select article_id from {MART_SCHEMA}.{ARTICLES})",
        [runs, runs],
    )


def _apply_changes(
    con, marts: Marts, changed: set[dt.date], counts: dict[str, int],
    carry: slots.Record | None = None,
) -> Changes:
    """Bring ``pub`` to the marts; return what changed since the published build.

    Without ``carry``, ``pub`` is a copy of the published file. With it, ``pub`` is the other
    slot, a build older (``carry``: what the published build's publish replaced in it), and
    the published file is attached as ``prev``: what changed is read against ``prev`` (the
    Parquet lake follows it) and replaced in ``pub`` together with ``carry``'s changes.
    Raise ``_CopyWhole`` when it cannot."""
    src = CATALOGS[0] if carry is None else CATALOGS[1]
    published = _columns(con, "pub", "main")
    listed = [
        r[0] for r in con.execute(f"select table_name from pub.main.{BUILD_TABLE}").fetchall()
    ]
    if sorted(listed) != sorted(marts.names) or set(published) != {*marts.names, BUILD_TABLE}:
        raise _CopyWhole("the set of marts changed")
    if any(published[name] != marts.columns[name] for name in marts.names):
        raise _CopyWhole("the columns of a mart changed")
    if carry is not None and _columns(con, "prev", "main") != published:
        raise _CopyWhole("the slots' tables differ")
    total, free = con.execute(
        "select total_blocks, free_blocks from pragma_database_size() "
        "where database_name = 'pub'"
    ).fetchall()[0]
    if free * 2 > total:
        raise _CopyWhole("half the published file is free space: compact it")

    # What to replace, read before anything changes.
    runs = sorted(changed)
    stale = _stale_articles(con, src, runs)
    replace = {
        name: stale | _touched_articles(con, name) if name in marts.kept
        else stale | _differing_articles(con, name, src)
        for name in marts.article
    }
    rewrite: dict[str, set[dt.date]] = {}
    for name, ids in replace.items():
        rewrite[name] = set(changed)
        if ids:
            rewrite[name] |= _ids(
                con,
                f"select run_date from {src}.main.{ARTICLES} "
                "where article_id in (select unnest(?)) "
                f"union select run_date from {MART_SCHEMA}.{ARTICLES} "
                "where article_id in (select unnest(?))",
                [list(ids), list(ids)],
            )
    days = _touched_relation_days(con, replace.get(PAIRS, set()))
    changes = Changes(set(changed), rewrite, replace, days, stale)

    apply, apply_days = replace, days
    if carry is not None:
        # The slot missed the published build too: its runs and extra articles, its days.
        both = sorted(changed | carry.runs)
        stale_pub = _stale_articles(con, "pub", both)
        apply = {
            name: ids | carry.extra.get(name, set()) | stale_pub
            | (set() if name in marts.kept else _differing_articles(con, name, "pub"))
            for name, ids in replace.items()
        }
        apply_days = (None if days is None or carry.days is None
                      else sorted(set(days) | set(carry.days)))
    for name in marts.names:
        if name == RELATIONS and apply_days is not None:
            # dbt recomputed only these days (macros/incremental.sql): replace them alone.
            con.execute(f"delete from pub.main.{name} where relation_date in "
                        "(select unnest(?::date[]))", [apply_days])
            con.execute(f"insert into pub.main.{name} by name select * from {MART_SCHEMA}.{name} "
                        "where relation_date in (select unnest(?::date[]))", [apply_days])
        elif name not in apply:
            con.execute(f"drop table pub.main.{name}")
            con.execute(f"create table pub.main.{name} as select * from {MART_SCHEMA}.{name}")
        elif apply[name]:
            ids = list(apply[name])
            rowids = article_rowids(name, "select unnest(?)")
            con.execute(f"delete from pub.main.{name} where article_id in (select unnest(?))",
                        [ids])
            con.execute(
                f"insert into pub.main.{name} by name select * from {MART_SCHEMA}.{name} "
                f"where rowid in ({rowids})",
                [ids],
            )
    wrong = {
        name: (n, counts[name]) for name in marts.names
        if (n := con.execute(f"select count(*) from pub.main.{name}").fetchall()[0][0])
        != counts[name]
    }
    if wrong:
        raise RuntimeError(f"row counts (published, marts) differ: {wrong}")
    return changes


def _write_build_info(con, info: pa.Table) -> None:
    con.register("incoming_build_info", info)
    try:
        con.execute(f"drop table if exists pub.main.{BUILD_TABLE}")
        con.execute(f"create table pub.main.{BUILD_TABLE} as select * from incoming_build_info")
    finally:
        con.unregister("incoming_build_info")


def _build_id(con, catalog: str) -> str:
    assert catalog in CATALOGS
    ids = con.execute(f"select distinct build_id from {catalog}.main.{BUILD_TABLE}").fetchall()
    return ids[0][0] if len(ids) == 1 else ""


def _apply_and_checkpoint(
    con, marts: Marts, changed: set[dt.date], counts: dict[str, int], info: pa.Table,
    carry: slots.Record | None = None,
) -> Changes:
    con.execute("begin")
    try:
        changes = _apply_changes(con, marts, changed, counts, carry)
        _write_build_info(con, info)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("checkpoint pub")  # all in the file: no write-ahead log beside it
    return changes


def _update_copy(
    con, marts: Marts, target: Path, tmp: Path, changed: set[dt.date],
    counts: dict[str, int], info: pa.Table,
) -> tuple[str, Changes]:
    """Write ``tmp`` as a copy of ``target`` brought to the marts; return the previous build
    id and what changed."""
    shutil.copyfile(target, tmp)
    con.execute("attach ? as pub", [str(tmp)])
    try:
        previous = _build_id(con, "pub")
        changes = _apply_and_checkpoint(con, marts, changed, counts, info)
    finally:
        con.execute("detach pub")
    return previous, changes


def _update_slot(
    con, marts: Marts, current: Path, slot: Path, changed: set[dt.date],
    counts: dict[str, int], info: pa.Table,
) -> tuple[str, Changes] | None:
    """Bring the other slot (``slot``, the build before the published one) to the marts in
    place, replaying the published build's record too (extract/publish_slots.py); return the
    published build's id and what changed since it, or None when the slot cannot be used
    (then the published file is copied)."""
    record = slots.read_record(current.parent)
    if record is None or not slot.exists() or slots.remove_wal(slot):
        return None
    con.execute("attach ? as prev (read_only)", [str(current)])
    try:
        previous = _build_id(con, "prev")
        if previous != record.build_id:
            return None
        try:
            con.execute("attach ? as pub", [str(slot)])
        except duckdb.Error as exc:  # a reader still holds the slot (DuckDB's file lock)
            log.info("publish: %s is open elsewhere, copying the published file (%s)",
                     slot.name, str(exc).splitlines()[0])
            return None
        try:
            if _build_id(con, "pub") != record.previous_build_id:
                return None
            changes = _apply_and_checkpoint(con, marts, changed, counts, info, record)
        finally:
            con.execute("detach pub")
    finally:
        con.execute("detach prev")
    return previous, changes


def _full_copy(con, marts: Marts, tmp: Path, info: pa.Table) -> None:
    con.execute("attach ? as pub", [str(tmp)])
    try:
        for name in marts.names:
            con.execute(f"create table pub.main.{name} as select * from {MART_SCHEMA}.{name}")
        _write_build_info(con, info)
        con.execute("checkpoint pub")
    finally:
        con.execute("detach pub")


def _discard(tmp: Path) -> None:
    for path in (tmp, tmp.with_name(tmp.name + ".wal")):
        path.unlink(missing_ok=True)


def _remove_stale(out_dir: Path) -> None:
    """Temporary files of a publish that was killed (only one publish runs at a time: it
    holds the warehouse writer lock)."""
    for stale in out_dir.glob(".wirehouse.duckdb.*.tmp*"):
        stale.unlink(missing_ok=True)
    for stale in out_dir.glob(".parquet.*.tmp"):
        stale.unlink(missing_ok=True)
    for stale in out_dir.glob(f"{slots.STATE}.*.tmp"):
        stale.unlink(missing_ok=True)


def published_build(settings: Settings) -> str | None:
    """The id of the build readers see now (the target of ``published/parquet``), or None
    before the first publish. A caller compares it before and after a run to know that the
    run got as far as publishing."""
    link = settings.published_dir / "parquet"
    return link.resolve().name if link.is_symlink() else None


def publish(settings: Settings, con) -> Path:
    """Publish the marts to ``published/wirehouse.duckdb`` (+ Parquet) atomically, changing
    only what the builds since the last publish changed when it can (module docstring)."""
    # publish_lake is imported here, not at the top: it imports this module's mart names.
    from extract.build import clear_unpublished, pending_run_dates, unpublished_runs
    from extract.publish_lake import previous_build, prune_builds, switch_parquet, write_parquet
    from extract.warehouse import pause_point

    out_dir = settings.published_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(out_dir)
    target = out_dir / slots.LINK
    current, slot = slots.current_slot(out_dir), slots.next_slot(out_dir)
    tmp = out_dir / f".wirehouse.duckdb.{os.getpid()}.tmp"
    build_id = uuid.uuid4().hex[:16]
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # metadata, not logic
    marts = _marts(settings, con)
    names = marts.names
    counts = {
        name: con.execute(f"select count(*) from {MART_SCHEMA}.{name}").fetchall()[0][0]
        for name in names
    }
    info = pa.table(
        {
            "build_id": [build_id] * len(names),
            "published_at": pa.array([published_at] * len(names), pa.timestamp("us")),
            "table_name": names,
            "n_rows": pa.array([counts[n] for n in names], pa.int64()),
        }
    )
    owed = unpublished_runs(settings)
    changed = None if owed is None else owed | pending_run_dates(settings)
    previous_id, changes, in_place = "", None, None
    if changed is not None and current is not None and marts.article:
        try:
            in_place = _update_slot(con, marts, current, slot, changed, counts, info)
        except Exception as exc:  # the slot is left as it was (rolled back): copy instead
            log.info("publish: %s not updated in place, copying the published file (%s: %s)",
                     slot.name, type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
        if in_place is not None:
            previous_id, changes = in_place
        else:
            try:
                previous_id, changes = _update_copy(
                    con, marts, current, tmp, changed, counts, info)
            except _CopyWhole as exc:
                log.info("publish: copying every mart (%s)", exc)
            except Exception:
                log.warning("incremental publish failed: copying every mart", exc_info=True)
            if changes is None:
                _discard(tmp)
    if changes is None:
        _full_copy(con, marts, tmp, info)
    pause_point("publish")

    builds_dir = out_dir / "builds"
    build_dir = builds_dir / build_id
    build_dir.mkdir(parents=True)
    previous = previous_build(builds_dir, previous_id, marts.article)
    linked = write_parquet(con, marts, build_dir, previous, changes, counts, info)
    link = out_dir / "parquet"
    readers_on = link.resolve().name if link.is_symlink() else build_id
    if in_place is None:
        slots.remove_wal(slot)
        tmp.replace(slot)  # a reader still on the slot's old file keeps it
    slots.write_record(out_dir, None if changes is None else changes.record(build_id, previous_id))
    slots.switch(out_dir, slot)
    switch_parquet(out_dir, build_dir)
    prune_builds(builds_dir, {build_id, readers_on})
    clear_unpublished(settings, changed if changes is not None else None)
    _clear_touched(settings, con)
    if changes is None:
        log.info("published build %s: every mart copied to %s (%s)", build_id, slot, counts)
    else:
        log.info("published build %s incrementally: runs %s changed, %s %s, %d Parquet parts "
                 "linked from build %s (%s)", build_id, sorted(d.isoformat() for d in changed),
                 slot.name, "updated in place" if in_place is not None else "copied",
                 linked, previous_id, counts)
    return target
