"""``extract.vader`` gives vaderSentiment's compound score bit for bit (differential test).

Each sentence below exercises one of ``polarity_scores``' rules (and its quirks); then
generated sentences mix the words those rules look at, in random case and punctuation. The
reference is the installed package itself, so a package update that changes its algorithm
fails here.
"""

from __future__ import annotations

import random
from functools import lru_cache

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from extract.events import tone
from extract.vader import IDIOM_WORDS, Vader

RULES = {
    "lexicon": ["The talks were good.", "A hostile and unacceptable attack.", "Nothing here.",
                "Officials met on Tuesday in Geneva."],
    "exclamation": ["Good!", "Good!!", "Bad!!!", "Good!!!!", "Bad!!!!!!", "Nothing!!"],
    "question": ["Good?", "Good??", "Bad???", "Good????", "Bad?!?!?!"],
    "but": ["The plot was good, but the dialog was bad.", "Good but good.",
            "Good, good, bad but good and good.", "But it was good.", "It was good but",
            "Good BUT bad, but fine.", "Bad bad but bad bad good."],
    "negation": ["It is not good.", "It isn't good.", "It is not very good.",
                 "It was never so good.", "It was never this good.", "Never good.",
                 "Without doubt a good idea.", "Without a doubt, a good idea.",
                 "Without any doubt good.", "Nobody doesn't like it, nor good",
                 "He wasnt happy", "not at all good", "It is not, in fact, good.",
                 "Seldom good, rarely bad, despite fine.", "uh-uh good", "Ain't bad."],
    "no": ["No good.", "No, good.", "no problem", "There is no bad outcome.",
           "No doubt or good", "no x nor good", "no x or bad", "No no good", "No.", "no"],
    "booster": ["Very good.", "Extremely bad.", "It is so good.", "Really, truly good.",
                "Quite hugely bad.", "Most good and more bad.", "very very very good"],
    "dampener": ["Slightly good.", "Kind of good.", "Sort of bad.", "Kinda good.",
                 "Just enough good.", "Hardly bad.", "It was kind of a good day.",
                 "sort-of bad", "kind of"],
    "caps": ["It was GOOD.", "It was VERY good.", "VERY GOOD DAY", "It is NOT good.",
             "It is SO BAD.", "GOOD", "I AM happy", "A VERY bad, VERY sad DAY."],
    "least": ["The least good idea.", "At least good.", "The very least good.",
              "Least good.", "least bad", "At least it isn't a horrible book."],
    "idioms": ["That is the shit.", "It was the bomb.", "He is a bad ass.", "Yeah right.",
               "The kiss of death.", "A cake to die for.", "A beating heart.",
               "At the bus stop.", "Such a badass!", "He was the shit, sort of good.",
               "It is kind of the bomb.", "not the bomb", "really a bad ass."],
    "emoticons": [":) good", "Make sure you :) or :D today!", ":-( bad", "<3 it", ":/ hmm",
                  "'good'", "(bad)", '"Good," he said.', "--good--", "so... good"],
    "emoji": ["Catch utf-8 emoji such as 💘 and 💋 and 😁", "love💘", "💘💘", "😁 day",
              "👍🏽 nice", "☹", "bad ☹!"],
    "unicode": ["İstanbul was good.", "STRAẞE good", "Ünited GOOD", "ΣΟΦΙΑ bad",
                "naïve good", "good\u00a0day", "tab\tgood\nbad"],
}

# Words the rules look at, sentiment words, and plain ones, for the generated sentences.
VOCAB = sorted({
    "good", "bad", "great", "horrible", "happy", "sad", "love", "hate", "no", "not", "never",
    "isn't", "don't", "without", "doubt", "so", "this", "least", "at", "very", "kind", "of",
    "sort", "just", "enough", "but", "nor", "or", "the", "shit", "bomb", "ass", "yeah",
    "right", "kiss", "death", "to", "die", "for", "beating", "heart", "bus", "stop", "badass",
    "extremely", "slightly", "kinda", "hardly", "nothing", "seldom", "despite", "officials",
    "said", "talks", "war", "peace", "attack", "support", "agreement", ":)", ":(", "lol",
    "😁", "💘", "n't", "ain't", "uh-uh", "fed", "up", "can't", "stand", "yes", "free",
} | IDIOM_WORDS)
PUNCT = ["", "", "", ",", ".", "!", "?", "'", '"', "!!", "??", "...", ")", "(", "-", ";"]


@lru_cache(maxsize=1)
def _pair() -> tuple[SentimentIntensityAnalyzer, Vader]:
    analyzer = SentimentIntensityAnalyzer()
    return analyzer, Vader(analyzer)


def _check(text: str) -> None:
    analyzer, fast = _pair()
    expected = analyzer.polarity_scores(text)["compound"]
    got = fast.compound(text)
    assert repr(got) == repr(expected), (text, got, expected)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_scores_as_the_package(rule: str) -> None:
    for text in RULES[rule]:
        _check(text)


def test_the_rules_do_change_the_score() -> None:
    """The sentences above reach the rules: without them the scores would be the plain ones."""
    _, fast = _pair()
    assert fast.compound("It is not good.") < 0 < fast.compound("It is good.")
    assert fast.compound("It is very good.") > fast.compound("It is good.")
    assert fast.compound("Good!!") > fast.compound("Good.")
    assert fast.compound("Good but bad.") < fast.compound("Bad but good.")
    assert fast.compound("It was the bomb.") > 0 > fast.compound("It was a bomb.")
    assert fast.compound("It was GOOD.") > fast.compound("It was good.")


def _generated(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 14)):
        word = rng.choice(VOCAB)
        case = rng.random()
        if case < 0.15:
            word = word.upper()
        elif case < 0.25:
            word = word.capitalize()
        words.append(rng.choice(PUNCT) * (rng.random() < 0.2) + word + rng.choice(PUNCT))
    return " ".join(words)


def test_generated_sentences_score_as_the_package() -> None:
    rng = random.Random(16)
    for _ in range(20_000):
        _check(_generated(rng))


def test_tone_uses_it() -> None:
    analyzer, _ = _pair()
    text = "Officials said the talks were NOT very good, but peace is possible!!"
    assert tone(text) == analyzer.polarity_scores(text)["compound"] != 0.0
    assert tone("") == 0.0 == tone("  \n")
