"""End to end through the real DAG: `wirehouse run` drives `airflow dags test` on the seed date."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import FIXTURES, SEED

    root = tmp_path_factory.mktemp("e2e")
    archive = root / "archive"
    shutil.copytree(FIXTURES / "archive", archive)
    shutil.copy(SEED, archive / SEED.name)
    env = dict(os.environ, WIREHOUSE_HOME=str(root / "home"))
    env.pop("AIRFLOW_HOME", None)
    wirehouse = str(Path(sys.executable).with_name("wirehouse"))
    result = subprocess.run(
        [wirehouse, "run", "--archive", str(archive), "--date", "2019-03-05"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2019-03-05 done: 6 files seen, 3 loaded, 1 duplicates, 2 rejected" in result.stdout
    return root / "home" / "published" / "wirehouse.duckdb"


def test_countries_of_the_seed_are_mentioned(published: Path) -> None:
    with duckdb.connect(str(published), read_only=True) as con:
        rows = dict(con.execute(
            "select iso3, n_mentions from dim_countries "
            "where iso3 in ('IRN', 'RUS', 'ISR', 'SYR')"
        ).fetchall())
    assert set(rows) == {"IRN", "RUS", "ISR", "SYR"}
    assert all(n > 0 for n in rows.values())
    # "Iranian", "Tehran" and "Iran" are one actor.
    assert rows["IRN"] >= 8


def test_people_of_the_seed_are_actors(published: Path) -> None:
    with duckdb.connect(str(published), read_only=True) as con:
        people = {r[0] for r in con.execute(
            "select actor_name from dim_actors where actor_type = 'person'"
        ).fetchall()}
    # "Binyamin Netanyahu" in the text is the KB's "Benjamin Netanyahu" (one of its aliases).
    assert {"Bahram Ghasemi", "Benjamin Netanyahu"} <= people
    assert any(name.endswith("Putin") for name in people)


def test_iran_russia_relation_on_the_seed_date(published: Path) -> None:
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "select n_articles, n_sentences from fct_country_relations "
            "where relation_date = ? and country_a = 'IRN' and country_b = 'RUS'",
            [dt.date(2019, 3, 5)],
        ).fetchall()
    assert rows and rows[0][0] >= 1 and rows[0][1] >= 1


def test_mention_offsets_point_into_the_article_text(published: Path) -> None:
    with duckdb.connect(str(published), read_only=True) as con:
        bad = con.execute(
            "select count(*) from fct_actor_mentions as m "
            "join dim_articles as a using (article_id) "
            "where substring(a.article_text, m.start_char + 1, m.end_char - m.start_char) "
            "<> m.mention_text"
        ).fetchall()[0][0]
        total = con.execute("select count(*) from fct_actor_mentions").fetchall()[0][0]
    assert total > 20
    assert bad == 0


def test_actors_of_the_seed_are_coded(published: Path) -> None:
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "select coalesce(a.actor_name, m.mention_text), m.mention_text, m.country_iso3, "
            "m.sector from fct_actor_mentions as m "
            "left join dim_actors as a on m.actor_id = a.actor_id "
            "where m.article_date = ? order by m.start_char",
            [dt.date(2019, 3, 5)],
        ).fetchall()
    first: dict[str, tuple] = {}
    for name, text, country, sector in rows:
        first.setdefault(name, (country, sector))
        first.setdefault(text, (country, sector))
    expected = {
        "Bahram Ghasemi": ("IRN", "GOV"), "Benjamin Netanyahu": ("ISR", "GOV"),
        "Mahmoud Ahmadinejad": ("IRN", "GOV"), "Ali Akbar Velayati": ("IRN", "GOV"),
        "Ali Khamenei": ("IRN", "GOV"), "Assad": ("SYR", "GOV"),
        "Iranian Revolutionary Guards": ("IRN", "MIL"), "Iran's foreign ministry": ("IRN", "GOV"),
        "Israeli officials": ("ISR", "GOV"),
    }
    assert {k: first.get(k) for k in expected} == expected
    assert first.get("President Putin") == ("RUS", "GOV")


def test_seed_country_relations_have_polarity(published: Path) -> None:
    with duckdb.connect(str(published), read_only=True) as con:
        pairs = {
            (r[0], r[1]): r[2]
            for r in con.execute(
                "select p.country_a, p.country_b, p.polarity from fct_article_country_pairs as p "
                "join dim_articles as a using (article_id) "
                "where a.article_text like 'Iran''s foreign ministry insisted%'"
            ).fetchall()
        }
        daily = dict(
            ((r[0], r[1]), r[2]) for r in con.execute(
                "select country_a, country_b, net_polarity from fct_country_relations "
                "where relation_date = ?", [dt.date(2019, 3, 5)]).fetchall()
        )
    expected = {("IRN", "RUS"): "cooperation", ("ISR", "RUS"): "cooperation",
                ("IRN", "ISR"): "conflict", ("IRN", "SYR"): "cooperation"}
    assert {k: pairs.get(k) for k in expected} == expected
    assert {k: daily.get(k) for k in expected} == expected


def test_seed_statements_have_named_coded_speakers(published: Path) -> None:
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "select s.speaker_text, s.speaker_name, s.speaker_country_iso3, s.speaker_sector, "
            "s.cue from fct_statements as s join dim_articles as a using (article_id) "
            "where a.source_path = '000_39bce321e0bbfa00.txt' order by s.content_start"
        ).fetchall()
    # the seed's 11 attributions: 3 quoted, 5 reported clauses holding a quoted fragment,
    # 3 reported without quotes (the nested "..., AFP reported" and a speakerless one)
    assert len(rows) == 11
    assert (None, None, None, None, "was reported") in rows
    assert any(r[:2] == ("AFP", "AFP") and r[4] == "reported" for r in rows)
    # "he charged" resolves to the spokesman named two paragraphs earlier.
    assert ("he", "Bahram Ghasemi", "IRN", "GOV", "charged") in rows
    # A surname resolves to the full name used earlier in the article.
    assert ("Netanyahu", "Binyamin Netanyahu", "ISR", "GOV", "said") in rows
    assert rows[-1][1:] == ("Bahram Ghasemi", "IRN", "GOV", "saying")
