"""Discovering entities the registry does not know yet, from the shape of their names.

Policy prose names bodies and instruments in Title Case around a head noun: "... Development
Bank", "Department of ...", "Convention on ...", "... Process". The head noun (the last
capitalised word before the first "of/on/for/against", or the last word) gives the kind and
class. Acronym definitions ("Global Commission on International Migration (GCIM)") add the
acronym as a name. ILO convention numbers and UN resolution symbols give the ids curators use
(`ilo-c097`, `resolution-58-208`), so a discovered entity and its later curated record share
an IRI. Surface forms of one entity are merged across documents by a spelling-insensitive key.

Everything here is a pure function of the normalised texts; results are sorted, so the same
corpus always discovers the same entities with the same keys."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .ingest import NormalizedText

CONNECTORS = {"of", "on", "for", "and", "the", "against", "in", "to", "de", "la", "del", "des", "du", "et", "y", "&"}
SPLITTING_CONNECTORS = {"of", "on", "for", "against", "to"}
LEADING_NOISE = {"The", "A", "An", "In", "On", "At", "This", "That", "These", "Those", "Its", "Their", "Our", "His",
                 "Her", "As", "For", "Since", "Under", "With", "By", "From", "To", "During", "After", "Before",
                 "While", "Although", "Both", "Each", "All", "Many", "Some", "Several", "Other", "Such", "Also",
                 "And", "But", "Following", "Through", "Within", "Between", "Among", "Upon", "Via", "If", "When",
                 "Where", "Whereas", "Thus", "Hence", "However", "Moreover", "Furthermore", "Accordingly",
                 "Recently", "Currently", "Today", "Yesterday", "Last", "Next", "Every", "Any", "No", "Not",
                 "Most", "More", "Only", "Even", "Like", "Unlike", "Including", "Regarding", "Concerning",
                 "Against", "Of", "Or", "Nor", "Yet", "So", "Then", "There", "Here", "It", "We", "They", "He",
                 "She", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December", "Mr", "Ms", "Mrs", "Dr", "See", "Source", "Note", "Notes",
                 "Table", "Figure", "Box", "Annex", "Part", "Chapter", "Section", "Paragraph", "Article",
                 "New", "Both", "Either", "Neither", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight",
                 "Nine", "Ten", "One", "Another", "Various", "Several", "Own", "What", "Which", "Who", "How",
                 "Why", "Whose", "Same", "Previous", "Subsequent", "Current", "Present", "Future", "Relevant",
                 "Existing", "Respective", "Appropriate", "Key", "Main", "Major", "References", "Members", "Member",
                 "Recalling", "Noting", "Welcoming", "Reaffirming", "Recognizing", "Recognising", "Acknowledging",
                 "Emphasizing", "Stressing", "Urging", "Requesting", "Encourages", "Requests", "Calls"}
GENERIC_MODIFIERS = {"National", "International", "Regional", "Global", "General", "Special", "Joint", "First",
                     "Second", "Third", "Fourth", "Fifth", "Sixth", "Annual", "Ministerial", "Technical", "Expert",
                     "Executive", "Permanent", "Independent", "Intergovernmental", "High-Level", "High-level",
                     "Senior", "Central", "Federal", "Local", "Main", "Key", "Informal", "Formal", "Preparatory",
                     "Thematic", "Coordination", "Consultative", "Interagency", "Inter-Agency", "Inter-agency",
                     "Plenary", "Closing", "Opening", "Panel", "Working", "Advisory", "Steering", "Secretary",
                     "Secretary-General", "Government", "Governments", "State", "States", "Member", "Public",
                     "Private", "Major", "Multilateral", "Bilateral", "Relevant", "Respective", "World", "Union",
                     "United", "Nations", "Economic", "Social", "Human", "Rights", "Migration", "Migrant",
                     "Migrants", "Labour", "Labor", "Development", "Population", "Research", "Policy", "Policies",
                     "Assembly", "Council", "Security", "Optional", "Group", "Expert", "Experts", "Ad", "Hoc",
                     "Editorial", "Statistical", "Organizing", "Organising", "Scientific", "Director",
                     "Standards", "Support", "Task", "Force", "Office", "Regional", "Government", "Programme",
                     "Program", "Plan", "Platform", "Action", "Work", "Strategic", "Law", "Press"}
# Names with an organization head noun that name a country, not a body.
COUNTRY_LIKE = {"Soviet Union", "Former Soviet Union", "United Kingdom", "United States", "United Arab Emirates",
                "Russian Federation", "European Union"}

# Head noun → (kind, class local name).
ORG_HEADS = {
    "Organization": "Organization", "Organisation": "Organization", "Division": "Organization",
    "Department": "Organization", "Fund": "Organization", "Office": "Organization", "League": "Organization",
    "Agency": "Organization", "Council": "Organization", "Committee": "Organization",
    "Secretariat": "Organization", "Bureau": "Organization", "Authority": "Organization", "Board": "Organization",
    "Association": "Organization", "Federation": "Organization", "Service": "Organization",
    "Corporation": "Company", "Company": "Company", "Bank": "Organization", "Union": "Organization",
    "Commission": "Commission", "Ministry": "GovernmentAgency", "Institute": "ResearchOrganization",
    "Institution": "Organization", "Centre": "ResearchOrganization", "Center": "ResearchOrganization",
    "University": "ResearchOrganization", "College": "ResearchOrganization", "School": "ResearchOrganization",
    "Observatory": "ResearchOrganization", "Foundation": "Foundation", "Network": "Network",
    "Group": "Organization", "Alliance": "Organization", "Parliament": "Organization", "Court": "Organization",
    "Programme": "Organization", "Program": "Organization", "Partnership": "Organization",
}
INSTRUMENT_HEADS = {
    "Convention": "Convention", "Protocol": "Protocol", "Protocols": "Protocol", "Treaty": "Treaty",
    "Declaration": "Declaration", "Resolution": "Resolution", "Agreement": "Treaty", "Directive": "Directive",
    "Charter": "Charter", "Covenant": "Treaty", "Act": "NationalLegislation", "Recommendation": "Recommendation",
    "Framework": "PolicyFramework", "Agenda": "PolicyFramework", "Strategy": "PolicyFramework",
    "Accord": "Treaty", "Pact": "Treaty", "Compact": "PolicyFramework", "Regulation": "Directive",
    "Blueprint": "PolicyFramework", "Roadmap": "PolicyFramework",
}
PROCESS_HEADS = {"Process": "CooperationProcess", "Initiative": "GlobalInitiative", "Dialogue": "Dialogue",
                 "Consultations": "RegionalConsultativeProcess", "Campaign": "Campaign"}
EVENT_HEADS = {"Meeting": "Meeting", "Conference": "Conference", "Summit": "Conference", "Session": "Session",
               "Hearing": "Hearing", "Symposium": "Symposium", "Workshop": "Workshop", "Seminar": "Workshop",
               "Forum": "Meeting", "Congress": "Conference", "Colloquium": "Symposium", "Roundtable": "Meeting"}
PHRASE_HEADS = (  # multi-word heads checked before single head nouns
    (re.compile(r"\b(?:Programme|Program|Plan|Platform) (?:of|for) Action\b"), "instrument", "ProgrammeOfAction"),
    (re.compile(r"\bConferences? on Migration\b"), "process", "RegionalConsultativeProcess"),
    (re.compile(r"\bWorking Group\b"), "organization", "WorkingGroup"),
    (re.compile(r"\bDevelopment Bank\b"), "organization", "DevelopmentBank"),
    (re.compile(r"\bFree Trade Agreement\b"), "instrument", "TradeAgreement"),
)

TOKEN_RE = re.compile(r"[A-Z][A-Za-z’'\-]*[A-Za-z]|[A-Z]|[a-z]+|&|\d+|[^\w\s]")
MASK = "\x00"  # stands in for the characters of names already known, so runs break there
ACRONYM_DEF_RE = re.compile(r"\(([A-Z][A-Za-z&\-]{1,11}?s?)\)")
ILO_CONVENTION_RE = re.compile(
    r"\b(?:ILO )?Convention (?:No\. ?|Number |C)?(\d{2,3})\b(?! ?(?:-|/|States|countries|per))|\(No\. ?(\d{1,3})\)")
RESOLUTION_RE = re.compile(r"\b(?:(General Assembly|Assembly|Council) )?[Rr]esolution (?:A/RES/)?(\d{2})/(\d{1,3})\b"
                           r"|\bA/RES/(\d{2})/(\d{1,3})\b")
SPELLING = (("organisation", "organization"), ("centre", "center"), ("labour", "labor"), ("programme", "program"),
            ("’", "'"))


@dataclass(frozen=True)
class Candidate:
    """A name found in one document: normalised offsets and what it names."""

    start: int
    end: int
    name: str
    kind: str
    cls: str
    rule: str
    key: str = ""
    acronym: str = ""


@dataclass
class DiscoveredEntity:
    key: str
    kind: str
    cls: str
    label: str
    rule: str
    acronyms: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)


def entity_key(name: str) -> str:
    """A slug that is the same for spelling variants of one name ("Centre"/"Center").

    Accents are folded ("Ödül" → "odul"). Letters with no ASCII spelling (Greek, Cyrillic,
    Chinese) cannot be slugged, so a digest of the folded name is appended: "Ζωή Παππά" and
    "Ζωή Ιωάννου" must not share a key, and a key must never be empty."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    for british, american in SPELLING:
        text = text.replace(british, american)
    text = re.sub(r"^the\s+", "", text)
    key = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if any(c.isalpha() and not c.isascii() for c in text):
        digest = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:10]
        key = f"{key}-{digest}" if key else f"u-{digest}"
    return key


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() or (word.isupper() and len(word) >= 2 and word.isalpha())


Token = tuple[int, int, str]


def title_case_runs(text: str, breaks=lambda pos: False) -> Iterable[list[Token]]:
    """Maximal runs of capitalised words, with lowercase connectors inside them."""
    tokens = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
    i = 0
    while i < len(tokens):
        if not _is_cap(tokens[i][2]) or tokens[i][2].isupper():
            i += 1
            continue
        j = i + 1
        last_cap = i
        while j < len(tokens):
            word = tokens[j][2]
            gap_start, gap_end = tokens[j - 1][1], tokens[j][0]
            if gap_end - gap_start > 1 or (gap_end - gap_start == 1 and breaks(gap_start)):
                break
            if word == "The" or re.search(r"['’]s$", tokens[j - 1][2]):  # "New York City’s Blueprint ..."
                break
            if _is_cap(word):
                last_cap = j
            elif word not in CONNECTORS:
                break
            j += 1
        yield tokens[i:last_cap + 1]
        i = last_cap + 1


def classify(words: list[str]) -> tuple[str, str, int] | None:
    """(kind, class, index of the head) of a Title Case name, or None if it names nothing we know."""
    text = " ".join(words)
    for pattern, kind, cls in PHRASE_HEADS:
        match = pattern.search(text)
        if match:
            phrase_words = len(match.group().split())
            first = len(text[:match.start()].split())
            if first + phrase_words == len(words) or words[first + phrase_words] in SPLITTING_CONNECTORS:
                return kind, cls, first + phrase_words - 1
    split = next((k for k, w in enumerate(words) if w in SPLITTING_CONNECTORS and k > 0), len(words))
    head = words[split - 1]
    for table, kind in ((INSTRUMENT_HEADS, "instrument"), (PROCESS_HEADS, "process"), (EVENT_HEADS, "event"),
                        (ORG_HEADS, "organization")):
        if head in table:
            return kind, table[head], split - 1
    return None


def _trim(tokens: list[Token]) -> list[Token]:
    """Drop sentence-initial words and dangling connectors from the ends of a run."""
    while tokens and (tokens[0][2] in LEADING_NOISE or tokens[0][2] in CONNECTORS):
        tokens = tokens[1:]
    while tokens and (tokens[-1][2] in CONNECTORS or tokens[-1][2] in LEADING_NOISE):
        tokens = tokens[:-1]
    if len(tokens) > 1 and tokens[0][2].endswith("ing") and tokens[1][2] in CONNECTORS:
        return []
    return tokens


def _is_specific(words: list[str], head_index: int) -> bool:
    """At least one word that is not a generic modifier, so "the Regional Conference" is not a name."""
    content = [w for k, w in enumerate(words) if k != head_index and w not in CONNECTORS]
    complement = [w for w in words[head_index + 1:] if w not in CONNECTORS]
    if len(complement) >= 2:  # "Blueprint for Economic Development": the complement makes it one plan
        return True
    return bool(content) and not all(w.rstrip("s") in GENERIC_MODIFIERS or w in GENERIC_MODIFIERS for w in content)


def name_candidates(text: str, breaks=lambda pos: False) -> list[Candidate]:
    found: list[Candidate] = []
    for run in title_case_runs(text, breaks):
        tokens = _trim(run)
        if len(tokens) >= 2:
            found.extend(_split_or_keep(text, tokens))
    return found


def _split_or_keep(text: str, tokens: list[Token]) -> list[Candidate]:
    """"Population Division of the Department of ..." is two names when both halves are names;
    so is "Georgetown University and the University of Sussex"."""
    words = [t[2] for t in tokens]
    for k in range(1, len(words) - 1):
        if words[k] == "and":
            left, right = tokens[:k], tokens[k + 1:]
            right = right[1:] if right and right[0][2] == "the" else right
            right_words = [t[2] for t in right]
            if right and classify(words[:k]) and (classify(right_words) or len(right) == 1 and right_words[0].isupper()):
                return _split_or_keep(text, left) + (_split_or_keep(text, right) if len(right) >= 2 else [])
    for k in range(1, len(words) - 2):
        if words[k] == "of" and words[k - 1] in ORG_HEADS:
            left, right = tokens[:k], tokens[k + 1:]
            right = right[1:] if right and right[0][2] == "the" else right
            if len(left) >= 2 and classify(words[:k]) and len(right) >= 2 and classify([t[2] for t in right]):
                return _split_or_keep(text, left) + _split_or_keep(text, right)
    verdict = classify(words)
    if verdict is None:
        return []
    kind, cls, head_index = verdict
    start, end = tokens[0][0], tokens[-1][1]
    name = text[start:end]
    if not _is_specific(words, head_index) or name in COUNTRY_LIKE:
        return []
    return [Candidate(start, end, name, kind, cls, "discovery-head-noun")]


def _initials_match(acronym: str, name: str) -> bool:
    letters = [c for c in acronym.rstrip("s") if c.isupper()]
    words = [w for w in re.split(r"[\s\-/]+", name) if w]
    initials = [w[0].upper() for w in words if w and w[0].isalpha() and w.lower() not in CONNECTORS]
    if not letters or not initials or letters[0] != initials[0]:
        return False
    it = iter(w[0].upper() for w in words if w)
    return all(any(c == letter for c in it) for letter in letters) and len(letters) >= max(2, len(initials) // 2)


def acronym_definitions(text: str, names: list[Candidate]) -> list[Candidate]:
    """`Name (ACR)` where ACR's letters are the name's initials: the acronym names the same entity."""
    ending_at = {c.end: c for c in names}
    found = []
    for match in ACRONYM_DEF_RE.finditer(text):
        name_end = match.start() - 1 if match.start() and text[match.start() - 1] == " " else match.start()
        candidate = ending_at.get(name_end)
        acronym = match.group(1)
        if candidate and _initials_match(acronym, candidate.name):
            found.append(Candidate(match.start(1), match.end(1), acronym, candidate.kind, candidate.cls,
                                   "discovery-acronym-definition", acronym=candidate.name))
    return found


UNIT_AFTER_ACRONYM_RE = re.compile(r"\b((?:[A-Z][\w-]*\s+(?:(?:of|for|on|and)\s+)?){0,6}[A-Z][\w-]*) \(([A-Z]{2,8})\) "
                                   r"(department|division|unit|section|office|centre|center|programme|branch)\b")
UNIT_CLASSES = {"department": "Organization", "division": "Organization", "unit": "Organization",
                "section": "Organization", "office": "Organization", "centre": "ResearchOrganization",
                "center": "ResearchOrganization", "programme": "Organization", "branch": "Organization"}


ENTITLED_RE = re.compile(r"\b(?:report|study|publication|book|paper|guide|handbook|survey|article|volume)\s+"
                         r"(?:entitled|titled|called)\s+[\"“*]?((?:[A-Z][\w’'\-]*|\d+)(?:(?:,|:)?\s+(?:(?:[A-Z][\w’'\-]*|\d+)|"
                         r"(?:and|of|the|in|on|for|to|a|an|with|from)(?=\s+[A-Z])))*)")


QUOTED_TITLE_RE = re.compile(r"\b(?:report|study|publication|book|paper|guide|handbook|survey|article|volume)\s+"
                             r"[\"“]([A-Z][^\"“”\n]{8,200}?)[\"”]")


def entitled_publications(text: str) -> list[Candidate]:
    """"published the report entitled International Migration, Health and Human Rights": the
    Title Case words after "entitled" are a publication's title."""
    found = []
    for match in ENTITLED_RE.finditer(text):
        title = match.group(1).rstrip(",:")
        if len(title.split()) >= 2:
            found.append(Candidate(match.start(1), match.start(1) + len(title), title, "publication", "Publication",
                                   "discovery-entitled", key=entity_key(title)))
    return found


def quoted_publications(text: str) -> list[Candidate]:
    """"launched the joint publication "Meeting the Challenges of Migration: Progress Since the
    ICPD"": a quoted title right after a publication noun. The quotes delimit it, so it is read
    in the unmasked text: a known name inside it ("the ICPD") is part of the title, not an
    event the sentence dates."""
    found = []
    for match in QUOTED_TITLE_RE.finditer(text):
        title = match.group(1).strip().rstrip(",.:")
        if len(title.split()) >= 2:
            found.append(Candidate(match.start(1), match.start(1) + len(title), title, "publication", "Publication",
                                   "discovery-quoted-title", key=entity_key(title)))
    return found


def named_units(text: str) -> list[Candidate]:
    """"an International Migration Law (IML) department": a unit named by a Title Case
    subject, its acronym and a lowercase unit noun, as organizations name new units."""
    found = []
    for match in UNIT_AFTER_ACRONYM_RE.finditer(text):
        name, acronym, unit = match.groups()
        if not _initials_match(acronym, name):
            continue
        label = f"{name} {unit.title()}"
        found.append(Candidate(match.start(), match.end(), match.group(), "organization", UNIT_CLASSES[unit],
                               "discovery-named-unit", key=entity_key(label)))
    return found


def numbered_instruments(text: str) -> list[Candidate]:
    """ILO conventions by number and UN resolutions by symbol, keyed as curators key them."""
    found = []
    for match in ILO_CONVENTION_RE.finditer(text):
        number = int(match.group(1) or match.group(2))
        if not 1 <= number <= 200:
            continue
        found.append(Candidate(match.start(), match.end(), match.group(), "instrument", "Convention",
                               "discovery-ilo-number", key=f"ilo-c{number:03d}"))
    for match in RESOLUTION_RE.finditer(text):
        session, number = (match.group(2), match.group(3)) if match.group(2) else (match.group(4), match.group(5))
        found.append(Candidate(match.start(), match.end(), match.group(), "instrument", "Resolution",
                               "discovery-un-symbol", key=f"resolution-{int(session)}-{int(number)}"))
    return found


def canonical_key(name: str) -> str:
    """The key an entity of this name gets: numbered instruments by their number or symbol
    (the registry's id convention), anything else by its spelling-insensitive slug."""
    numbered = numbered_instruments(name)
    return numbered[0].key if numbered else entity_key(name)


def masked(text: str, known: Iterable[tuple[int, int]]) -> str:
    """The text with the characters of known names replaced by MASK (offsets unchanged)."""
    chars = list(text)
    for start, end in known:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


def document_candidates(norm: NormalizedText, known: Iterable[tuple[int, int]] = ()) -> list[Candidate]:
    """Candidate new names of one document; `known` are normalised spans of registry names,
    which are never rediscovered and break the Title Case runs around them."""
    text = masked(norm.text, known)
    names = name_candidates(text, norm.is_hard_break)
    # Numbered instruments are keyed canonically, so they are looked for in the unmasked text:
    # "General Assembly resolution 58/208" extends a known "resolution 58/208".
    return (names + acronym_definitions(text, names) + named_units(text) + entitled_publications(text)
            + quoted_publications(norm.text) + numbered_instruments(norm.text))


def canonical_label(candidate: Candidate) -> str:
    if candidate.rule == "discovery-named-unit":
        match = UNIT_AFTER_ACRONYM_RE.fullmatch(candidate.name)
        if match:
            return f"{match.group(1)} {match.group(3).title()}"
    if candidate.rule == "discovery-ilo-number":
        return f"ILO Convention No. {int(candidate.key.removeprefix('ilo-c'))}"
    if candidate.rule == "discovery-un-symbol":
        session, number = candidate.key.removeprefix("resolution-").split("-")
        return f"Resolution {session}/{number}"
    return candidate.name


def merge(per_document: dict[str, list[Candidate]], known_keys: dict[str, str]) -> dict[str, DiscoveredEntity]:
    """One entity per key across documents. `known_keys` maps the key of every registry name
    to its registry id: a candidate whose name is a registry name (up to spelling) is not new."""
    entities: dict[str, DiscoveredEntity] = {}
    for doc_id in sorted(per_document):
        for cand in sorted(per_document[doc_id], key=lambda c: (c.start, c.end, c.name)):
            if cand.rule == "discovery-acronym-definition":
                continue
            key = cand.key or entity_key(cand.name)
            if key in known_keys or entity_key(cand.name) in known_keys:
                continue
            entity = entities.get(key)
            if entity is None:
                entity = entities[key] = DiscoveredEntity(key, cand.kind, cand.cls, canonical_label(cand), cand.rule)
            if cand.name != entity.label:
                entity.aliases.add(cand.name)
            entity.documents.add(doc_id)
    for doc_id in sorted(per_document):
        for cand in per_document[doc_id]:
            if cand.rule == "discovery-acronym-definition":
                key = entity_key(cand.acronym)
                if key in entities and cand.name not in known_keys:
                    entities[key].acronyms.add(cand.name)
    return entities
