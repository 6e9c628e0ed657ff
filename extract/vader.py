"""VADER's compound score, computed as ``vaderSentiment`` computes it, at a fraction of the cost.

``SentimentIntensityAnalyzer.polarity_scores`` lowercases the whole word list again for every
negation test (up to three per sentiment word), for every idiom test and for the "but" test,
and ``negated`` copies and scans the 60-word ``NEGATE`` list per test: per sentence its cost
grows with the square of the words. Here each word is lowercased once, ``NEGATE`` is a set,
and the rare rules (idioms, "but") are skipped when none of their words is near; where they
can apply, the package's own functions run. The arithmetic is the package's, operation for
operation and in its order, so the score is the same float (``tests/test_vader.py`` compares
it with ``polarity_scores`` on sentences written for each of its rules, and on generated
ones). The lexicon, emoji table and constants are read from the installed package.

Only ``compound`` is computed: the raw tables keep nothing else (``pos``/``neg``/``neu`` do
not change it).
"""

from __future__ import annotations

import string
from typing import Any

from vaderSentiment import vaderSentiment as _vs

_SIA = _vs.SentimentIntensityAnalyzer
BOOSTER = _vs.BOOSTER_DICT
N_SCALAR = _vs.N_SCALAR
C_INCR = _vs.C_INCR
NEGATE = frozenset(_vs.NEGATE)
# Every word of a multi-word special case or booster ("kiss of death", "sort of"): where none
# is within the idiom check's window, that check cannot change a valence.
IDIOM_WORDS = frozenset(
    word for key in (*_vs.SPECIAL_CASES, *(k for k in BOOSTER if " " in k))
    for word in key.split(" "))
_PUNCT = string.punctuation


class Vader:
    """``compound(text)`` equals ``SentimentIntensityAnalyzer().polarity_scores(text)
    ["compound"]``; built on a loaded analyzer (its lexicon and emoji table)."""

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer
        self.lexicon: dict[str, float] = analyzer.lexicon
        self.emojis: dict[str, str] = analyzer.emojis
        # polarity_scores tests one character at a time, so only 1-character keys can match.
        self.emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)

    def _no_emoji(self, text: str) -> str:
        """polarity_scores' emoji replacement (its loop, run only when an emoji is there)."""
        if self.emoji_chars.isdisjoint(text):
            return text
        out = ""
        prev_space = True
        for char in text:
            if char in self.emojis:
                if not prev_space:
                    out += " "
                out += self.emojis[char]
                prev_space = False
            else:
                out += char
                prev_space = char == " "
        return out

    def compound(self, text: str) -> float:
        text = self._no_emoji(text).strip()
        # SentiText._words_and_emoticons: strip punctuation unless 2 characters or fewer remain
        words = []
        for token in text.split():
            stripped = token.strip(_PUNCT)
            words.append(token if len(stripped) <= 2 else stripped)
        lowers = [word.lower() for word in words]
        n = len(words)
        n_upper = 0
        for word in words:
            if word.isupper():
                n_upper += 1
        is_cap_diff = 0 < n - n_upper < n
        lexicon = self.lexicon
        sentiments: list[float] = []
        append = sentiments.append
        for i, lower in enumerate(lowers):
            if lower in BOOSTER:
                append(0)
                continue
            if i < n - 1 and lower == "kind" and lowers[i + 1] == "of":
                append(0)
                continue
            if lower not in lexicon:
                append(0)  # sentiment_valence appends the int 0 it was given
                continue
            append(self._valence(words, lowers, i, is_cap_diff))
        if "but" in lowers:
            sentiments = _SIA._but_check(words, sentiments)
        if not sentiments:
            return 0.0
        # score_valence, compound only
        sum_s = float(sum(sentiments))
        punct_emph_amplifier = self.analyzer._punctuation_emphasis(text)
        if sum_s > 0:
            sum_s += punct_emph_amplifier
        elif sum_s < 0:
            sum_s -= punct_emph_amplifier
        return round(_vs.normalize(sum_s), 4)

    def _valence(self, words: list[str], lowers: list[str], i: int, is_cap_diff: bool) -> float:
        """SentimentIntensityAnalyzer.sentiment_valence for a lexicon word at ``i``."""
        lexicon = self.lexicon
        lower = lowers[i]
        n = len(lowers)
        valence = lexicon[lower]
        if lower == "no" and i != n - 1 and lowers[i + 1] in lexicon:
            valence = 0.0
        if (i > 0 and lowers[i - 1] == "no") or (i > 1 and lowers[i - 2] == "no") or (
                i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor")):
            valence = lexicon[lower] * N_SCALAR
        if words[i].isupper() and is_cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(3):
            if i > start_i and lowers[i - (start_i + 1)] not in lexicon:
                j = i - (start_i + 1)
                # scalar_inc_dec
                s = 0.0
                if lowers[j] in BOOSTER:
                    s = BOOSTER[lowers[j]]
                    if valence < 0:
                        s *= -1
                    if words[j].isupper() and is_cap_diff:
                        if valence > 0:
                            s += C_INCR
                        else:
                            s -= C_INCR
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _negation_check(valence, lowers, start_i, i)
                if start_i == 2 and not IDIOM_WORDS.isdisjoint(lowers[i - 3:i + 3]):
                    valence = _SIA._special_idioms_check(valence, words, i)
        # _least_check
        if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence


def _negated(lower: str) -> bool:
    """vaderSentiment's ``negated([word])`` for one lowercased word."""
    return lower in NEGATE or "n't" in lower


def _negation_check(valence: float, lowers: list[str], start_i: int, i: int) -> float:
    """SentimentIntensityAnalyzer._negation_check on the already lowercased words."""
    if start_i == 0:
        if _negated(lowers[i - 1]):
            valence = valence * N_SCALAR
    if start_i == 1:
        if lowers[i - 2] == "never" and (lowers[i - 1] == "so" or lowers[i - 1] == "this"):
            valence = valence * 1.25
        elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
            pass
        elif _negated(lowers[i - 2]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if lowers[i - 3] == "never" and (lowers[i - 2] == "so" or lowers[i - 2] == "this") or \
                (lowers[i - 1] == "so" or lowers[i - 1] == "this"):
            valence = valence * 1.25
        elif lowers[i - 3] == "without" and (lowers[i - 2] == "doubt" or lowers[i - 1] == "doubt"):
            pass
        elif _negated(lowers[i - 3]):
            valence = valence * N_SCALAR
    return valence
