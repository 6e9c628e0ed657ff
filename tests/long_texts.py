"""Long article texts for the tests of sectioned parsing (sentences written for these tests).

Each sentence is followed by a long reference code (one token of 4,000 characters): the
character count -- what the length limit and the section cuts see -- is real, while the
token count, which is what spaCy's time follows, stays small enough for CI (1 MB of this
text is ~25,000 tokens, 1 MB of prose ~200,000).
"""

from __future__ import annotations

import hashlib

SENTENCES = (
    'Foreign Minister Jane Okafor of Kenya said on Monday that "the talks with Uganda will '
    'go on until both sides sign."',
    "Okafor added that the ministry in Nairobi would send a delegation to Kampala.",
    '"We expect an agreement before the rains," said Peter Lindqvist, a spokesman for the '
    "Swedish government.",
    "Police in Oslo arrested two men after a protest outside the Kenyan embassy.",
)
CODE_CHARS = 4000


def _code(index: int) -> str:
    digest = hashlib.sha256(str(index).encode()).hexdigest()
    return (digest * (CODE_CHARS // len(digest) + 1))[:CODE_CHARS]


def long_text(n_chars: int, *, paragraphs: bool) -> str:
    """About ``n_chars`` characters of sentences, one paragraph (one line) or one paragraph
    per sentence."""
    parts: list[str] = []
    size = 0
    index = 0
    while size < n_chars:
        part = f"{SENTENCES[index % len(SENTENCES)]} Reference {_code(index)}."
        parts.append(part)
        size += len(part) + 1
        index += 1
    return ("\n" if paragraphs else " ").join(parts)
