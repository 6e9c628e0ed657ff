"""Run dbt in-process (one ``dbtRunner`` invocation per build, not one task per model)."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gc
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from extract.config import DBT_PROJECT_DIR, Settings
from extract.relink import relinked_runs

log = logging.getLogger(__name__)


class DbtBuildFailed(RuntimeError):
    pass


def dbt_env(settings: Settings) -> None:
    os.environ["WIREHOUSE_DB"] = str(settings.db_path)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def run_dbt(settings: Settings, args: Sequence[str], manifest: object | None = None) -> object:
    """Invoke dbt with ``args`` against the warehouse of ``settings``; raise on failure, else
    return what dbt returns (a ``Manifest`` for ``parse``). With ``manifest`` (from a
    ``parse`` of the same project) dbt does not parse the project again."""
    from dbt.cli.main import dbtRunner

    dbt_env(settings)
    work = settings.home / "dbt"
    full = [
        *args,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"),
        # dbt's debug file log writes every statement of every node (~12% of a nightly
        # build); WIREHOUSE_DBT_FILE_LOG_LEVEL=debug brings it back when diagnosing.
        "--log-level-file", os.environ.get("WIREHOUSE_DBT_FILE_LOG_LEVEL", "info"),
    ]
    log.info("dbt %s", " ".join(full))
    # No cyclic garbage collection during the build: dbt builds a large graph of long-lived
    # objects (the manifest, its macros and nodes) that each full collection walks again,
    # ~1 CPU s of a backfill's build (docs/benchmarks.md); its cyclic garbage is collected
    # as usual afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        result = dbtRunner(manifest=manifest).invoke(full)
    finally:
        if collecting:
            gc.enable()
        release_duckdb()
    if not result.success:
        failures = []
        if result.result is not None and hasattr(result.result, "results"):
            failures = [
                f"{r.node.unique_id}: {r.status} {r.message or ''}".strip()
                for r in result.result.results
                if str(r.status) not in ("success", "pass", "skipped")
            ]
        detail = "; ".join(failures[:10]) or str(result.exception)
        raise DbtBuildFailed(f"dbt {args[0]} failed: {detail}")
    return result.result


@dataclass(frozen=True)
class ParsedProject:
    """The dbt project parsed ahead of a build (``parse_project``), with the fingerprint of
    the files it was parsed from."""

    fingerprint: str
    manifest: object


def parse_project(settings: Settings) -> ParsedProject:
    """Import dbt and parse the project now, for a ``build`` to come: a backfill does this
    while its last chunks are still extracted (README "Backfill"), so the build starts at
    its first node. The parse is dbt's own (partial parsing where its cache is valid)."""
    fingerprint = project_fingerprint()
    return ParsedProject(fingerprint, run_dbt(settings, ["parse"]))


def release_duckdb() -> None:
    """Close the database dbt-duckdb keeps open in-process, so the lock is free afterwards.

    dbt-duckdb caches one environment per process and does not always close it after an
    in-process invocation; a later read-only or cross-process open would then fail.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            env.close()
            DuckDBConnectionManager._ENV = None


def pending_path(settings: Settings):
    return settings.home / "dbt" / "pending_run_dates.json"


def pending_run_dates(settings: Settings) -> set[dt.date]:
    """Run dates loaded (or being loaded) since the last successful build."""
    path = pending_path(settings)
    if not path.exists():
        return set()
    return {dt.date.fromisoformat(d) for d in json.loads(path.read_text())}


def _write_json(path, body: object) -> None:
    """Replace a ledger file atomically (a reader sees the old or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body))
    tmp.replace(path)


@contextlib.contextmanager
def _locked(path) -> Iterator[None]:
    """Serialise read-modify-writes of the ledger ``path`` between processes."""
    lock = path.with_suffix(".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_pending(settings: Settings, dates: set[dt.date]) -> None:
    _write_json(pending_path(settings), sorted(d.isoformat() for d in dates))


def _pending_lock(settings: Settings):
    return _locked(pending_path(settings))


def mark_pending(settings: Settings, run_dates: Iterable[dt.date]) -> None:
    """Record that these runs' raw rows change: the next incremental build includes them,
    whatever dates its caller passes (a failed build leaves them pending)."""
    with _pending_lock(settings):
        _write_pending(settings, pending_run_dates(settings) | set(run_dates))


def project_fingerprint() -> str:
    """A hash of the dbt project's models, macros, seeds and settings: when it changes, the
    rows incremental models keep may be stale, so the next build is a full rebuild."""
    digest = hashlib.sha256()
    for sub in ("models", "macros", "seeds", "tests"):
        for path in sorted((DBT_PROJECT_DIR / sub).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0")
                digest.update(path.read_bytes())
    digest.update((DBT_PROJECT_DIR / "dbt_project.yml").read_bytes())
    return digest.hexdigest()


def _fingerprint_path(settings: Settings):
    return settings.home / "dbt" / "project_fingerprint"


# An incremental build skips the seeds and the unit tests: the project (and so every seed and
# the SQL the unit tests exercise) is unchanged since the full build that ran them.
UNCHANGED_PROJECT = ("--exclude", "resource_type:seed", "resource_type:unit_test")


def _set_build_runs(settings: Settings, dates: Iterable[dt.date]) -> bool:
    """Write the runs the next incremental build recomputes into ``raw.build_runs``; False
    when the warehouse lacks the seeds (a new file under an old home): build it all."""
    import pyarrow as pa

    from extract import tables
    from extract.warehouse import connect, ensure_schema

    with connect(settings.db_path) as con:
        ensure_schema(con)
        n_seeds = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'seeds'"
        ).fetchall()[0][0]
        if n_seeds < len(list((DBT_PROJECT_DIR / "seeds").glob("*.csv"))):
            return False
        rows = pa.table({"run_date": sorted(dates)}, schema=tables.BUILD_RUNS)
        con.execute("begin")
        con.execute("delete from raw.build_runs")
        con.register("incoming_build_runs", rows)
        try:
            con.execute("insert into raw.build_runs select run_date from incoming_build_runs")
        finally:
            con.unregister("incoming_build_runs")
        con.execute("commit")
    return True


def holds_only(db_path, run_dates: Iterable[dt.date]) -> bool:
    """True when every run the warehouse holds (raw files and articles) is one of
    ``run_dates`` and it holds at least one: a build of those runs rebuilds everything."""
    from extract.warehouse import connect

    dates = sorted(run_dates)
    if not dates or not db_path.exists():
        return False
    import duckdb

    with connect(db_path, read_only=True) as con:
        try:
            (others,) = con.execute(
                "select count(*) from (select run_date from raw.files union select run_date "
                "from raw.articles) where run_date not in (select unnest(?::date[]))",
                [dates],
            ).fetchall()[0]
        except duckdb.CatalogException:  # no raw tables yet: nothing to decide here
            return False
    return others == 0


def _migrate_raw(settings: Settings) -> None:
    """The raw schema of this version (a new column, filled for existing rows: run_date of
    the per-article tables) before a full build, which may come before any load does it."""
    from extract.warehouse import connect, ensure_schema

    with connect(settings.db_path) as con:
        ensure_schema(con)


def build(
    settings: Settings, run_dates: Iterable[dt.date] | None = None, *,
    full_refresh: bool = False, parsed: ParsedProject | None = None,
    refresh_whole: bool = False,
) -> None:
    """``dbt build``. With ``run_dates`` (the runs loaded since the last build: a nightly run
    passes its date, a backfill the dates it loaded) the incremental models recompute only
    the articles of those runs and of the runs still pending from an earlier load or a
    failed build (README "Incremental builds"). Without it, or with ``full_refresh``,
    everything is rebuilt (``--full-refresh``); so is it when the dbt project changed since
    the last successful build (a model, macro or seed: the stored rows may be stale).
    ``parsed`` (``parse_project``) is used when the project is still the one it parsed.
    ``refresh_whole`` (a backfill's build): when the runs to build are every run the
    warehouse holds (its first backfill), build them with ``--full-refresh`` instead; a
    nightly build keeps the incremental path, which its tests and benchmark exercise.
    """
    owed = pending_run_dates(settings)
    fingerprint = project_fingerprint()
    stamp = _fingerprint_path(settings)
    changed = not stamp.exists() or stamp.read_text() != fingerprint
    manifest = parsed.manifest if parsed and parsed.fingerprint == fingerprint else None
    built = owed
    incremental = run_dates is not None and not full_refresh and not changed
    whole = False  # every run the warehouse holds is rebuilt (a first backfill)
    if incremental:
        built = owed | {dt.date.fromisoformat(str(d)) for d in run_dates or ()}
        whole = refresh_whole and holds_only(settings.db_path, built)
        # and the later runs whose one-word names these runs relink (extract/relink.py)
        relinked = set() if whole else relinked_runs(settings.db_path, built)
        if relinked:
            log.info("%d later runs relinked by runs %s: %s", len(relinked),
                     ", ".join(map(str, sorted(built))), ", ".join(map(str, sorted(relinked))))
        built |= relinked
        mark_pending(settings, built)  # still owed if this build fails
        incremental = _set_build_runs(settings, () if whole else built)
    if incremental and whole:
        # Recomputing every run incrementally is a full rebuild that also deletes rows that
        # are not there and scopes every model to all runs: create the tables instead
        # (~0.5 CPU s of a 3,000-story backfill's build, docs/benchmarks.md). Seeds and unit
        # tests are still skipped: the project is the one the last build ran them for.
        log.info("the warehouse holds only runs %s..%s, all rebuilt: full refresh",
                 min(built), max(built))
        run_dbt(settings, ["build", "--full-refresh", *UNCHANGED_PROJECT], manifest)
        incremental = False  # owed to the next publish as a full build: every mart's rows
    elif incremental:
        run_dbt(settings, ["build", *UNCHANGED_PROJECT], manifest)
    else:
        if run_dates is not None and changed and not full_refresh:
            log.info("dbt project changed since the last build (or none yet): full rebuild")
        _migrate_raw(settings)
        run_dbt(settings, ["build", "--full-refresh"], manifest)
    _set_build_runs(settings, ())  # a later plain `dbt build` has nothing to recompute
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)
    with _pending_lock(settings):
        left = pending_run_dates(settings) - built  # loaded by another process meanwhile
        if left:
            _write_pending(settings, left)
        else:
            pending_path(settings).unlink(missing_ok=True)
    mark_unpublished(settings, built if incremental else None)  # owed to the next publish


# The publish ledger: what changed in the marts since the last publish (extract/publish.py).


def unpublished_path(settings: Settings):
    return settings.home / "dbt" / "unpublished.json"


def unpublished_runs(settings: Settings) -> set[dt.date] | None:
    """Runs rebuilt since the last publish; None: publish everything (a full build since,
    or no ledger yet)."""
    path = unpublished_path(settings)
    if not path.exists():
        return None
    owed = json.loads(path.read_text())
    if owed.get("full"):
        return None
    return {dt.date.fromisoformat(d) for d in owed["run_dates"]}


def _write_unpublished(settings: Settings, owed: set[dt.date] | None) -> None:
    body = {"full": True} if owed is None else {"run_dates": sorted(d.isoformat() for d in owed)}
    _write_json(unpublished_path(settings), body)


def _unpublished_lock(settings: Settings):
    return _locked(unpublished_path(settings))


def mark_unpublished(settings: Settings, run_dates: Iterable[dt.date] | None) -> None:
    """After a successful build: its runs (None: all, a full build) are owed to the next
    publish, added to those still owed (a full build wins)."""
    with _unpublished_lock(settings):
        owed = unpublished_runs(settings)
        if owed is not None and run_dates is not None:
            owed = owed | {dt.date.fromisoformat(str(d)) for d in run_dates}
        else:
            owed = None
        _write_unpublished(settings, owed)


def clear_unpublished(settings: Settings, published: set[dt.date] | None) -> None:
    """After a publish switched in: ``published`` (None: every mart copied whole) is no
    longer owed; runs another build recorded meanwhile stay owed."""
    with _unpublished_lock(settings):
        owed = unpublished_runs(settings)
        if published is None:
            owed = set()
        elif owed is not None:
            owed = owed - published
        _write_unpublished(settings, owed)
