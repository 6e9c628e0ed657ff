"""Read article files in the seed format, or say precisely why a file cannot be read.

Seed format: optional leading whitespace, then ``date YYYY-MM-DD``, then the article text on
the same line or from the next line. Reading rules (documented in docs/reliability.md):

- a UTF-8 byte-order mark is dropped; CRLF and CR line ends become LF;
- the text is everything after the date token, stripped of surrounding whitespace;
- files that are not valid UTF-8 are rejected (we never guess an encoding: a wrong guess
  would silently corrupt names), as are files with NUL bytes (binary);
- ``article_id`` is a hash of the text with whitespace collapsed, so the same story under
  two file names (or with other line ends) is one article;
- a file over ``MAX_FILE_BYTES`` (20 MB) is rejected as ``too_large`` without being held in
  memory, and a text over ``MAX_TEXT_CHARS`` (5 MiB = 5,242,880 characters, about 800,000
  words: a long transcript or report fits) is rejected as ``too_long``; below that limit a
  long text (one line or many) is read and parsed in sections (``extract/sections.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from extract.config import EARLIEST_DATE, LATEST_DATE

MAX_FILE_BYTES = 20 * 1024 * 1024  # larger files are not news articles; keep memory flat
# Longer texts are parsed in sections (extract/sections.py), memory bounded by the section;
# the limit bounds a run's time and the rows one article holds (5 MiB of characters).
MAX_TEXT_CHARS = 5 * 1024 * 1024
MIN_DATE = EARLIEST_DATE  # see extract/config.py: the DAGs start on the same date
MAX_DATE = LATEST_DATE

_DATE_LINE = re.compile(r"\Adate[ \t]+(\S+)[ \t]*(.*)\Z", re.DOTALL)
_ISO_DATE = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})\Z")


@dataclass(frozen=True)
class Article:
    article_id: str
    article_date: dt.date
    text: str
    title: str


@dataclass(frozen=True)
class Rejection:
    reason: str  # short code: empty, binary, not_utf8, no_date_line, bad_date, ...
    detail: str  # human-readable, precise enough to fix the file
    article_date: dt.date | None = None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_id_for(text: str) -> str:
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:20]


def parse_date(token: str) -> dt.date | Rejection:
    match = _ISO_DATE.match(token)
    if not match:
        return Rejection("bad_date", f"date {token[:40]!r} is not in the form YYYY-MM-DD")
    try:
        value = dt.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        return Rejection("impossible_date", f"date {token} does not exist ({exc})")
    if not MIN_DATE <= value <= MAX_DATE:
        return Rejection(
            "date_out_of_range", f"date {token} is outside {MIN_DATE}..{MAX_DATE}", value
        )
    return value


def parse_article(data: bytes) -> Article | Rejection:
    """Parse the bytes of one file; never raises for bad content."""
    if len(data) == 0:
        return Rejection("empty", "the file has no bytes")
    if len(data) > MAX_FILE_BYTES:
        return Rejection(
            "too_large", f"{len(data)} bytes is more than the {MAX_FILE_BYTES} byte limit"
        )
    if b"\x00" in data:
        offset = data.index(b"\x00")
        return Rejection("binary", f"NUL byte at offset {offset}: not a text file")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection(
            "not_utf8", f"invalid UTF-8 byte 0x{data[exc.start]:02x} at offset {exc.start}"
        )
    raw = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    body = raw.lstrip()
    if not body:
        return Rejection("whitespace_only", "the file holds only whitespace")
    first_line, _, rest = body.partition("\n")
    match = _DATE_LINE.match(first_line.rstrip())
    if not match:
        return Rejection(
            "no_date_line", f"first line {first_line[:60]!r} does not start with 'date YYYY-MM-DD'"
        )
    parsed = parse_date(match.group(1))
    if isinstance(parsed, Rejection):
        return parsed
    same_line = match.group(2).strip()
    text = (same_line + "\n" + rest if same_line else rest).strip()
    if not text:
        return Rejection("no_text", "the date line is not followed by any text", parsed)
    if len(text) > MAX_TEXT_CHARS:
        return Rejection(
            "too_long",
            f"{len(text)} characters of text is more than the {MAX_TEXT_CHARS} character limit",
            parsed,
        )
    title = text.split("\n", 1)[0].strip()[:300]
    return Article(article_id_for(text), parsed, text, title)


def peek_date(path: Path) -> dt.date | None:
    """The date of a file from its first line, or None when it has no valid date line.

    Reads only up to the end of the first non-blank line, however much whitespace comes
    before it (the reader accepts any amount), and never more than ``MAX_FILE_BYTES``.
    """
    text = ""
    n_bytes = 0
    try:
        with path.open("rb") as handle:
            while n_bytes <= MAX_FILE_BYTES and not ("\n" in text or "\r" in text):
                block = handle.read(4096 if n_bytes == 0 else 65536)
                if not block:
                    break
                piece = block.decode("utf-8", errors="ignore")
                if n_bytes == 0:
                    piece = piece.removeprefix("\ufeff")
                n_bytes += len(block)
                # Leading whitespace is dropped as it comes, so a blank prefix costs nothing.
                text = text + piece if text else piece.lstrip()
    except OSError:
        return None
    first = text.replace("\r", "\n").split("\n", 1)[0]
    match = _DATE_LINE.match(first.rstrip())
    if not match:
        return None
    parsed = parse_date(match.group(1))
    return parsed if isinstance(parsed, dt.date) else None
