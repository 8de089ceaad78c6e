"""Finding mentions of known entities in a document's normalised text.

A gazetteer is compiled from entity names (labels, aliases, acronyms) into one
Aho-Corasick automaton, so the cost is linear in the text whatever the number of names.
Matching is case-sensitive (acronyms must be exact; names match as written or in capitals,
as running headers print them), must sit on word boundaries, and the leftmost-longest match
wins: "United Nations Convention against Transnational Organized Crime" is one mention, not
"United Nations" plus a convention. Definite descriptions ("the Commission") are resolved to
the nearest preceding named mention whose name has the same head word, which is how these
texts use them (inside the GCIM section "the Commission" is the GCIM)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import ahocorasick

from .ingest import NormalizedText, normalize

# Kinds whose entities are named in running text (posts, memberships, statistics are not).
MENTIONABLE_KINDS = ("organization", "instrument", "process", "event", "person", "place", "publication", "project")

# How much a match of each surface type is trusted.
CONFIDENCE = {"label": Decimal("1.0"), "alias": Decimal("0.95"), "acronym": Decimal("0.95"),
              "coreference": Decimal("0.8")}

# Head nouns that a definite description ("the Commission") may stand for.
ANAPHOR_HEADS = ("Commission", "Organization", "Organisation", "Convention", "Protocol", "Group", "Meeting",
                 "Conference", "Division", "Department", "Fund", "Programme", "Initiative", "Process",
                 "Dialogue", "Declaration", "Office", "Institute", "Centre", "Center", "Bank", "Agency",
                 "Council", "Committee", "Secretariat", "Network", "Union", "Treaty", "Covenant", "Charter",
                 "Project", "Campaign", "Symposium", "Workshop", "Summit", "Forum", "Assembly", "Foundation",
                 "Seminar")
ANAPHOR_RE = re.compile(r"\b[Tt]he (" + "|".join(ANAPHOR_HEADS) + r")\b(?!['’]s? [A-Z])(?! (?:of|on|for|against) [A-Z])")
ANAPHOR_WINDOW = 3000  # characters back to look for the antecedent
# Lowercase "the process", "the meeting": the same, but only for heads that name kinds of
# events, processes and bodies, never before a complement ("the process of integration"),
# and with a shorter reach, as a lowercase description refers to what was just named.
LOWER_ANAPHOR_RE = re.compile(r"\b[Tt]he (process|meeting|conference|dialogue|organization|convention|protocol|"
                              r"initiative|commission)\b(?!-)(?! (?:of|on|for|against|to|that|which|in|by|with|"
                              r"at|between|among|and)\b)")
LOWER_ANAPHOR_WINDOW = 1500
ANAPHOR_KINDS = ("organization", "instrument", "process", "event", "project")
HEAD_VARIANTS = {"Organisation": "Organization", "Centre": "Center"}
# Methods whose mentions are descriptions rather than names (scored apart).
DESCRIPTION_METHODS = ("coreference", "event-description", "instrument-description", "work-description")


def is_description(mention: Mention) -> bool:
    """Whether a mention is a description ("the Commission", "the first meeting", "a set of
    recommendations") rather than a name. "The Conference adopted a Programme of Action": a
    capitalised programme linked through its adoption is still written as a name."""
    if mention.method == "instrument-description":
        return mention.surface[:1].islower()
    return mention.method in DESCRIPTION_METHODS


@dataclass(frozen=True)
class Name:
    """One surface form of an entity, as the gazetteer knows it."""

    surface: str
    key: str
    kind: str
    how: str  # label | alias | acronym


@dataclass(frozen=True)
class Mention:
    """A span of a document that names an entity. Offsets are into Document.text (the source);
    norm_start/norm_end are into the normalised text, for later stages."""

    doc_id: str
    start: int
    end: int
    norm_start: int
    norm_end: int
    surface: str
    key: str
    kind: str
    method: str
    confidence: Decimal


FOLDED_MIN_WORDS = 6  # names this long match case-insensitively ...
FOLDED_KINDS = ("organization", "instrument", "process", "event")  # ... but not titles of publications
ORDINALS = {"First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth"}
SMALL_WORDS = {"of", "on", "for", "and", "the", "against", "in", "to", "by", "at", "with", "from", "de", "la"}


def _title(surface: str) -> str:
    """'high-level dialogue' → 'High-Level Dialogue' (small words stay lowercase)."""
    words = surface.split(" ")
    return " ".join(w if (k and w in SMALL_WORDS) or not w[:1].islower()
                    else "-".join(p[:1].upper() + p[1:] for p in w.split("-")) for k, w in enumerate(words))


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


class Gazetteer:
    """Names of entities compiled for matching. Build once per corpus, reuse per document."""

    def __init__(self, names: Iterable[Name]) -> None:
        by_surface: dict[str, list[Name]] = {}
        for name in names:
            surface = normalize(name.surface).text.strip()
            if len(surface) < 2:
                continue
            variants = {surface}
            if name.how != "acronym" and any(c.islower() for c in surface):
                variants.add(surface.upper())
                if " " in surface and surface.split()[0].lower() not in ("the", "a", "an"):
                    variants.add(_title(surface))
                if surface.split()[0] in ORDINALS:
                    variants.add(surface[0].lower() + surface[1:])
            for variant in variants:
                by_surface.setdefault(variant, []).append(Name(variant, name.key, name.kind, name.how))
        self.automaton = ahocorasick.Automaton()
        self.size = len(by_surface)
        self.names: dict[str, Name] = {}
        for surface, candidates in by_surface.items():
            self.names[surface] = self._choose(candidates)
            self.automaton.add_word(surface, (surface, self.names[surface]))
        if self.size:
            self.automaton.make_automaton()
        # Long names are matched whatever their capitalisation: "Regional Conference to address
        # the problems of refugees, ..." is the curated title written in sentence case. Short
        # names are not: "general assembly" in lower case is rarely the General Assembly.
        self.folded = ahocorasick.Automaton()
        long_names = {surface.lower(): name for surface, name in sorted(self.names.items())
                      if name.how != "acronym" and len(surface.split()) >= FOLDED_MIN_WORDS
                      and name.kind in FOLDED_KINDS}
        for folded, name in long_names.items():
            self.folded.add_word(folded, (folded, name))
        if long_names:
            self.folded.make_automaton()
        self.folded_size = len(long_names)

    @staticmethod
    def _choose(candidates: list[Name]) -> Name:
        """One entity per surface form: a label beats an alias beats an acronym, then the key
        sorts first, so that an ambiguous name always resolves the same way."""
        rank = {"label": 0, "alias": 1, "acronym": 2}
        return min(candidates, key=lambda n: (rank.get(n.how, 3), n.key))

    def matches(self, text: str) -> list[tuple[int, int, Name]]:
        """All word-bounded matches (normalised offsets), before overlap resolution."""
        if not self.size:
            return []
        found = []
        hits = list(self.automaton.iter(text))
        lowered = text.lower()
        if self.folded_size and len(lowered) == len(text):
            hits += list(self.folded.iter(lowered))
        for end_index, (surface, name) in hits:
            start, end = end_index - len(surface) + 1, end_index + 1
            if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(surface[0]):
                continue
            if end < len(text) and _is_word_char(text[end]) and _is_word_char(surface[-1]):
                continue
            found.append((start, end, name))
        return found


def leftmost_longest(spans: Sequence[tuple[int, int, object]]) -> list[tuple[int, int, object]]:
    """Non-overlapping spans: scanning left to right, the longest span starting first wins."""
    chosen: list[tuple[int, int, object]] = []
    last_end = -1
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if span[0] >= last_end:
            chosen.append(span)
            last_end = span[1]
    return chosen


def mention_at(doc_id: str, norm: NormalizedText, start: int, end: int, key: str, kind: str,
             method: str, confidence: Decimal) -> Mention:
    s, e = norm.to_source(start, end)
    return Mention(doc_id, s, e, start, end, norm.source[s:e], key, kind, method, confidence)


OF_SPLIT = re.compile(r" of (?:the )?")


def split_compound(start: int, end: int, name: Name, gazetteer: Gazetteer) -> list[tuple[int, int, Name]]:
    """"Population Division of the Department of Economic and Social Affairs" names two
    entities when both halves are names of other entities: a unit and its parent."""
    for match in OF_SPLIT.finditer(name.surface):
        left, right = name.surface[:match.start()], name.surface[match.end():]
        a, b = gazetteer.names.get(left), gazetteer.names.get(right)
        if b is None or b.key == name.key:
            continue
        # The left part stands for the entity the whole name names: "Plan of Action of the
        # Regional Conference on Migration" is that Conference's plan, whatever else "Plan of
        # Action" may name; "Ministerial Conference of the Budapest Process" is one conference.
        if a and a.key != b.key or a is None and name.kind == "event" and b.kind in ("organization", "process") \
                and len(left.split()) <= 3:
            return [(start, start + len(left), Name(left, name.key, name.kind, name.how)), (start + match.end(), end, b)]
    return [(start, end, name)]


def _crosses_heading(norm: NormalizedText, start: int, end: int, name: Name) -> bool:
    """A name in capitals that runs over a line break is two heading lines ("UNITED NATIONS" /
    "DEPARTMENT OF ..."), not one name; but a publication's title in capitals is one title."""
    if not norm.text[start:end].isupper() or name.kind == "publication":
        return False
    s, e = norm.to_source(start, end)
    return "\n" in norm.source[s:e]


YEAR_BEFORE = re.compile(r"\b(?:1[89]|20)\d\d $")


def with_year(text: str, start: int, end: int, name: Name) -> tuple[int, int, Name]:
    """"the 2001 World Conference on Racism": a year just before an event's name is part of it."""
    year = YEAR_BEFORE.search(text, max(0, start - 5), start) if name.kind == "event" else None
    return (year.start(), end, name) if year else (start, end, name)


def named_mentions(doc_id: str, norm: NormalizedText, gazetteer: Gazetteer) -> list[Mention]:
    matches = [m for m in gazetteer.matches(norm.text) if not _crosses_heading(norm, *m)]
    spans = [with_year(norm.text, *part) for s, e, n in leftmost_longest(matches)
             for part in split_compound(s, e, n, gazetteer)]
    return [mention_at(doc_id, norm, s, e, n.key, n.kind, f"gazetteer-{n.how}", CONFIDENCE[n.how])
            for s, e, n in spans]  # type: ignore[union-attr]


HEAD_SPLIT = re.compile(r"[ ,](?:of|on|for|against|to|in)\b|,")


def head_word(label: str) -> set[str]:
    """The head noun a definite description of this entity may use: the last word before
    the first "of/on/for/against" ("Global Commission on International Migration" →
    Commission), so "the Convention" is never a campaign *for* a convention."""
    words = re.findall(r"[A-Za-z]+", HEAD_SPLIT.split(label, maxsplit=1)[0])
    return {HEAD_VARIANTS.get(words[-1], words[-1])} if words else set()


def resolve_anaphors(doc_id: str, norm: NormalizedText, named: list[Mention],
                     labels: dict[str, str]) -> list[Mention]:
    """'the Commission' → the nearest preceding named entity whose name has that head word,
    in its label or in the name the text just used ("the Puebla Process ... The process", whose
    label is "Regional Conference on Migration")."""
    taken = [(m.norm_start, m.norm_end) for m in named]
    heads = {key: head_word(label) for key, label in labels.items()}
    resolved: list[Mention] = []
    candidates = [m for m in named if m.kind in ANAPHOR_KINDS]
    index = 0
    matches = sorted([*ANAPHOR_RE.finditer(norm.text), *LOWER_ANAPHOR_RE.finditer(norm.text)], key=lambda m: m.start())
    for match in matches:
        start, end = match.start(1), match.end(1)
        if any(s < end and start < e for s, e in taken):
            continue
        head = match.group(1)[0].upper() + match.group(1)[1:]
        head = HEAD_VARIANTS.get(head, head)
        window = ANAPHOR_WINDOW if match.group(1)[0].isupper() else LOWER_ANAPHOR_WINDOW
        while index < len(candidates) and candidates[index].norm_end <= start:
            index += 1
        for antecedent in reversed(candidates[max(0, index - 40):index]):
            if start - antecedent.norm_end > window:
                break
            if head in heads.get(antecedent.key, ()) or head in head_word(antecedent.surface):
                resolved.append(mention_at(doc_id, norm, start, end, antecedent.key, antecedent.kind,
                                         "coreference", CONFIDENCE["coreference"]))
                break
    return resolved


def with_organizer_prefix(doc_id: str, norm: NormalizedText, named: list[Mention]) -> list[Mention]:
    """"United Nations Third Coordination Meeting on International Migration": an
    organization's name directly before an event's name is part of the event's name, not a
    mention of the organization (the longest name wins, as in the gazetteer)."""
    ordered = sorted(named, key=lambda m: m.norm_start)
    merged: list[Mention] = []
    skip = False
    for left, right in zip(ordered, [*ordered[1:], None]):
        if skip:
            skip = False
            continue
        if right is not None and left.kind == "organization" and right.kind == "event" \
                and norm.text[left.norm_end:right.norm_start] == " " and not norm.is_hard_break(left.norm_end) \
                and right.surface[:1].isupper():
            merged.append(mention_at(doc_id, norm, left.norm_start, right.norm_end, right.key, right.kind,
                                     right.method, right.confidence))
            skip = True
        else:
            merged.append(left)
    return merged


def find_mentions(doc_id: str, norm: NormalizedText, gazetteer: Gazetteer,
                  labels: dict[str, str]) -> list[Mention]:
    """Named mentions and resolved definite descriptions, in text order."""
    named = with_organizer_prefix(doc_id, norm, named_mentions(doc_id, norm, gazetteer))
    anaphors = resolve_anaphors(doc_id, norm, named, labels)
    return sorted(named + anaphors, key=lambda m: (m.start, m.end))
