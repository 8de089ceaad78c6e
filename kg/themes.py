"""What an instrument, process or publication is about: the themes of the SKOS scheme named in
its own name or in a clause that says so ("the Manila Process focuses on ... irregular
migration and trafficking"). Labels are matched by crude word stems, in order, with a small
gap allowed ("skilled international migration"), and the longest name wins."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from .facts import Claim, Context, Sentence, make_claim, mentions_before, rel_end
from .mentions import DESCRIPTION_METHODS


THEME_STOPWORDS = {"of", "the", "and", "in", "on", "for", "to", "a", "an", "with", "by", "&"}
THEME_GAP = 2  # words that may come between two words of a theme's label ("skilled international migration")


def _stem(word: str) -> str:
    """A crude English stem, enough to let "skilled"/"skill", "students"/"student" and
    "highly"/"high" meet; theme labels and text go through the same function."""
    if word.endswith("ies") and len(word) >= 6:  # "policies"/"policy", "studies"/"study"
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):  # "processes", but "refugees"/"refugee"
        return word[:-2]
    for suffix in ("ing", "ed", "ly", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


WORD_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _content_words(text: str) -> list[tuple[str, int]]:
    """(stem, character offset) of each word that is not a stop word."""
    return [(_stem(m.group()), m.start()) for m in WORD_RE.finditer(text.lower()) if m.group() not in THEME_STOPWORDS]


def theme_occurrences(text: str, themes: Mapping[str, str]) -> list[tuple[int, str]]:
    """(character offset, theme) of every theme named in the text: the label's words in order,
    with at most THEME_GAP other words between them ("Highly Skilled Migration" and "skilled
    international migration" name skilled migration); a label of one word must occur as that
    word. The longest name wins, as in the gazetteer: "rights of all migrant workers" names
    migrant workers' rights, not also labour migration ("migrant workers") and migrants' rights."""
    words = _content_words(text)
    positions: dict[str, list[int]] = {}
    for i, (w, _) in enumerate(words):
        positions.setdefault(w, []).append(i)
    found: list[tuple[frozenset[int], str]] = []
    for label, theme in themes.items():
        stems = [stem for stem, _ in _content_words(label)]
        for start in positions.get(stems[0], []) if stems else ():
            matched = [start]
            for stem in stems[1:]:
                at = next((p for p in positions.get(stem, []) if matched[-1] < p <= matched[-1] + THEME_GAP + 1), -1)
                if at < 0:
                    break
                matched.append(at)
            if len(matched) == len(stems):
                found.append((frozenset(matched), theme))
    return sorted({(words[min(span)][1], theme) for span, theme in found
                   if not any(span < other for other, other_theme in found if other_theme != theme)})


def themes_named_in(text: str, themes: Mapping[str, str]) -> list[str]:
    """The themes the text names (see `theme_occurrences`)."""
    return sorted({theme for _, theme in theme_occurrences(text, themes)})


def theme_nearest(text: str, pos: int, themes: Mapping[str, str]) -> str | None:
    """The theme named in the sentence nearest to a figure at `pos`."""
    ranked = sorted((abs(at - pos), theme) for at, theme in theme_occurrences(text, themes))
    return ranked[0][1] if ranked else None


ABOUT_KINDS = ("instrument", "process", "publication")
FOCUS_RE = re.compile(r"\b(?:focus(?:es|ed|ing)?\s+(?:\w+ly\s+)?on|deal(?:s|t)?\s+with|address(?:es|ed|ing)|"
                      r"(?:is|was|are|were)\s+(?:\w+ly\s+)?concerned\s+with|[Pp]rimarily\s+concerned\s+with|"
                      r"aim(?:s|ed)?\s+(?:at|to)\s+(?:combat|prevent|fight|tackl|address|reduc|protect)\w*|"
                      r"devoted\s+to|dedicated\s+to|on\s+the\s+(?:topic|theme|subject|issue)s?\s+of|specific\s+to|"
                      r"(?:objective|goal|aim|purpose|mandate)s?\s+(?:is\s+|was\s+)?(?:of|to)|competence\s+(?:on|in|for))\b")


def themes_addressed(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """What an instrument, process or publication is about: a theme named in its own name
    ("Protocol to Prevent, Suppress and Punish Trafficking in Persons"), or in a clause that
    says so ("the Manila Process focuses on ... irregular migration and trafficking")."""
    for m in sentence.mentions:
        if m.kind in ABOUT_KINDS and m.method not in DESCRIPTION_METHODS and m.method != "pronoun":
            for theme in themes_named_in(m.surface, ctx.themes):
                yield make_claim(m.key, "addresses", f"theme:{theme}", "rule-title-theme", "0.8", sentence)
    for match in FOCUS_RE.finditer(sentence.text):
        subjects = [m for m in mentions_before(sentence, match.start(), ABOUT_KINDS) if match.start() - rel_end(sentence, m) < 200][-1:]
        clause = re.split(r"[.;]", sentence.text[match.end():], maxsplit=1)[0]
        for subject in subjects:
            for theme in themes_named_in(clause, ctx.themes):
                yield make_claim(subject.key, "addresses", f"theme:{theme}", "rule-focus", "0.7", sentence)
