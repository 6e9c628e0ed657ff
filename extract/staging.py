"""Staging every worker can reach: chunks and their Arrow results through a URL.

Without ``WIREHOUSE_STAGING_URL`` (one machine, the default) the DAG's steps talk through
``$WIREHOUSE_HOME/staging/`` alone, as they always did. With it -- ``file:///shared/dir`` on a
filesystem every machine mounts, or ``s3://bucket/prefix`` (any S3 API: AWS, MinIO; endpoint
and keys from the usual ``AWS_*`` variables) -- the steps exchange files through it:

1. ``plan`` (on the warehouse worker) stages locally as before, then uploads each chunk to
   extract: ``<url>/<run key>/<date>/<chunk>/articles.arrow``;
2. ``extract`` (on any worker) downloads its chunk, runs spaCy, uploads the span tables next
   to it; a retry whose chunk is already uploaded does not redo it;
3. ``load_raw`` (on the warehouse worker) downloads every result into its local staging,
   loads as before, then deletes the run's folder.

The run key is the Airflow run's id, so two runs never mix files. The DuckDB file never
leaves the warehouse worker's local disk; only Arrow IPC files travel.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from extract import tables
from extract.config import Settings

log = logging.getLogger(__name__)

URL_ENV = "WIREHOUSE_STAGING_URL"
INPUT = "articles.arrow"
RESULTS = tuple(f"{name}.arrow" for name in tables.ARTICLE_TABLES)


def staging_url() -> str | None:
    return os.environ.get(URL_ENV) or None


class SharedStaging:
    """One run's folder under the staging URL (fsspec: local, s3, or any other protocol)."""

    def __init__(self, url: str, run_key: str) -> None:
        import fsspec

        self.url = url
        self.fs, root = fsspec.core.url_to_fs(url)
        key = re.sub(r"[^A-Za-z0-9._=-]+", "_", run_key)
        self.root = f"{root.rstrip('/')}/{key}"

    def _remote(self, ref: str, name: str) -> str:
        return f"{self.root}/{ref}/{name}"

    def put(self, local: Path, ref: str, name: str) -> None:
        # Upload under a temporary name, then move: a reader never sees half a file
        # (a move on S3 is copy + delete, still never a partial object).
        remote = self._remote(ref, name)
        self.fs.makedirs(remote.rsplit("/", 1)[0], exist_ok=True)  # local dirs; no-op on S3
        self.fs.put_file(str(local), remote + ".part")
        self.fs.mv(remote + ".part", remote)

    def get(self, ref: str, name: str, local: Path) -> None:
        local.parent.mkdir(parents=True, exist_ok=True)
        tmp = local.with_suffix(".download")
        self.fs.get_file(self._remote(ref, name), str(tmp))
        tmp.replace(local)

    def has(self, ref: str, names: tuple[str, ...]) -> bool:
        try:
            self.fs.invalidate_cache()
            present = {Path(p).name for p in self.fs.ls(f"{self.root}/{ref}", detail=False)}
        except FileNotFoundError:
            return False
        return all(n in present for n in names)

    def remove(self) -> None:
        if self.fs.exists(self.root):
            self.fs.rm(self.root, recursive=True)


def shared(run_key: str) -> SharedStaging | None:
    url = staging_url()
    return SharedStaging(url, run_key) if url else None


def _local(settings: Settings, ref: str) -> Path:
    return settings.staging_dir / ref


def share_chunks(settings: Settings, run_key: str, refs: list[str]) -> int:
    """After planning: upload each ``YYYY-MM-DD/chunk-NNNNN`` to extract."""
    store = shared(run_key)
    if store is None:
        return 0
    for ref in refs:
        store.put(_local(settings, ref) / INPUT, ref, INPUT)
    log.info("staged %d chunks at %s/%s", len(refs), store.url, store.root.rsplit("/", 1)[-1])
    return len(refs)


def _extract(settings: Settings, ref: str, n_process: int) -> dict[str, int]:
    import datetime as dt

    from extract.runs import extract_chunk

    day, chunk = ref.split("/", 1)
    return extract_chunk(settings, dt.date.fromisoformat(day), chunk, n_process=n_process)


def extract_shared(
    settings: Settings, run_key: str, ref: str, *, n_process: int = 1
) -> dict[str, int] | None:
    """Extract one ``YYYY-MM-DD/chunk-NNNNN`` wherever this worker is; None if an earlier
    try of the same run already uploaded its results."""
    from extract.warehouse import pause_point

    store = shared(run_key)
    if store is None:
        pause_point("extract")
        return _extract(settings, ref, n_process)
    if store.has(ref, RESULTS):
        log.info("chunk %s was extracted by an earlier try: skipped", ref)
        return None
    local = _local(settings, ref)
    pulled = not (local / INPUT).exists()  # present: this is the planner's own staging
    if pulled:
        store.get(ref, INPUT, local / INPUT)
    pause_point("extract")  # crash tests: kill -9 this worker mid-extract
    counts = _extract(settings, ref, n_process)
    for name in RESULTS:
        store.put(local / name, ref, name)
    if pulled:
        shutil.rmtree(local, ignore_errors=True)
    return counts


def collect_shared(settings: Settings, run_key: str, refs: list[str]) -> int:
    """Before loading: download every chunk's results into the warehouse's local staging."""
    store = shared(run_key)
    if store is None:
        return 0
    n = 0
    for ref in refs:
        local = _local(settings, ref)
        if all((local / name).exists() for name in RESULTS):
            continue  # extracted on this machine by an earlier run
        if not store.has(ref, RESULTS):
            continue  # the load names what is missing
        for name in RESULTS:
            store.get(ref, name, local / name)
        n += 1
    return n


def collect_dates(settings: Settings, run_key: str, dates: list) -> int:
    """``collect_shared`` for every chunk the given run dates staged (their plan.json)."""
    import json

    if shared(run_key) is None:
        return 0
    refs = []
    for day in dates:
        plan = settings.staging_dir / day.isoformat() / "plan.json"
        if plan.exists():
            refs += [f"{day.isoformat()}/{c}" for c in json.loads(plan.read_text())["chunks"]]
    return collect_shared(settings, run_key, refs)


def drop_run(run_key: str) -> None:
    store = shared(run_key)
    if store is not None:
        store.remove()
