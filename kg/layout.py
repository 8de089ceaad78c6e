"""Facts a document states by its layout rather than in a sentence.

Normalisation flattens lines into running text, so the sentence rules of `facts` cannot see
that a line under "UCLA faculty" names a member of UCLA's faculty, that the line under a
title is its subtitle, or that the bullets under "Six meetings in all are planned:" are the
meetings the writer's own group plans. These rules read the source lines (through
`NormalizedText.line_starts`) and give each such fact the lines that state it as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from .facts import Claim, Sentence
from .ingest import NormalizedText
from .mentions import DESCRIPTION_METHODS, Mention
from .themes import themes_named_in

SUBTITLE_CONFIDENCE = Decimal("0.7")
ROSTER_CONFIDENCE = Decimal("0.7")
PLANNED_CONFIDENCE = Decimal("0.65")

NAMED_KINDS = ("person", "publication", "organization", "event", "instrument", "process")


def _evidence(norm: NormalizedText, start: int, end: int, mentions: list[Mention]) -> Sentence:
    inside = tuple(m for m in mentions if start <= m.norm_start and m.norm_end <= end)
    return Sentence(start, end, norm.text[start:end], inside)


def _line_after(norm: NormalizedText, pos: int) -> tuple[int, int] | None:
    """The next source line when `pos` ends a line and no blank line follows."""
    gap = norm.text[pos:pos + 3]
    nxt = pos + len(gap) - len(gap.lstrip())
    if nxt >= len(norm.text) or nxt not in norm.line_starts or nxt in norm.paragraph_breaks:
        return None
    return next(((a, b) for a, b in norm.lines_within(nxt, len(norm.text))[:1] if a == nxt), None)


def subtitle_themes(norm: NormalizedText, mentions: list[Mention], themes: Mapping[str, str]) -> list[Claim]:
    """A title on a line of its own, directly above a line that names no one and nothing else,
    is followed by its subtitle ("The Human Face of Global Mobility: Year One Report" /
    "Exploring International Skilled and Professional Migration ..."): the themes the subtitle
    names are what the publication addresses."""
    claims = []
    for title in mentions:
        if title.kind != "publication" or title.method in DESCRIPTION_METHODS or not norm.starts_line(title.norm_start):
            continue
        line = _line_after(norm, title.norm_end)
        if line is None or not norm.text[line[0]].isupper():
            continue
        if any(m.kind in NAMED_KINDS and m.norm_start < line[1] and m.norm_end > line[0] for m in mentions):
            continue
        in_title = set(themes_named_in(title.surface, themes))
        evidence = _evidence(norm, title.norm_start, line[1], mentions)
        claims.extend(Claim(title.key, "addresses", f"theme:{theme}", "rule-subtitle-theme", SUBTITLE_CONFIDENCE, evidence)
                      for theme in themes_named_in(norm.text[line[0]:line[1]], themes) if theme not in in_title)
    return claims


HONORIFIC_GAP = re.compile(r"^(?:(?:Mr|Ms|Mrs|Dr|Prof|Professor)\.?\s+)?$")
ROSTER_NOUN_RE = re.compile(r"^\s*(?:faculty|staff|fellows|researchers|scholars|members|team|experts)\s*:?\s*$", re.IGNORECASE)


def roster_affiliations(norm: NormalizedText, mentions: list[Mention]) -> list[Claim]:
    """A heading that is a body's name and a roster noun ("UCLA faculty"), above a paragraph in
    which every line begins with a person's name: each person listed without an organization of
    their own on their line is affiliated with that body."""
    claims = []
    paragraphs = norm.paragraphs
    for (a, b), (c, d) in zip(paragraphs, paragraphs[1:]):
        heads = [m for m in mentions if m.kind == "organization" and a <= m.norm_start and m.norm_end <= b]
        if len(heads) != 1 or norm.text[a:heads[0].norm_start].strip().lower() not in ("", "the") \
                or not ROSTER_NOUN_RE.match(norm.text[heads[0].norm_end:b]):
            continue
        body = heads[0]
        listed = []
        for start, end in norm.lines_within(c, d):
            on_line = [m for m in mentions if start <= m.norm_start and m.norm_end <= end]
            if not on_line or on_line[0].kind != "person" or not HONORIFIC_GAP.match(norm.text[start:on_line[0].norm_start]):
                listed = []
                break  # not a roster: a line that does not begin with a name
            if not any(m.kind == "organization" for m in on_line):
                listed.append((on_line[0], end))
        claims.extend(Claim(person.key, "affiliatedWith", body.key, "rule-roster", ROSTER_CONFIDENCE,
                            _evidence(norm, body.norm_start, end, mentions)) for person, end in listed)
    return claims


PLANNED_RE = re.compile(r"\b(?:meetings|workshops|seminars|sessions|conferences|hearings)\s+(?:in all\s+|in total\s+)?"
                        r"(?:are|were|will be|have been)\s+(?:planned|scheduled|held|organi[sz]ed|foreseen)\s*:")
OWN_BODY_RE = re.compile(r"\b[Oo]ur\s+$")
BULLET_RE = re.compile(r"^[\s•·\-–*]*(?:\(?\d{1,2}[.)]\s*)?$")
OWN_BODY_WINDOW = 2500  # characters back to the writer's "our working group"


def _without(text: str, start: int, end: int, mentions: list[Mention]) -> str:
    """text[start:end] with the given mentions cut out: "• Dakar Seminar on ..." where the
    gazetteer read "Dakar" as a place and the event name begins after it."""
    kept, cursor = [], start
    for m in sorted(mentions, key=lambda m: m.norm_start):
        if start <= m.norm_start and m.norm_end <= end:
            kept.append(text[cursor:m.norm_start])
            cursor = m.norm_end
    return "".join(kept) + text[cursor:end]


def planned_meetings(norm: NormalizedText, mentions: list[Mention]) -> list[Claim]:
    """"Our CCGR working group ... Six meetings in all are planned:" followed by a bulleted list
    of meetings: a passive list with no agent, written by a body that speaks of itself as
    "our ...", is that body's programme, so each listed meeting is organized by it."""
    claims = []
    for intro in PLANNED_RE.finditer(norm.text):
        own = [m for m in mentions if m.kind == "organization" and intro.start() - OWN_BODY_WINDOW < m.norm_start < intro.start()
               and OWN_BODY_RE.search(norm.text[max(0, m.norm_start - 4):m.norm_start])]
        if not own:
            continue
        organizer = own[-1]
        first = max(p for p in (0, *norm.line_starts) if p <= intro.start())
        for start, end in norm.lines_within(intro.end(), len(norm.text)):
            on_line = [m for m in mentions if start <= m.norm_start and m.norm_end <= end]
            places = [m for m in on_line if m.kind == "place"]
            named = [m for m in on_line if m.kind != "place"]
            if not named or named[0].kind != "event" or not BULLET_RE.match(
                    _without(norm.text, start, named[0].norm_start, places)):
                break  # the list has ended
            claims.append(Claim(named[0].key, "organizedBy", organizer.key, "rule-planned-list", PLANNED_CONFIDENCE,
                                _evidence(norm, first, end, mentions)))
    return claims


def layout_claims(norm: NormalizedText, mentions: list[Mention], themes: Mapping[str, str]) -> list[Claim]:
    ordered = sorted(mentions, key=lambda m: (m.norm_start, m.norm_end))
    return subtitle_themes(norm, ordered, themes) + roster_affiliations(norm, ordered) + planned_meetings(norm, ordered)
