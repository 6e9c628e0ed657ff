"""The Parquet copy of a publish (the lake): ``published/builds/<build id>/``, one folder of
part files per mart plus ``build_info.parquet``, and the ``published/parquet`` symlink
switched atomically to the newest build (the previous build is kept for readers that still
have its files open). extract/publish.py decides what changed and calls this module.

An article mart is a hive-partitioned dataset by the month of its articles' run date,
``<mart>/run_month=YYYY-MM/part-*.parquet``. A full publish writes one part per month
(``part-<first run>_<last run>.parquet``). An incremental one hard-links every part from the
previous build whose runs did not change, patches the parts that hold replaced articles (the
file read, those articles' rows swapped for their rows now: an actor-level change rewrites
the parts holding the actor's articles once and adds no file), writes a run no part covers (a
new night) as a day part (``part-<run date>.parquet``) and a month where half the runs were
rebuilt whole as one part. ``fct_country_relations`` (day level) is partitioned by the month
of its day, ``relation_month=YYYY-MM/part-YYYY-MM.parquet``: the months of the replaced days
are written again, the others linked. Other marts have one ``<mart>/part-all.parquet``. Each
partitioned mart's parts must add up to the mart's row count (else it is written whole, with
a warning).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from extract.publish import (
    ARTICLES,
    BUILD_TABLE,
    MART_SCHEMA,
    RELATIONS,
    Changes,
    Marts,
    article_rowids,
)

# The lake's warnings belong to the publish's log: operators and tests read "extract.publish".
log = logging.getLogger("extract.publish")

ALL_PART = "part-all.parquet"
RUN_COLUMN = "wirehouse_publish_run_date"


PARTITION = "run_month"  # hive partition key of the article marts' Parquet (YYYY-MM)


def _month(run: dt.date) -> str:
    return f"{run:%Y-%m}"


def _partition(run: dt.date) -> str:
    return f"{PARTITION}={_month(run)}"


def _part_name(first: dt.date, last: dt.date | None = None) -> str:
    """A day part holds one run's rows; a month part all runs from ``first`` to ``last``."""
    if last is None:
        return f"part-{first.isoformat()}.parquet"
    return f"part-{first.isoformat()}_{last.isoformat()}.parquet"


def _part_runs(path: Path) -> tuple[dt.date, dt.date]:
    """The runs a part file covers, from its name (inverse of ``_part_name``)."""
    first, _, last = path.stem.removeprefix("part-").partition("~")[0].partition("_")
    return dt.date.fromisoformat(first), dt.date.fromisoformat(last or first)


def _link(source: Path, dest: Path) -> None:
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def _write_run_parts(
    con, name: str, dest: Path, runs: set[dt.date] | None, *, by_month: bool = False
) -> int:
    """Write ``name``'s rows of ``runs`` (None: all) under ``dest/run_month=YYYY-MM/``: one
    part per run, or (``by_month``) one part per month; return the rows written. Through
    Arrow, so no file path is ever spliced into SQL."""
    if runs is not None and not runs:
        return 0
    in_runs = (f"select article_id from {MART_SCHEMA}.{ARTICLES} "
               "where run_date in (select unnest(?::date[]))")
    where = "" if runs is None else (
        "where a.run_date in (select unnest(?::date[])) "
        f"and m.rowid in ({article_rowids(name, in_runs)}) "
    )
    query = (
        f"select m.*, a.run_date as {RUN_COLUMN} from {MART_SCHEMA}.{name} as m "
        f"join {MART_SCHEMA}.{ARTICLES} as a on a.article_id = m.article_id "
        f"{where}order by a.run_date"
    )
    params = None if runs is None else [sorted(runs), sorted(runs)]
    reader = con.sql(query, params=params).to_arrow_reader()
    written = 0
    for first, last, table in _sorted_groups(reader, RUN_COLUMN, _month if by_month else None):
        folder = dest / _partition(first)
        folder.mkdir(exist_ok=True)
        name_ = _part_name(first, last) if by_month else _part_name(first)
        pq.write_table(table, folder / name_)
        written += table.num_rows
    return written


def _sorted_groups(
    reader: pa.RecordBatchReader, column: str, key: Callable[[object], object] | None = None
) -> Iterator[tuple[object, object, pa.Table]]:
    """Split a reader sorted on ``column`` into one table per run of equal ``key(value)``
    (``key`` None: the value itself), ``column`` dropped; yield (first value, last value,
    table). Batches are sliced, never copied, so a part costs one write."""
    current: object = None
    first = last = None
    pending: list[pa.RecordBatch] = []
    for batch in reader:
        encoded = pc.run_end_encode(batch.column(column))
        data = batch.drop_columns([column])
        start = 0
        for value, end in zip(encoded.values.to_pylist(), encoded.run_ends.to_pylist(),
                              strict=True):
            grouped = value if key is None else key(value)
            if pending and grouped != current:
                yield first, last, pa.Table.from_batches(pending)
                pending = []
            if not pending:
                current, first = grouped, value
            last = value
            pending.append(data.slice(start, end - start))
            start = end
    if pending:
        yield first, last, pa.Table.from_batches(pending)


def _article_rows(con, name: str, ids: set) -> pa.Table:
    """``name``'s rows of the articles ``ids`` now, with their run date (``RUN_COLUMN``)."""
    rowids = article_rowids(name, "select unnest(?)")
    return con.sql(
        f"select m.*, a.run_date as {RUN_COLUMN} from {MART_SCHEMA}.{name} as m "
        f"join {MART_SCHEMA}.{ARTICLES} as a on a.article_id = m.article_id "
        f"where m.rowid in ({rowids})",
        params=[list(ids)],
    ).to_arrow_table()


def _versioned(part: str, tag: str) -> str:
    """The name of a part rewritten by an incremental publish (build ``tag``): parts are
    immutable, so a copy of the lake (``aws s3 sync``) sees a changed part as a new file."""
    stem = part.removesuffix(".parquet").partition("~")[0]
    return f"{stem}~{tag}.parquet"


def _patch_part(part: Path, dest: Path, ids: pa.Array, fresh: pa.Table, tag: str) -> bool:
    """Write ``part`` again under ``dest`` without the rows of the articles ``ids`` and with
    their rows now (``fresh``) whose run the part covers, under a new name (``_versioned``);
    False when nothing is left."""
    first, last = _part_runs(part)
    old = pq.ParquetFile(part).read()
    kept = old.filter(pc.invert(pc.is_in(old.column("article_id"), value_set=ids)))
    runs = fresh.column(RUN_COLUMN)
    mine = pc.and_(pc.greater_equal(runs, pa.scalar(first, pa.date32())),
                   pc.less_equal(runs, pa.scalar(last, pa.date32())))
    added = fresh.filter(mine).drop_columns([RUN_COLUMN])
    if added.schema != kept.schema:
        added = added.cast(kept.schema)
    table = pa.concat_tables([kept, added])
    if not table.num_rows:
        return False
    dest.mkdir(exist_ok=True)
    pq.write_table(table, dest / _versioned(part.name, tag))
    return True


def _carry_article_mart(
    con, name: str, dest: Path, previous: Path, months: dict[str, set[dt.date]],
    changes: Changes, tag: str,
) -> int:
    """Bring an article mart's partitions from the previous build; return the parts linked.

    A part none of whose runs changed is linked. A part holding changed rows is patched: its
    file is read, the rows of the replaced articles dropped and their rows now added, so an
    actor-level change (a speaker's country reaches every date it speaks on) rewrites the
    parts that hold those articles once, whatever their size, and never adds files. A run
    no part covers (a new night) becomes a day part. A month where half the runs were
    rebuilt whole (a backfill) is written again as one month part."""
    rewrite, replaced = changes.rewrite[name], changes.replaced[name]
    linked = 0
    compact: set[dt.date] = set()
    day_runs: set[dt.date] = set()
    patch: list[Path] = []
    for month, month_runs in sorted(months.items()):
        old = previous / name / f"{PARTITION}={month}"
        parts = sorted(old.iterdir()) if old.is_dir() else []
        if len({r for r in changes.runs if _month(r) == month}) * 2 > len(month_runs):
            compact |= month_runs
            continue
        covered: set[dt.date] = set()
        for part in parts:
            first, last = _part_runs(part)
            covered |= {r for r in month_runs if first <= r <= last}
            if any(first <= r <= last for r in rewrite):
                patch.append(part)
            elif first != last or first in month_runs:
                (dest / old.name).mkdir(exist_ok=True)
                _link(part, dest / old.name / part.name)
                linked += 1
        day_runs |= {r for r in rewrite if _month(r) == month} - covered
    if patch:
        fresh = _article_rows(con, name, replaced)
        ids = pa.array(sorted(replaced), pa.string())
        for part in patch:
            _patch_part(part, dest / part.parent.name, ids, fresh, tag)
    _write_run_parts(con, name, dest, compact, by_month=True)
    _write_run_parts(con, name, dest, day_runs)
    return linked


DAY_MARTS = {RELATIONS: "relation_date"}  # day-level marts, partitioned by that day's month
DAY_PARTITION = "relation_month"
MONTH_COLUMN = "wirehouse_publish_month"


def _write_day_months(
    con, name: str, column: str, dest: Path, months: set[str] | None, tag: str = ""
) -> int:
    """Write ``name``'s rows of ``months`` (None: all) as one part per month of ``column``,
    ``dest/relation_month=YYYY-MM/part-YYYY-MM.parquet`` (``~tag`` before the suffix when a
    ``tag`` is given: ``_versioned``); return the rows written."""
    if months is not None and not months:
        return 0
    # ``column`` is a column name from DAY_MARTS, never data.
    where = ("" if months is None else
             f"where strftime({column}, '%Y-%m') in (select unnest(?::varchar[])) ")
    reader = con.sql(
        f"select *, strftime({column}, '%Y-%m') as {MONTH_COLUMN} from {MART_SCHEMA}.{name} "
        f"{where}order by {MONTH_COLUMN}",
        params=None if months is None else [sorted(months)],
    ).to_arrow_reader()
    written = 0
    for month, _, table in _sorted_groups(reader, MONTH_COLUMN):
        folder = dest / f"{DAY_PARTITION}={month}"
        folder.mkdir()
        part = f"part-{month}.parquet"
        pq.write_table(table, folder / (_versioned(part, tag) if tag else part))
        written += table.num_rows
    return written


def _carry_day_months(
    con, name: str, dest: Path, previous: Path | None, days: list[dt.date] | None, tag: str
) -> int:
    """A day-level mart's Parquet: the months of the replaced ``days`` written again, every
    other month linked from ``previous``; everything written when either is unknown. Return
    the parts linked."""
    column = DAY_MARTS[name]
    old = previous / name if previous is not None else None
    if days is None or old is None or not old.is_dir() or any(
        not p.is_dir() for p in old.iterdir()
    ):
        _write_day_months(con, name, column, dest, None)
        return 0
    touched = {f"{day:%Y-%m}" for day in days}
    linked = 0
    for folder in old.iterdir():
        if folder.name.removeprefix(f"{DAY_PARTITION}=") in touched:
            continue
        (dest / folder.name).mkdir()
        for part in folder.iterdir():
            _link(part, dest / folder.name / part.name)
            linked += 1
    _write_day_months(con, name, column, dest, touched, tag)
    return linked


def _rows_in_parts(dest: Path) -> int:
    return sum(pq.read_metadata(part).num_rows for part in dest.rglob("*.parquet"))


def write_parquet(
    con, marts: Marts, build_dir: Path, previous: Path | None,
    changes: Changes | None, counts: dict[str, int], info: pa.Table,
) -> int:
    """Write the build's Parquet folder; with ``previous`` and ``changes``, link the parts of
    unchanged runs from ``previous``. Return the number of parts linked.

    An article mart is a hive-partitioned dataset, ``<mart>/run_month=YYYY-MM/part-*.parquet``
    (the month of its articles' run date): a full publish writes one part per month, an
    incremental one adds or replaces day parts ``part-<run date>.parquet`` beside them."""
    runs = {r[0] for r in con.execute(
        f"select distinct run_date from {MART_SCHEMA}.{ARTICLES}").fetchall()
    } if marts.article else set()
    months: dict[str, set[dt.date]] = {}
    for run in runs:
        months.setdefault(_month(run), set()).add(run)
    linked = 0
    for name in marts.names:
        dest = build_dir / name
        dest.mkdir()
        if name in DAY_MARTS and name not in marts.article:
            carried = _carry_day_months(
                con, name, dest, previous if changes is not None else None,
                changes.days if changes is not None else None, build_dir.name[:8])
            if carried and _rows_in_parts(dest) != counts[name]:
                log.warning("publish: %s's linked months do not add up: writing all", name)
                shutil.rmtree(dest)
                dest.mkdir()
                _write_day_months(con, name, DAY_MARTS[name], dest, None)
                carried = 0
            linked += carried
        elif name not in marts.article:
            table = con.sql(f"select * from {MART_SCHEMA}.{name}").to_arrow_table()
            pq.write_table(table, dest / ALL_PART)
            continue
        elif previous is None or changes is None:
            written = _write_run_parts(con, name, dest, None, by_month=True)
            if written != counts[name]:
                raise RuntimeError(f"{name}: {counts[name] - written} rows have no article in "
                                   f"{ARTICLES}, so no run date")
        else:
            carried = _carry_article_mart(
                con, name, dest, previous, months, changes, build_dir.name[:8])
            if _rows_in_parts(dest) != counts[name]:
                log.warning("publish: %s's Parquet parts do not add up: writing all", name)
                shutil.rmtree(dest)
                dest.mkdir()
                _write_run_parts(con, name, dest, None, by_month=True)
                carried = 0
            linked += carried
        if not any(dest.iterdir()):  # no rows: one empty part, so a glob still matches
            empty = con.sql(f"select * from {MART_SCHEMA}.{name} limit 0").to_arrow_table()
            pq.write_table(empty, dest / ALL_PART)
    pq.write_table(info, build_dir / f"{BUILD_TABLE}.parquet")
    return linked


def switch_parquet(out_dir: Path, build_dir: Path) -> None:
    link = out_dir / "parquet"
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # the layout before builds/: a plain folder
    tmp = out_dir / f".parquet.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(build_dir.relative_to(out_dir), target_is_directory=True)
    tmp.replace(link)


def prune_builds(builds_dir: Path, keep: set[str]) -> None:
    """Remove every build folder but ``keep`` (the new build and the one readers may still
    be on); parts shared through hard links stay with the builds that keep them."""
    for old in builds_dir.iterdir():
        if old.is_dir() and old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def previous_build(builds_dir: Path, previous_id: str, article: frozenset[str]) -> Path | None:
    """The previous build's folder to link parts from, or None when there is none usable:
    pruned, or an older layout (one file per mart, or per run date)."""
    previous = builds_dir / previous_id if previous_id else None
    if previous is not None and not all(
        (previous / n).is_dir()
        and all(p.is_dir() or p.name == ALL_PART for p in (previous / n).iterdir())
        for n in article
    ):
        previous = None
    return previous
