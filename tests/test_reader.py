"""The seed-format reader: both variants, and a precise rejection for each malformed case."""

from __future__ import annotations

import datetime as dt

import pytest

from extract.reader import Article, Rejection, article_id_for, parse_article, peek_date


def test_date_and_text_on_the_same_line() -> None:
    got = parse_article(b'date 2019-03-05 Iran said "yes".\n\nSecond paragraph.')
    assert isinstance(got, Article)
    assert got.article_date == dt.date(2019, 3, 5)
    assert got.text == 'Iran said "yes".\n\nSecond paragraph.'
    assert got.title == 'Iran said "yes".'


def test_text_from_the_next_line_with_leading_whitespace() -> None:
    got = parse_article(b"\n\n   date 2019-03-05\nHeadline here\n\nBody text.\n")
    assert isinstance(got, Article)
    assert got.text == "Headline here\n\nBody text."
    assert got.title == "Headline here"


def test_bom_and_crlf_are_normalised() -> None:
    got = parse_article(b"\xef\xbb\xbfdate 2019-03-05\r\nLine one\r\nLine two\r\n")
    assert isinstance(got, Article)
    assert got.text == "Line one\nLine two"


def test_same_story_with_other_whitespace_is_the_same_article() -> None:
    a = parse_article(b"date 2019-03-05\nOne  story\n here.")
    b = parse_article(b"date 2019-03-05 One story here.")
    assert isinstance(a, Article) and isinstance(b, Article)
    assert a.article_id == b.article_id == article_id_for("One story here.")
    c = parse_article(b"date 2019-03-05 Another story.")
    assert isinstance(c, Article) and c.article_id != a.article_id


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "whitespace_only"),
        (b"Just a story without a date line.\n", "no_date_line"),
        (b"date yesterday\nText.", "bad_date"),
        (b"date 2019-3-5\nText.", "bad_date"),
        (b"date 2019-02-30\nText.", "impossible_date"),
        (b"date 2019-13-01\nText.", "impossible_date"),
        (b"date 2999-01-01\nText.", "date_out_of_range"),
        (b"date 2019-03-05\n   \n", "no_text"),
        (b"date 2019-03-05\nCaf\xe9 owners said so.", "not_utf8"),
        (b"date 2019-03-05\nbin\x00ary", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_malformed_files_are_rejected_with_a_reason(data: bytes, reason: str) -> None:
    got = parse_article(data)
    assert isinstance(got, Rejection)
    assert got.reason == reason
    assert got.detail


def test_not_utf8_detail_names_the_byte_and_offset() -> None:
    got = parse_article(b"date 2019-03-05\nCaf\xe9")
    assert isinstance(got, Rejection)
    assert got.detail == "invalid UTF-8 byte 0xe9 at offset 19"


def test_peek_date_reads_only_the_header(tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"  date 2019-03-07\nText")
    assert peek_date(path) == dt.date(2019, 3, 7)
    path.write_bytes(b"no date")
    assert peek_date(path) is None
    # Any amount of leading whitespace, as the reader allows (`wirehouse dates` lists it).
    path.write_bytes(b" \n" * 50_000 + b"date 1987-03-02\r\nText")
    assert peek_date(path) == dt.date(1987, 3, 2)
    assert parse_article(path.read_bytes()).article_date == dt.date(1987, 3, 2)


@pytest.mark.parametrize(
    ("token", "ok"),
    [("1600-01-01", True), ("1851-09-18", True), ("1987-03-02", True), ("2100-12-31", True),
     ("1599-12-31", False), ("0987-03-02", False), ("2101-01-01", False)],
)
def test_historical_dates_are_read_and_typos_rejected(token: str, ok: bool) -> None:
    got = parse_article(f"date {token}\nA story.".encode())
    if ok:
        assert isinstance(got, Article) and got.article_date.isoformat() == token
    else:
        assert isinstance(got, Rejection) and got.reason == "date_out_of_range"
