"""``wirehouse_tags``: the packaged ``attribute_ruler`` and ``lemmatizer`` in one cheaper pass,
with the same output token for token.

Per token, the packaged pipes cost more than the parser (300 Reuters stories, one process:
attribute_ruler 1.1 CPU s, lemmatizer 0.8, parser 1.2; docs/benchmarks.md): spaCy's Matcher
tries each of the ruler's 179 patterns at every token; the lemmatizer caches only the words
that go through its suffix rules (not base forms, proper nouns), and a word it has not seen
scans the lemma index, a list of 57,528 nouns, once per candidate form. Here the same patterns
(read from the loaded ``attribute_ruler``, so a model's own rules are used) are indexed by
the hash of their first token's LOWER, TAG, DEP or IS_SPACE value, so a token tries only
the patterns that can start at it; matches are applied in the ruler's order (all matched
first, then set by pattern number, later rules winning, as ``AttributeRuler.match`` sorts
them) with spaCy's own ``set_token_attrs``; lemmas come from the loaded lemmatizer's
``lemmatize`` (its index lists turned into sets: the same membership answers) and are cached
by the key it caches by (orth, POS, morphology), for every word: its result depends on
nothing else.

``tests/test_tagging.py`` checks TAG, POS, MORPH, DEP and LEMMA of every token against the
packaged pipes; the dev gold sets score identically (docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens._retokenize import set_token_attrs

REPLACED_PIPES = ("attribute_ruler", "lemmatizer")
_ATTRS = ("LOWER", "TAG", "DEP", "IS_SPACE")
FIRST_MEMO = 100_000  # distinct token values whose first-token matches are kept

Check = Callable[[Token], bool]


class UnsupportedPattern(ValueError):
    """A ruler pattern this pass does not implement: keep the packaged pipes."""


def _value_check(attr: str, spec: Any, strings) -> Callable[[Any], bool]:
    """A test of one token attribute value (a hash, or a bool for IS_SPACE)."""
    if attr == "IS_SPACE":
        if not isinstance(spec, bool):
            raise UnsupportedPattern(f"IS_SPACE {spec!r}")
        return lambda value: value == spec
    if isinstance(spec, str):
        key = strings.add(spec)
        return lambda value: value == key
    if not isinstance(spec, dict) or len(spec) != 1:
        raise UnsupportedPattern(f"{attr} {spec!r}")
    (op, arg), = spec.items()
    if op == "IN":
        keys = frozenset(strings.add(v) for v in arg)
        return lambda value: value in keys
    if op == "NOT_IN":
        keys = frozenset(strings.add(v) for v in arg)
        return lambda value: value not in keys
    if op == "REGEX":
        regex = re.compile(arg)
        return lambda value: regex.search(strings[value]) is not None
    raise UnsupportedPattern(f"{attr} {op}")


def _token_check(spec: dict[str, Any], strings) -> tuple[tuple[str, Callable], ...]:
    if set(spec) - set(_ATTRS):
        raise UnsupportedPattern(f"token keys {sorted(spec)}")
    return tuple((attr, _value_check(attr, value, strings)) for attr, value in spec.items())


def _index_keys(spec: dict[str, Any], strings) -> tuple[str, list[Any]] | None:
    """The attribute and values a pattern's first token is indexed under (None: tried at
    every token)."""
    for attr in _ATTRS:
        value = spec.get(attr)
        if value is None:
            continue
        if attr == "IS_SPACE":
            return attr, [value]
        if isinstance(value, str):
            return attr, [strings.add(value)]
        if isinstance(value, dict) and set(value) == {"IN"}:
            return attr, [strings.add(v) for v in value["IN"]]
    return None


def _index_as_sets(lemmatizer: Any) -> None:
    """The rule lemmatizer asks ``form in index`` of each candidate form, and the packaged
    ``lemma_index`` values are lists (57,528 nouns): a linear scan per candidate, the most of
    its cost on a word not seen before. Sets answer the same membership questions."""
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key, value in list(table.items()):
        if isinstance(value, list):
            table[key] = frozenset(value)


class TagRules:
    """The attribute ruler's patterns and the lemmatizer, applied in one pass."""

    def __init__(self, ruler: Any, lemmatizer: Any) -> None:
        strings = ruler.vocab.strings
        self.strings = strings
        self.attrs: list[dict] = list(ruler.attrs)
        self.indices: list[int] = list(ruler.indices)
        # rule number -> list of token checks per pattern
        self.index: dict[str, dict[Any, list[tuple[int, tuple]]]] = {a: {} for a in _ATTRS}
        self.anywhere: list[tuple[int, tuple]] = []
        for number, entry in enumerate(ruler.patterns):
            if not (-1 <= entry.get("index", 0) < 2):
                raise UnsupportedPattern(f"index {entry.get('index')}")
            for pattern in entry["patterns"]:
                if not 1 <= len(pattern) <= 2 or any(
                        set(tok) & {"OP"} for tok in pattern):
                    raise UnsupportedPattern(f"pattern {pattern!r}")
                checks = tuple(_token_check(tok, strings) for tok in pattern)
                keys = _index_keys(pattern[0], strings)
                if keys is None:
                    self.anywhere.append((number, checks))
                else:
                    attr, values = keys
                    for value in values:
                        self.index[attr].setdefault(value, []).append((number, checks))
        if len(self.attrs) != len(ruler.patterns):
            raise UnsupportedPattern("attrs and patterns differ in number")
        self.lemmatizer = lemmatizer
        _index_as_sets(lemmatizer)
        self.overwrite = bool(getattr(lemmatizer, "overwrite", False))
        self.lemma_cache: dict[tuple[int, int, int], int] = {}
        self.first_memo: dict[tuple, tuple] = {}

    def _first(self, key: tuple) -> tuple[tuple[int, ...], tuple[tuple[int, tuple], ...]]:
        """The rules whose pattern's first token matches a token of these (LOWER, TAG, DEP,
        IS_SPACE) values: one-token rules (matched), two-token rules (with the checks left
        for the next token). A pure function of the values, so kept per distinct token."""
        values = dict(zip(_ATTRS, key, strict=True))
        candidates = list(self.anywhere)
        for attr in _ATTRS:
            hit = self.index[attr].get(values[attr])
            if hit:
                candidates += hit
        singles: list[int] = []
        pairs: list[tuple[int, tuple]] = []
        for number, checks in candidates:
            if all(check(values[attr]) for attr, check in checks[0]):
                if len(checks) == 1:
                    singles.append(number)
                else:
                    pairs.append((number, checks[1]))
        result = (tuple(singles), tuple(pairs))
        if len(self.first_memo) >= FIRST_MEMO:
            self.first_memo.clear()
        self.first_memo[key] = result
        return result

    def _matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(rule number, start, end) of every pattern match, in the ruler's apply order."""
        # The four attributes of every token, read in one call (Token objects cost more than
        # the matching); IS_SPACE comes as 0/1, which compares and hashes as False/True.
        keys = list(map(tuple, doc.to_array(list(_ATTRS)).tolist()))
        memo = self.first_memo
        found: list[tuple[int, int, int]] = []
        n = len(keys)
        for start, key in enumerate(keys):
            hit = memo.get(key)
            if hit is None:
                hit = self._first(key)
            singles, pairs = hit
            for number in singles:
                found.append((number, start, start + 1))
            if pairs and start + 1 < n:
                following = dict(zip(_ATTRS, keys[start + 1], strict=True))
                for number, second in pairs:
                    if all(check(following[attr]) for attr, check in second):
                        found.append((number, start, start + 2))
        # The Matcher reports a match once however many of a rule's patterns match it.
        return sorted(set(found))

    def __call__(self, doc: Doc) -> Doc:
        for number, start, end in self._matches(doc):
            # The token the ruler takes as ``Span(doc, start, end)[index]``, without the Span
            index = self.indices[number]
            offset = index if index >= 0 else end - start + index
            if not 0 <= offset < end - start:
                raise IndexError(f"rule {number}: index {index} outside its match")
            set_token_attrs(doc[start + offset], self.attrs[number])
        if not len(doc):
            return doc
        cache = self.lemma_cache
        lemmatize = self.lemmatizer.lemmatize
        strings = self.strings
        overwrite = self.overwrite
        # ORTH, POS, MORPH (token.morph.key) and LEMMA of every token, read after the rules
        # set POS and MORPH; the lemmas are written back in one call (a plain field each).
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if overwrite or lemma == 0:
                key = (orth, pos, morph)
                lemma = cache.get(key)
                if lemma is None:
                    lemma = cache[key] = strings.add(lemmatize(doc[i])[0])
            lemmas.append(lemma)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype=numpy.uint64))
        return doc


@Language.factory("wirehouse_tags")
def make_tags(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Built from the loaded ``attribute_ruler`` and ``lemmatizer`` (added before they are
    removed)."""
    return TagRules(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))


def replace_tag_pipes(nlp: Language) -> bool:
    """Swap ``attribute_ruler`` + ``lemmatizer`` for ``wirehouse_tags`` when both are there
    and every ruler pattern is one this pass implements; else leave the pipeline as it is."""
    if not all(name in nlp.pipe_names for name in REPLACED_PIPES):
        return False
    try:
        nlp.add_pipe("wirehouse_tags", after="lemmatizer")
    except UnsupportedPattern:
        return False
    for name in REPLACED_PIPES:
        nlp.remove_pipe(name)
    return True
