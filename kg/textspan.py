"""Locating a curator's quote in a document, tolerant of line breaks only.

Documents are text extractions whose lines break mid-sentence; a curator copies a clause
onto one line. Matching treats any run of whitespace as equal to any other, and nothing
else: dashes, curly quotes and hyphens must be as in the document, so the recorded
`oa:exact` is always the document's own text at the recorded offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) of a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"invalid span {self.start}-{self.end}")


def quote_pattern(quote: str) -> re.Pattern[str]:
    tokens = quote.split()
    if not tokens:
        raise ValueError("empty quote")
    return re.compile(r"\s+".join(re.escape(t) for t in tokens))


def find_quote(text: str, quote: str, occurrence: int = 1) -> Span | None:
    """The span of the `occurrence`-th match (1-based) of `quote` in `text`, or None."""
    if occurrence < 1:
        raise ValueError("occurrence is 1-based")
    for index, match in enumerate(quote_pattern(quote).finditer(text), start=1):
        if index == occurrence:
            return Span(match.start(), match.end())
    return None


def context(text: str, span: Span, chars: int = CONTEXT_CHARS) -> tuple[str, str]:
    """Prefix and suffix of a span, as W3C TextQuoteSelector wants them."""
    return text[max(0, span.start - chars) : span.start], text[span.end : span.end + chars]
