"""Which files a run reads, and what became of each: the ``raw.files`` manifest.

A run for date D takes every ``*.txt`` file under the archive that no *other* run has
claimed (same path, size and mtime, or same path and content), whose date is D or earlier.
Files dated after D wait for their own run; the nightly DAG also leaves files dated more
than ``WIREHOUSE_LATE_DAYS`` before D to a backfill (``plan_run(late_days=...)``); files
that cannot be dated are taken by the first run that sees them. So late files are picked
up by the next run, and a rerun of D reconsiders exactly the files D claimed before, plus
any that arrived since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat as stat_module
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extract.reader import MAX_FILE_BYTES, Article, Rejection, parse_article

_READ_BLOCK = 1024 * 1024

_DATE_DIR = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True)
class Candidate:
    path: str  # relative to the archive, POSIX separators
    absolute: Path
    size_bytes: int
    mtime_ns: int
    problem: Rejection | None = None  # set when the entry cannot even be opened as a file


@dataclass(frozen=True)
class FileOutcome:
    candidate: Candidate
    content_hash: str | None
    status: str  # loaded | duplicate | rejected
    article: Article | None
    rejection: Rejection | None
    duplicate_of: str | None = None


def _skip_dir(name: str, until: dt.date, since: dt.date | None = None) -> bool:
    """Date-named folders after ``until`` (or before ``since``) hold no file this run may
    take."""
    if not _DATE_DIR.match(name):
        return False
    return name > until.isoformat() or (since is not None and name < since.isoformat())


def list_candidates(
    archive: Path, until: dt.date, since: dt.date | None = None
) -> Iterator[Candidate]:
    """Every article-like entry under ``archive`` in a stable order, without reading it.

    Date-named folders outside ``since``..``until`` are not walked: a nightly run with a
    late window lists the days it may take, not the whole history.
    """
    root = archive.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        dirnames.sort()
        for name in list(dirnames):
            if _skip_dir(name, until, since):
                dirnames.remove(name)
            elif name.lower().endswith(".txt"):
                # A folder named like an article: report it rather than ignore it.
                dirnames.remove(name)
                yield Candidate(
                    (base / name).relative_to(root).as_posix(), base / name, 0, 0,
                    Rejection("not_a_file", "a directory named like an article file"),
                )
        for name in sorted(filenames):
            if not name.lower().endswith(".txt") or name.startswith("."):
                continue
            path = base / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                try:
                    target = path.resolve()
                except (OSError, RuntimeError) as exc:  # a symlink loop
                    yield Candidate(
                        rel, path, 0, 0, Rejection("unreadable", f"cannot resolve: {exc}")
                    )
                    continue
                if not target.is_relative_to(root):
                    yield Candidate(
                        rel, path, 0, 0,
                        Rejection(
                            "symlink_outside_archive", f"symlink to {target} outside the archive"
                        ),
                    )
                    continue
            try:
                stat = path.stat()
            except OSError as exc:
                yield Candidate(rel, path, 0, 0, Rejection("unreadable", f"cannot stat: {exc}"))
                continue
            if not path.is_file():
                yield Candidate(rel, path, 0, 0, Rejection("not_a_file", "not a regular file"))
                continue
            yield Candidate(rel, path, stat.st_size, stat.st_mtime_ns)


def read_candidate(candidate: Candidate) -> tuple[str | None, Article | Rejection]:
    """Hash and parse one file; never raises for a bad file, never blocks on a FIFO.

    The file is opened non-blocking and checked to be a regular file on the open handle (it
    may have been swapped since it was listed), then read in blocks: only the first
    ``MAX_FILE_BYTES`` are kept in memory, the hash covers every byte.
    """
    if candidate.problem is not None:
        return None, candidate.problem
    try:
        fd = os.open(candidate.absolute, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return None, Rejection("unreadable", f"cannot open: {exc.strerror or exc}")
    digest = hashlib.sha256()
    kept: list[bytes] = []
    n_bytes = 0
    try:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            return None, Rejection("not_a_file", "not a regular file when opened")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            while block := handle.read(_READ_BLOCK):
                digest.update(block)
                if n_bytes <= MAX_FILE_BYTES:
                    kept.append(block)
                n_bytes += len(block)
    except OSError as exc:
        return None, Rejection("unreadable", f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if n_bytes > MAX_FILE_BYTES:
        return digest.hexdigest(), Rejection(
            "too_large", f"{n_bytes} bytes is more than the {MAX_FILE_BYTES} byte limit"
        )
    return digest.hexdigest(), parse_article(b"".join(kept))
