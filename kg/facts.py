"""Extracting facts from sentences: rules over mentions, dates and numbers.

Each rule reads one sentence of the normalised text with the mentions inside it and yields
claims: (subject key, property, object key or literal, rule, confidence). The sentence is
the evidence passage, mapped back to the document's own characters. Rules are written
against the grammar of the genre (passive "X was established in 2003 by Y", active "Y
established X in 2003", "ratified by 42 States", "supplementing the Z"), not against these
five documents, and each has its own confidence so a curator can review the weak ones."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .ingest import NormalizedText
from .mentions import Mention

MONTHS = {m: i for i, m in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"), start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["Sept"] = 9
MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
DATE_RE = re.compile(rf"\b(?:(\d{{1,2}})(?:\s*(?:-|to|and)\s*\d{{1,2}})? )?{MONTH}(?: (\d{{1,2}})(?:st|nd|rd|th)?)?,? (\d{{4}})\b|\b(?:in|since|of|on) (\d{{4}})\b")
NUMBER_WORDS = {w: i for i, w in enumerate(("zero one two three four five six seven eight nine ten eleven twelve "
                                            "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty").split())}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
COUNT = r"(\d{1,3}|[a-z]+(?:-[a-z]+)?)"
ABBREVIATIONS = re.compile(r"\b(?:No|Nos|Mr|Ms|Mrs|Dr|Prof|St|Inc|Ltd|Co|Vol|e\.g|i\.e|etc|U\.S|U\.N|Art|para|al|cf|pp|p|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s+(?=[\"'(•·▪–-]?\s*[A-Z0-9])|\s(?=[•·▪]\s)")

ACTOR_KINDS = ("organization", "place", "person")
FOUNDABLE_KINDS = ("organization", "process", "event", "project")


@dataclass(frozen=True)
class Sentence:
    start: int  # normalised offsets
    end: int
    text: str
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Claim:
    """A fact as a document states it, before it becomes RDF: keys are entity keys."""

    subject: str
    prop: str
    value: str | int
    rule: str
    confidence: Decimal
    sentence: Sentence
    extra: tuple[tuple[str, str], ...] = ()  # e.g. (("consent", "ratification"), ("asOf", "2004-06"))


def sentences(norm: NormalizedText, mentions: list[Mention]) -> list[Sentence]:
    """Sentence spans of the normalised text; a full stop after an abbreviation is not an end."""
    text = norm.text
    bounds = [0]
    for match in SENTENCE_END.finditer(text):
        if ABBREVIATIONS.search(text[max(0, match.start() - 6):match.start() + 1]):
            continue
        bounds.append(match.end())
    bounds.append(len(text))
    result, index = [], 0
    ordered = sorted(mentions, key=lambda m: m.norm_start)
    for start, end in zip(bounds, bounds[1:]):
        inside = []
        while index < len(ordered) and ordered[index].norm_start < end:
            if ordered[index].norm_start >= start:
                inside.append(ordered[index])
            index += 1
        if end > start:
            result.append(Sentence(start, end, text[start:end], tuple(inside)))
    return result


def parse_count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    word = word.lower()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if word in TENS:
        return TENS[word]
    if "-" in word:
        tens, _, unit = word.partition("-")
        if tens in TENS and unit in NUMBER_WORDS and NUMBER_WORDS[unit] < 10:
            return TENS[tens] + NUMBER_WORDS[unit]
    return None


def dates_in(text: str, offset: int = 0) -> list[tuple[int, str]]:
    """(position, ISO partial date) of every date expression, in order."""
    found = []
    for m in DATE_RE.finditer(text):
        if m.group(4):
            year = m.group(4)
            month = MONTHS[m.group(2)]
            day = m.group(1) or m.group(3)
            value = f"{year}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"
        else:
            value = m.group(5)
        if 1800 <= int(value[:4]) <= 2100:
            found.append((offset + m.start(), value))
    return found


def _rel(sentence: Sentence, mention: Mention) -> int:
    return mention.norm_start - sentence.start


def _before(sentence: Sentence, pos: int, kinds: tuple[str, ...]) -> list[Mention]:
    return [m for m in sentence.mentions if _rel(sentence, m) < pos and m.kind in kinds]


def _after(sentence: Sentence, pos: int, kinds: tuple[str, ...]) -> list[Mention]:
    return [m for m in sentence.mentions if _rel(sentence, m) >= pos and m.kind in kinds]


def _claim(subject: str, prop: str, value: str | int, rule: str, confidence: str, sentence: Sentence,
           **extra: str) -> Claim:
    return Claim(subject, prop, value, rule, Decimal(confidence), sentence, tuple(sorted(extra.items())))


ESTABLISH_RE = re.compile(r"\b(established|founded|created|launched|set up|inaugurated|co-founded)\b")
PASSIVE_RE = re.compile(r"\b(?:was|were|been|be|being|is|are|had|has)\s+(?:\w+\s+)?$|,\s*$|\bnewly\s+$")
DIRECT_OBJECT_RE = re.compile(r"^\s+(?:the|a|an|its|their|his|her|this|these)\b")


def _is_passive(before: str, after: str) -> bool:
    """"X was established in", "X, established in", "X established in 2003": passive;
    "..., established the X": active."""
    if re.search(r"\b(?:has|have|had)\s+$", before):
        return False
    if re.match(r"\s+(?:in|on|during|since)\s+(?:\d|[A-Z][a-z]+ \d)", after):
        return True
    return bool(PASSIVE_RE.search(before)) and not DIRECT_OBJECT_RE.match(after)
BY_RE = re.compile(r"^\s*(?:\w+\s+){0,4}?by\b")


def establishment(sentence: Sentence) -> Iterator[Claim]:
    for trigger in ESTABLISH_RE.finditer(sentence.text):
        before_text = sentence.text[:trigger.start()]
        passive = _is_passive(before_text, sentence.text[trigger.end():])
        window_dates = dates_in(sentence.text[trigger.end():trigger.end() + 80], trigger.end())
        if not window_dates:  # "In April 2003, the heads of ... established the Group"
            window_dates = [d for d in dates_in(sentence.text[:trigger.start()]) if d[0] < 12]
        if passive:
            subjects = _before(sentence, trigger.start(), FOUNDABLE_KINDS)[-1:]
            after = sentence.text[trigger.end():]
            agents = _after(sentence, trigger.end(), ACTOR_KINDS) if BY_RE.match(after) else []
            if agents:
                by_end = trigger.end() + BY_RE.match(after).end()
                agents = _agent_list(sentence, by_end)
        else:
            subjects = _direct_object(sentence, trigger.end(), FOUNDABLE_KINDS)
            agents = [m for m in _before(sentence, trigger.start(), ACTOR_KINDS)
                      if trigger.start() - (_rel(sentence, m) + len(m.surface)) < 300][-8:]
        for subject in subjects:
            if window_dates:
                yield _claim(subject.key, "establishedOn", window_dates[0][1], "rule-establishment-date", "0.85", sentence)
            for agent in agents:
                if agent.key != subject.key:
                    yield _claim(subject.key, "establishedBy", agent.key, "rule-establishment-agent", "0.75", sentence)


OBJECT_GAP = re.compile(r"^\s*(?:(?:the|a|an|its|their|his|her|this|these|new|joint|first|second|third)\s+)*$")


def _direct_object(sentence: Sentence, pos: int, kinds: tuple[str, ...]) -> list[Mention]:
    """The mention right after a verb ("established the Commission"), or nothing: a mention
    further on ("launched, together with the IMP, the publication") is not the object."""
    following = _after(sentence, pos, kinds)[:1]
    return [m for m in following if OBJECT_GAP.match(sentence.text[pos:_rel(sentence, m)])]


LIST_INTRO = re.compile(r"\b(?:such as|namely|including|notably|in particular),?\s*(?:the\s+)?$")


def _agent_list(sentence: Sentence, pos: int) -> list[Mention]:
    """Mentions in a coordinated list starting at pos: "A, B and C" (stops at the first verb-ish gap)."""
    result = []
    last = pos
    for m in _after(sentence, pos, ACTOR_KINDS):
        gap = sentence.text[last:_rel(sentence, m)]
        if result and not re.fullmatch(r"\s*(?:,|and|, and|as well as|the|,? the|and the|, and the|\s)*\s*", gap):
            break
        if not result and len(gap) > 40 and not (len(gap) < 120 and LIST_INTRO.search(gap)):
            break
        result.append(m)
        last = _rel(sentence, m) + (m.norm_end - m.norm_start)
    return result


ADOPT_RE = re.compile(r"\badopted\b")
NAME_YEAR_RE = re.compile(r"(?:,| of) (1[89]\d\d|20\d\d)(?: \(No\. ?\d+\))?$")
INSTRUMENT_YEAR_RE = re.compile(r"^(?: of|,) (1[89]\d\d|20\d\d)\b(?! (?:and|to|-))")
RESOLUTION_DATE_RE = re.compile(rf"^\s*(?:\(\w[^)]*\)\s*)?of (\d{{1,2}}) {MONTH} (\d{{4}})")


def adoption(sentence: Sentence) -> Iterator[Claim]:
    for trigger in ADOPT_RE.finditer(sentence.text):
        before_text = sentence.text[:trigger.start()]
        window_dates = dates_in(sentence.text[trigger.end():trigger.end() + 60], trigger.end())
        if _is_passive(before_text, sentence.text[trigger.end():]):
            instruments = _before(sentence, trigger.start(), ("instrument",))[-1:]
            after = sentence.text[trigger.end():]
            agents = _after(sentence, trigger.end(), ("organization",))[:1] if BY_RE.match(after) else []
            if not window_dates:
                window_dates = [d for d in dates_in(before_text) if instruments and d[0] > _rel(sentence, instruments[0])]
        else:
            instruments = _direct_object(sentence, trigger.end(), ("instrument",))
            agents = [m for m in _before(sentence, trigger.start(), ("organization",))][-1:]
            if not window_dates and instruments:
                window_dates = dates_in(sentence.text[:trigger.start()])[-1:]
        for instrument in instruments:
            if window_dates:
                yield _claim(instrument.key, "adoptedOn", window_dates[0][1], "rule-adoption-date", "0.85", sentence)
            for agent in agents:
                yield _claim(instrument.key, "adoptedBy", agent.key, "rule-adoption-agent", "0.75", sentence)
    for m in sentence.mentions:
        rest = sentence.text[_rel(sentence, m) + (m.norm_end - m.norm_start):]
        year = INSTRUMENT_YEAR_RE.match(rest)
        if m.kind == "instrument" and year and "esolution" not in m.surface and not re.search(r"\d{4}", m.surface):
            yield _claim(m.key, "adoptedOn", year.group(1), "rule-instrument-year", "0.7", sentence)
        own_year = NAME_YEAR_RE.search(" ".join(m.surface.split()))
        if m.kind == "instrument" and own_year and m.method != "coreference":
            yield _claim(m.key, "adoptedOn", own_year.group(1), "rule-instrument-year", "0.7", sentence)
        if m.kind == "instrument":
            match = RESOLUTION_DATE_RE.match(sentence.text[_rel(sentence, m) + (m.norm_end - m.norm_start):])
            if match and "esolution" in m.surface:
                value = f"{match.group(3)}-{MONTHS[match.group(2)]:02d}-{int(match.group(1)):02d}"
                yield _claim(m.key, "adoptedOn", value, "rule-resolution-of-date", "0.9", sentence)


FORCE_RE = re.compile(rf"\bentered into force (?:on |in )?((?:\d{{1,2}} )?{MONTH} \d{{4}}|\d{{4}})")


def entry_into_force(sentence: Sentence) -> Iterator[Claim]:
    for match in FORCE_RE.finditer(sentence.text):
        dates = dates_in("on " + match.group(1)) if match.group(1)[:1].isdigit() and len(match.group(1)) == 4 else dates_in(match.group(1))
        instruments = _before(sentence, match.start(), ("instrument",))
        if dates and instruments:
            yield _claim(instruments[-1].key, "enteredIntoForceOn", dates[0][1], "rule-entry-into-force", "0.9", sentence)


CONSENT = {"ratified": "ratification", "ratifications": "ratification", "signed": "signature",
           "signatures": "signature", "acceded": "accession", "accessions": "accession"}
PARTIES_RES = (
    re.compile(rf"\b(ratified|signed|acceded to)(?:,? respectively,)? by {COUNT}(?: and {COUNT})? (?:States|countries|Governments|Member States|nations)"),
    re.compile(rf"\b{COUNT} (?:States|countries|Governments|Member States)(?: Parties)? (?:have |had |having )?(ratified|signed|acceded)"),
    re.compile(rf"\b{COUNT} (ratifications|signatures|accessions)\b"),
)
AS_OF_RE = re.compile(rf"\bas (?:of|at) ((?:\d{{1,2}} )?{MONTH},? \d{{4}})")


def participation(sentence: Sentence) -> Iterator[Claim]:
    as_of = AS_OF_RE.search(sentence.text)
    as_of_value = dates_in(as_of.group(1))[0][1] if as_of and dates_in(as_of.group(1)) else ""
    for pattern in PARTIES_RES:
        for match in pattern.finditer(sentence.text):
            groups = [g for g in match.groups() if g]
            verb = next(g for g in groups if g.split()[0] in CONSENT or g in CONSENT)
            consent = CONSENT[verb.split()[0]]
            counts = [parse_count(g) for g in groups if g != verb and parse_count(g) is not None]
            instruments = _before(sentence, match.start(), ("instrument",))
            if not counts or not instruments:
                continue
            distinct = []
            for m in instruments:
                if m.key not in [d.key for d in distinct]:
                    distinct.append(m)
            targets = distinct[-len(counts):] if len(counts) > 1 else distinct[-1:]
            if len(targets) != len(counts):
                continue
            for instrument, count in zip(targets, counts):
                extra = {"consent": consent}
                if as_of_value:
                    extra["asOf"] = as_of_value
                yield _claim(instrument.key, "parties", count, "rule-treaty-participation", "0.85", sentence, **extra)


SUPPLEMENT_RE = re.compile(r"\bsupplement(?:ing|s)?\b(?: to)?")


def supplements(sentence: Sentence) -> Iterator[Claim]:
    for match in SUPPLEMENT_RE.finditer(sentence.text):
        objects = _after(sentence, match.end(), ("instrument",))[:1]
        subjects = [m for m in _before(sentence, match.start(), ("instrument",))
                    if "rotocol" in m.surface or "Protocol" in m.key.title()]
        for obj in objects:
            for subj in {m.key: m for m in subjects}.values():
                if subj.key != obj.key:
                    yield _claim(subj.key, "supplements", obj.key, "rule-supplements", "0.85", sentence)


MEMBER_LIST_RE = re.compile(r"\b(?:brings together|bring together|comprising|comprises|composed of|consists of|consisting of|"
                            r"members (?:are|include|included)|includes|including the heads of|heads of)\b")
MEMBER_OF_RE = re.compile(r"\b(?:is|are|was|were|became|as) (?:a |an )?(?:founding |full |active )?members? of\b")


def membership(sentence: Sentence) -> Iterator[Claim]:
    for match in MEMBER_OF_RE.finditer(sentence.text):
        group = _after(sentence, match.end(), ("organization", "process"))[:1]
        members = _before(sentence, match.start(), ("organization",))[-1:]
        for g in group:
            for m in members:
                if m.key != g.key:
                    yield _claim(m.key, "memberOf", g.key, "rule-member-of", "0.8", sentence)
    for match in MEMBER_LIST_RE.finditer(sentence.text):
        groups = [m for m in _before(sentence, match.start(), ("organization", "process"))][-1:]
        members = _agent_list(sentence, match.end())
        for g in groups:
            for m in members:
                if m.key != g.key and m.kind == "organization":
                    yield _claim(m.key, "memberOf", g.key, "rule-member-list", "0.7", sentence)


SUPPORT_RE = re.compile(r"\b(?:with the (?:financial |generous )?support of|supported by|funded by|sponsored by|financed by|"
                        r"co-sponsored by|in (?:collaboration|partnership|cooperation) with|"
                        r"(?:an? )?(?:inter-agency |joint |common )?(?:activity|initiative|programme|project) of)\b")
PARTNER_RE = re.compile(r"\b(?:an? )?(?:active |key |main )?partners? of\b")
SUPPORT_ACTIVE_RE = re.compile(r"\b(?:supports?|supported|funds|funded|sponsors|sponsored|co-?sponsors|co-?sponsored|"
                               r"participates? in|participated in|participating in|took part in|takes part in|"
                               r"contributed to|contributes to|played an? (?:\w+ )?role in|is a partner (?:in|of))\b")
TOGETHER_RE = re.compile(r"^\s*,?\s*(?:together|jointly) with\b")


def support(sentence: Sentence) -> Iterator[Claim]:
    for match in SUPPORT_RE.finditer(sentence.text):
        supported = _before(sentence, match.start(), ("process", "project"))[-1:]
        for target in supported:
            for org in _agent_list(sentence, match.end()):
                if org.kind == "organization":
                    yield _claim(org.key, "supports", target.key, "rule-support-passive", "0.75", sentence)
    for match in PARTNER_RE.finditer(sentence.text):  # "ILO is an active partner of A, B and C in X"
        partners = _agent_list(sentence, match.end())
        if not partners:
            continue
        last = partners[-1]
        end = _rel(sentence, last) + (last.norm_end - last.norm_start)
        target = _direct_object(sentence, end + len(re.match(r"\s*in\b", sentence.text[end:]).group())
                                if re.match(r"\s*in\b", sentence.text[end:]) else len(sentence.text), ("process", "project"))
        subject = _before(sentence, match.start(), ("organization",))[-1:]
        for org in subject + partners:
            for t in target:
                if org.kind == "organization":
                    yield _claim(org.key, "supports", t.key, "rule-support-partner", "0.7", sentence)
    for match in SUPPORT_ACTIVE_RE.finditer(sentence.text):
        targets = [m for m in _after(sentence, match.end(), ("process", "project"))
                   if _rel(sentence, m) - match.end() < 120][:3]
        orgs = _before(sentence, match.start(), ("organization",))[-1:]
        for org in orgs:
            if match.start() - _rel(sentence, org) > 150:
                continue
            for target in targets:
                yield _claim(org.key, "supports", target.key, "rule-support-active", "0.7", sentence)
                end = _rel(sentence, target) + (target.norm_end - target.norm_start)
                together = TOGETHER_RE.match(sentence.text[end:])
                if together:  # "co-sponsors X together with A, B and C": they support X too
                    for partner in _agent_list(sentence, end + together.end()):
                        if partner.kind == "organization":
                            yield _claim(partner.key, "supports", target.key, "rule-support-active", "0.7", sentence)


ORGANIZE_RE = re.compile(r"\b(organized|organised|convened|hosted|co-organized|co-organised|organizing|organising|"
                         r"convening|hosting|will convene|will host)\b")
DATE_SPAN_RE = re.compile(rf"\b(?:from |on )?(\d{{1,2}})(?:\s*(?:-|–|to|and)\s*\d{{1,2}})? {MONTH},? (\d{{4}})\b"
                          rf"|(?:\bin |\()?{MONTH}(?: {DAY})?,? (\d{{4}})\b")


def events(sentence: Sentence) -> Iterator[Claim]:
    evs = [m for m in sentence.mentions if m.kind == "event"]
    if not evs:
        return
    for match in ORGANIZE_RE.finditer(sentence.text):
        if BY_RE.match(sentence.text[match.end():]):
            target = _before(sentence, match.start(), ("event",))[-1:]
            organizers = [m for m in _agent_list(sentence, match.end() + BY_RE.match(sentence.text[match.end():]).end())
                          if m.kind in ("organization", "person")]
        else:
            target = _after(sentence, match.end(), ("event",))[:1]
            before = _before(sentence, match.start(), ("organization",))
            organizers = before[-1:]
            if before and not match.group(1).endswith("ing") and re.search(r"\b(?:in (?:collaboration|cooperation|partnership) with|together with|jointly with)\b",
                                    sentence.text[:match.start()]):
                organizers = list({m.key: m for m in before}.values())
        for ev in target:
            for org in organizers:
                yield _claim(ev.key, "organizedBy", org.key, "rule-organized-by", "0.8", sentence)
    for first in evs:
        yield from _event_date(sentence, first)
    first = evs[0]
    for place in _after(sentence, _rel(sentence, first), ("place",))[:1]:
        gap = sentence.text[_rel(sentence, first):_rel(sentence, place)]
        if re.search(r"\b(?:in|at)\s+(?:the\s+)?(?:[A-Z][\w-]*\s+){0,3}$", gap) and len(gap) < 200:
            yield _claim(first.key, "heldIn", place.key, "rule-event-place", "0.7", sentence)


def _event_date(sentence: Sentence, first: Mention) -> Iterator[Claim]:
    first_end = _rel(sentence, first) + (first.norm_end - first.norm_start)
    date = DATE_SPAN_RE.search(sentence.text, first_end)
    if date and date.start() - first_end < 80 and not re.search(r"[.;]", sentence.text[first_end:date.start()]):
        if date.group(1):
            value = f"{date.group(3)}-{MONTHS[date.group(2)]:02d}-{int(date.group(1)):02d}"
        elif date.group(5):
            value = f"{date.group(6)}-{MONTHS[date.group(4)]:02d}-{int(date.group(5)):02d}"
        else:
            value = f"{date.group(6)}-{MONTHS[date.group(4)]:02d}"
        yield _claim(first.key, "startDate", value, "rule-event-date", "0.75", sentence)


PART_OF_GAP = re.compile(r"^(?:,?\s*of\s+(?:the\s+)?|,\s+)$")
UNIT_WORDS = ("Division", "Department", "Office", "Section", "Unit", "Branch", "Bureau", "Programme", "Centre",
              "Center", "Institute", "Secretariat", "Service", "Committee", "Council", "Commission", "Board")


def sub_organization(sentence: Sentence) -> Iterator[Claim]:
    ms = [m for m in sentence.mentions if m.kind == "organization"]
    for left, right in zip(ms, ms[1:]):
        gap = sentence.text[_rel(sentence, left) + (left.norm_end - left.norm_start):_rel(sentence, right)]
        if left.key != right.key and PART_OF_GAP.match(gap) and any(w in left.surface for w in UNIT_WORDS) \
                and left.method != "coreference":
            if gap.strip().startswith(",") and "of" not in gap:
                continue
            yield _claim(left.key, "subOrganizationOf", right.key, "rule-part-of", "0.7", sentence)


SYMBOL_RE = re.compile(r"^\s*\(?((?:A|E|S|ST)/(?:RES/|CONF\.\d+/|CN\.\d+/)?\d{1,4}/\d{1,4}(?:/Add\.\d+)?)\)?")
ILO_NUMBER_RE = re.compile(r"^\s*,?\s*(?:\d{4}\s*)?\(No\. ?(\d{1,3})\)")


def identifiers(sentence: Sentence) -> Iterator[Claim]:
    for m in sentence.mentions:
        rest = sentence.text[_rel(sentence, m) + (m.norm_end - m.norm_start):]
        if m.kind in ("instrument", "publication"):
            symbol = SYMBOL_RE.match(rest)
            if symbol:
                yield _claim(m.key, "unSymbol", symbol.group(1), "rule-un-symbol", "0.9", sentence)
        if m.kind == "instrument":
            number = ILO_NUMBER_RE.match(rest)
            if number:
                yield _claim(m.key, "iloConventionNumber", int(number.group(1)), "rule-ilo-number", "0.9", sentence)
            elif m.method == "discovery-ilo-number" or re.fullmatch(r"ilo-c\d{3}", m.key) and re.search(r"\d", m.surface):
                yield _claim(m.key, "iloConventionNumber", int(m.key[5:]), "rule-ilo-number", "0.9", sentence)


RULES = (establishment, adoption, entry_into_force, participation, supplements, membership, support, events,
         sub_organization, identifiers)


def extract_claims(norm: NormalizedText, mentions: list[Mention]) -> list[Claim]:
    """Every claim of every rule, once per (subject, property, value, sentence)."""
    seen: set[tuple] = set()
    claims: list[Claim] = []
    for sentence in sentences(norm, mentions):
        if not sentence.mentions:
            continue
        for rule in RULES:
            for claim in rule(sentence):
                key = (claim.subject, claim.prop, claim.value, claim.extra, sentence.start)
                if key not in seen:
                    seen.add(key)
                    claims.append(claim)
    return claims


def all_claims(items: Iterable[tuple[NormalizedText, list[Mention]]]) -> list[Claim]:
    return [c for norm, mentions in items for c in extract_claims(norm, mentions)]
