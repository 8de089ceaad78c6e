"""Events and instruments named by description: "the first meeting of the Global
Commission", "its sixty-first session", "the ninth annual meeting of the Inter-Agency Working
Group on ...", "at its meeting in Tampere", "The Conference adopted a Programme of Action".

Policy texts rarely name a meeting; they describe it by its number and its owner. Such a
description identifies one event: (ordinal, head noun, owner). This stage reads the
descriptions, links each to the curated event with the same identity (found by parsing the
registry's event labels the same way), and otherwise, when the owner is named in the
description, discovers a new event whose label spells the description out in full. A
description without "of <owner>" ("The first meeting took place in Puebla") is linked only
when a preceding owner in the passage has a curated event of that identity: guessing the
owner of an unknown meeting would invent entities.

A description without a number is tied by what it says about the entity: "its meeting in
Tampere" is the curated meeting of that owner held in that place; "a Programme of Action"
adopted by a conference is the curated programme adopted at that conference, or, if none is
curated, a new one named after the conference. Exactly one curated match is required.

Runs after mentions and before facts: the descriptions become mentions (scored as definite
descriptions), so the fact rules read "the first meeting of X was held in Y on Z" like any
other sentence about an event."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from decimal import Decimal

from .discovery import EVENT_HEADS, DiscoveredEntity, entity_key
from .ingest import NormalizedText
from .mentions import Mention, Name, mention_at

UNITS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
         "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
ORDINAL_WORDS = {w: i for i, w in enumerate(UNITS, start=1)}
TENS_ORDINAL = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
                "seventieth": 70, "eightieth": 80, "ninetieth": 90}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
ORDINAL = (r"(?:\d{1,3}(?:st|nd|rd|th)|(?:(?:" + "|".join(TENS) + r")-)?(?:" + "|".join(UNITS) + r")|"
           + "|".join(TENS_ORDINAL) + r")")
MODIFIER = r"(?:annual|regular|ordinary|special|extraordinary|ministerial|plenary|regional|formal|informal)"
HEADS = {"meeting": "meeting", "session": "session", "conference": "conference", "summit": "summit",
         "forum": "forum", "hearing": "hearing", "symposium": "symposium", "workshop": "workshop",
         "seminar": "seminar", "congress": "congress"}
HEAD = "(?:" + "|".join(HEADS) + ")"
DESCRIPTION_RE = re.compile(rf"\b(?P<det>[Tt]he|[Ii]ts|[Tt]heir) (?P<ord>{ORDINAL}) (?P<mods>(?:{MODIFIER} ){{0,2}})"
                            rf"(?P<head>{HEAD})\b", re.IGNORECASE)
OF_RE = re.compile(r" of (?P<the>the )?(?:what (?:would|was to|later would) become (?:known as )?(?:the )?)?")
LABEL_RE = re.compile(rf"^(?P<ord>{ORDINAL}) (?P<mods>(?:{MODIFIER} ){{0,2}})(?P<head>{HEAD}) of (?:the )?"
                      rf"(?P<owner>.+?)(?: \([^)]*\))?$", re.IGNORECASE)
OWNER_KINDS = ("organization", "process")
POSSESSIVE_WINDOW = 250  # characters back from "its" to the owner
BARE_WINDOW = 800  # characters back from "the first meeting" to a curated owner
DESCRIPTION_CONFIDENCE = Decimal("0.8")

Identity = tuple[int, str, str]  # (ordinal, head noun, owner key)


def ordinal_value(word: str) -> int | None:
    """'first' → 1, 'sixty-first' → 61, '92nd' → 92."""
    word = word.lower()
    if word[:-2].isdigit():
        return int(word[:-2])
    if word in ORDINAL_WORDS:
        return ORDINAL_WORDS[word]
    if word in TENS_ORDINAL:
        return TENS_ORDINAL[word]
    tens, _, unit = word.partition("-")
    if tens in TENS and unit in ORDINAL_WORDS and ORDINAL_WORDS[unit] < 10:
        return TENS[tens] + ORDINAL_WORDS[unit]
    return None


def event_index(events: Iterable[tuple[str, str]], names: Mapping[str, Name]) -> dict[Identity, str]:
    """Identity → key of each curated event whose label is a description ("First meeting of
    the Global Commission on International Migration (2004)") of a known owner."""
    index: dict[Identity, str] = {}
    for key, label in sorted(events):
        match = LABEL_RE.match(label)
        if not match:
            continue
        owner = names.get(match.group("owner"))
        number = ordinal_value(match.group("ord"))
        if owner and number and owner.kind in OWNER_KINDS:
            index.setdefault((number, HEADS[match.group("head").lower()], owner.key), key)
    return index


@dataclass(frozen=True)
class Description:
    mention: Mention
    owner: Mention  # the organization or process whose meeting it is; the event an instrument was adopted at
    number: int
    discovered: DiscoveredEntity | None  # set when the description names a new event


def _in_order(mentions: list[Mention]) -> tuple[list[Mention], list[tuple[int, int]]]:
    ordered = sorted(mentions, key=lambda m: m.norm_start)
    return ordered, [(m.norm_start, m.norm_end) for m in ordered]


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the span is already a mention: a name is never re-read as a description."""
    return any(s < end and start < e for s, e in taken)


def _owner_after(mentions: list[Mention], pos: int) -> Mention | None:
    return next((m for m in mentions if m.norm_start == pos and m.kind in OWNER_KINDS), None)


def _owners_before(mentions: list[Mention], pos: int, window: int,
                   kinds: tuple[str, ...] = OWNER_KINDS) -> list[Mention]:
    return [m for m in reversed(mentions) if m.norm_end <= pos and pos - m.norm_end <= window and m.kind in kinds]


def _spelled_out(match: re.Match[str], the: bool, owner_label: str) -> str:
    words = " ".join(match.group(g).strip() for g in ("ord", "mods", "head") if match.group(g).strip()).lower()
    return f"{words[0].upper()}{words[1:]} of {'the ' if the else ''}{owner_label}"


ATTRIBUTE_RE = re.compile(r"\b(?:[Ii]ts|[Tt]heir) (?P<head>meeting|session|summit|conference) (?:in|at) ")
INSTRUMENT_HEADS = {"programme of action": ("Programme of Action", "ProgrammeOfAction"),
                    "plan of action": ("Plan of Action", "ProgrammeOfAction"),
                    "platform for action": ("Platform for Action", "ProgrammeOfAction"),
                    "declaration": ("Declaration", "Declaration"),
                    "set of recommendations": ("Recommendations", "Recommendation"),
                    "series of recommendations": ("Recommendations", "Recommendation")}
INSTRUMENT_DESCRIPTION_RE = re.compile(r"\b(?:(?:[Tt]he|[Aa]n?) |(?<=and ))(?P<head>" + "|".join(INSTRUMENT_HEADS) + r")\b",
                                       re.IGNORECASE)
ADOPTED_AT_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?,?\s*(?:(?:was|were) )?adopted (?:by|at) (?:the )?")
ADOPTED_BEFORE = re.compile(r"\s(?:has |had )?adopted $")

CuratedLinks = Mapping[tuple[str, str], frozenset[str]]  # (property, object key) → subject keys


def curated_links(triples: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], frozenset[str]]:
    """Index of curated (subject, property, object) facts by property and object."""
    index: dict[tuple[str, str], set[str]] = {}
    for subject, prop, value in triples:
        index.setdefault((prop, value), set()).add(subject)
    return {k: frozenset(v) for k, v in index.items()}


def _phrase_end(ordered: list[Mention], mention: Mention, text: str) -> int:
    """End of a name with its "of <owner>" complement: "Ministerial Conference of the Budapest Process"."""
    of = OF_RE.match(text, mention.norm_end)
    owner = next((m for m in ordered if of and m.norm_start == of.end()), None)
    return owner.norm_end if owner else mention.norm_end


def _only(keys: Iterable[str], kinds: Mapping[str, str], kind: str) -> str | None:
    matching = sorted(k for k in keys if kinds.get(k) == kind)
    return matching[0] if len(matching) == 1 else None


def describe_by_attributes(doc_id: str, norm: NormalizedText, mentions: list[Mention], links: CuratedLinks,
                           kinds: Mapping[str, str], labels: Mapping[str, str]) -> list[Description]:
    """Descriptions without a number, tied by their owner and place or by their adoption."""
    ordered, taken = _in_order(mentions)
    found: list[Description] = []
    for match in ATTRIBUTE_RE.finditer(norm.text):  # "the European Council, at its meeting in Tampere"
        place = next((m for m in ordered if m.norm_start == match.end() and m.kind == "place"), None)
        owner = next(iter(_owners_before(ordered, match.start(), POSSESSIVE_WINDOW)), None)
        if place is None or owner is None:
            continue
        key = _only(links.get(("organizedBy", owner.key), frozenset()) & links.get(("heldIn", place.key), frozenset()),
                    kinds, "event")
        if key:
            mention = mention_at(doc_id, norm, match.start("head"), match.end("head"), key, "event",
                                 "event-description", DESCRIPTION_CONFIDENCE)
            found.append(Description(mention, owner, 0, None))
    for match in INSTRUMENT_DESCRIPTION_RE.finditer(norm.text):
        start, end = match.start("head"), match.end("head")
        if _overlaps(taken, start, end):
            continue
        after = ADOPTED_AT_AFTER.match(norm.text[end:])
        event = next((m for m in ordered if after and m.norm_start == end + after.end() and m.kind == "event"), None)
        if event is None:  # "the Ministerial Conference of the Budapest Process adopted a set of recommendations"
            event = next((m for m in reversed(ordered) if m.norm_end <= match.start() and m.kind == "event"
                          and ADOPTED_BEFORE.fullmatch(norm.text[_phrase_end(ordered, m, norm.text):match.start()])),
                         None)
        if event is None:
            continue
        head, cls = INSTRUMENT_HEADS[match.group("head").lower()]
        key = _only(links.get(("adoptedAt", event.key), frozenset()), kinds, "instrument")
        discovered = None
        if key is None:
            label = f"{head} of the {labels.get(event.key, event.surface)}"
            key = entity_key(label)
            if key in kinds:
                continue
            discovered = DiscoveredEntity(key, "instrument", cls, label, "discovery-instrument-description",
                                          documents={doc_id})
        mention = mention_at(doc_id, norm, start, end, key, "instrument", "instrument-description",
                             DESCRIPTION_CONFIDENCE)
        found.append(Description(mention, event, 0, discovered))
    return found


BODY_PARTS = {"steering committee": "Steering Committee", "executive committee": "Executive Committee",
              "advisory board": "Advisory Board", "secretariat": "Secretariat", "task force": "Task Force"}
BODY_PART_RE = re.compile(r"\b(?P<det>[Ii]ts|[Tt]heir|[Tt]he) (?P<part>Steering Committee|Executive Committee|Advisory Board|"
                          r"Secretariat|Task Force)\b")
PART_OWNER_KINDS = ("organization", "process", "project")


def describe_body_parts(doc_id: str, norm: NormalizedText, mentions: list[Mention], names: Mapping[str, Name],
                        labels: Mapping[str, str]) -> list[Description]:
    """"its Steering Committee", "the Steering Committee of the Global Campaign for ...": the
    committee of a named owner, a body of its own. Linked to a curated body of that name, or
    discovered as "Steering Committee of the <owner>"."""
    ordered, taken = _in_order(mentions)
    found: list[Description] = []
    for match in BODY_PART_RE.finditer(norm.text):
        start, end = match.start("part"), match.end("part")
        if _overlaps(taken, start, end):
            continue
        of = OF_RE.match(norm.text, end)
        owner = next((m for m in ordered if of and m.norm_start == of.end() and m.kind in PART_OWNER_KINDS), None)
        if owner is None and match.group("det").lower() in ("its", "their"):
            owner = next(iter(_owners_before(ordered, match.start(), POSSESSIVE_WINDOW, PART_OWNER_KINDS)), None)
        if owner is None:
            continue
        label = f"{BODY_PARTS[match.group('part').lower()]} of the {labels.get(owner.key, owner.surface)}"
        curated = names.get(label) or names.get(label.replace(" of the ", " of ", 1))
        discovered = None
        if curated is not None and curated.kind == "organization":
            key = curated.key
        else:
            key = entity_key(label)
            discovered = DiscoveredEntity(key, "organization", "Organization", label, "discovery-body-part",
                                          documents={doc_id})
        mention = mention_at(doc_id, norm, start, end, key, "organization", "body-part-description",
                             DESCRIPTION_CONFIDENCE)
        found.append(Description(mention, owner, 0, discovered))
    return found


WORK_RE = re.compile(r"\b[Tt]he (?P<name>(?:(?:final|annual|latest|first|second|third) )?(?P<work>report|study|survey|review))\b")
WORK_CLASSES = {"report": "Report", "study": "Report", "survey": "Report", "review": "Report"}


def describe_works(doc_id: str, norm: NormalizedText, mentions: list[Mention], names: Mapping[str, Name],
                   labels: Mapping[str, str]) -> list[Description]:
    """"The report of the World Commission on the Social Dimensions of Globalization": a work
    named by its author. Linked to the one curated publication whose name ends with "report
    of the <author>" (the GCIM's "Final report of the Global Commission ..."), otherwise
    discovered as "Report of the <author>"."""
    ordered, taken = _in_order(mentions)
    found: list[Description] = []
    for match in WORK_RE.finditer(norm.text):
        start, end = match.start(), match.end()
        if _overlaps(taken, start, end):
            continue
        of = OF_RE.match(norm.text, end)
        author = next((m for m in ordered if of and m.norm_start == of.end() and m.kind == "organization"), None)
        if author is None:
            continue
        work = match.group("work")
        label = f"{work.capitalize()} of the {labels.get(author.key, author.surface)}"
        ending = label.lower()
        curated = {n.key for surface, n in names.items() if n.kind == "publication" and surface.lower().endswith(ending)}
        discovered = None
        if len(curated) == 1:
            key = curated.pop()
        else:
            key = entity_key(label)
            discovered = DiscoveredEntity(key, "publication", WORK_CLASSES[work.lower()], label, "discovery-work-description",
                                          documents={doc_id})
        start = match.start("name")  # the mention is "report" or "third report", not "The report"
        mention = mention_at(doc_id, norm, start, end, key, "publication", "work-description", DESCRIPTION_CONFIDENCE)
        found.append(Description(mention, author, 0, discovered))
    return found


def describe_events(doc_id: str, norm: NormalizedText, mentions: list[Mention], index: Mapping[Identity, str],
                    labels: Mapping[str, str]) -> list[Description]:
    """Every event description in the text that can be tied to one event."""
    ordered, taken = _in_order(mentions)
    found: list[Description] = []
    for match in DESCRIPTION_RE.finditer(norm.text):
        start, end = match.start("ord"), match.end("head")
        if _overlaps(taken, start, end):
            continue
        number = ordinal_value(match.group("ord"))
        if number is None:
            continue
        head = HEADS[match.group("head").lower()]
        of = OF_RE.match(norm.text, end)
        owner = _owner_after(ordered, of.end()) if of else None
        if owner is None and match.group("det").lower() in ("its", "their"):
            owner = next(iter(_owners_before(ordered, match.start(), POSSESSIVE_WINDOW)), None)
        if owner is None and not of:
            owner = next((m for m in _owners_before(ordered, match.start(), BARE_WINDOW)
                          if (number, head, m.key) in index), None)
        if owner is None:
            continue
        key = index.get((number, head, owner.key))
        discovered = None
        if key is None:
            if not of or owner.norm_start != of.end():
                continue
            label = _spelled_out(match, "the " in of.group(), labels.get(owner.key, owner.surface))
            key = entity_key(label)
            discovered = DiscoveredEntity(key, "event", EVENT_HEADS[head.title()], label, "discovery-event-description", documents={doc_id})
        mention = mention_at(doc_id, norm, start, end, key, "event", "event-description", DESCRIPTION_CONFIDENCE)
        found.append(Description(mention, owner, number, discovered))
    return found

