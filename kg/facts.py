"""Extracting facts from sentences: the sentence model and the rules about organizations,
instruments, processes and events (people and works: `roles`; figures: `figures`; themes:
`themes`; running them all: `rules`).

Each rule reads one sentence of the normalised text with the mentions inside it and yields
claims: (subject key, property, object key or literal, rule, confidence). The sentence is
the evidence passage, mapped back to the document's own characters. Rules are written
against the grammar of the genre (passive "X was established in 2003 by Y", active "Y
established X in 2003", "ratified by 42 States", "supplementing the Z"), not against these
five documents, and each has its own confidence so a curator can review the weak ones."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .ingest import NormalizedText
from .mentions import DESCRIPTION_METHODS, Mention, Name

MONTHS = {m: i for i, m in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"), start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["Sept"] = 9
MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
DATE_RE = re.compile(rf"\b(?:(\d{{1,2}})(?:\s*(?:-|to|and)\s*\d{{1,2}})? )?{MONTH}(?: (\d{{1,2}})(?:st|nd|rd|th)?)?,? (\d{{4}})\b|\b(?:[Ii]n|[Ss]ince|of|[Oo]n) (\d{{4}})\b")
NUMBER_WORDS = {w: i for i, w in enumerate(("zero one two three four five six seven eight nine ten eleven twelve "
                                            "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty").split())}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
COUNT = r"(\d{1,3}|[a-z]+(?:-[a-z]+)?)"
ABBREVIATIONS = re.compile(r"\b(?:No|Nos|Mr|Ms|Mrs|Dr|Prof|St|Inc|Ltd|Co|Vol|e\.g|i\.e|etc|U\.S|U\.N|Art|para|al|cf|pp|p|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
SENTENCE_END = re.compile(r"[.!?][\"')\]]?(?:<sup>[^<]{1,8}</sup>)?\s+(?=[\"'(•·▪–-]?\s*[A-Z0-9])|\s(?=[•·▪]\s)")

ACTOR_KINDS = ("organization", "place", "person")
FOUNDABLE_KINDS = ("organization", "process", "event", "project")


@dataclass(frozen=True)
class Sentence:
    start: int  # normalised offsets
    end: int
    text: str
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Context:
    """What a rule may know beyond its sentence: the gazetteer's names, to read a name inside
    a name ("General Assembly resolution 55/25"), and the process each described first
    meeting began ("the first meeting of the Budapest Process" → budapest-process)."""

    names: Mapping[str, Name] = field(default_factory=dict)
    founding_meetings: Mapping[str, str] = field(default_factory=dict)  # first meeting → its process
    themes: Mapping[str, str] = field(default_factory=dict)  # lowercased theme label → theme id


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
    bounds = sorted(set(bounds) | set(norm.paragraph_breaks))
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


def rel_start(sentence: Sentence, mention: Mention) -> int:
    return mention.norm_start - sentence.start


def mentions_before(sentence: Sentence, pos: int, kinds: tuple[str, ...]) -> list[Mention]:
    return [m for m in sentence.mentions if rel_start(sentence, m) < pos and m.kind in kinds]


def mentions_after(sentence: Sentence, pos: int, kinds: tuple[str, ...]) -> list[Mention]:
    return [m for m in sentence.mentions if rel_start(sentence, m) >= pos and m.kind in kinds]


def make_claim(subject: str, prop: str, value: str | int, rule: str, confidence: str, sentence: Sentence,
           **extra: str) -> Claim:
    return Claim(subject, prop, value, rule, Decimal(confidence), sentence, tuple(sorted(extra.items())))


DATE_PHRASE = rf"(?:(?:in|on) (?:(?:\d{{1,2}} )?{MONTH} )?\d{{4}},?\s+)?"
ESTABLISH_RE = re.compile(r"\b(established|founded|created|launched|set up|inaugurated|co-founded)\b")
PASSIVE_RE = re.compile(r"\b(?:was|were|been|be|being|is|are|had|has)\s+(?:\w+\s+)?$|,\s*$|\bnewly\s+$")
DIRECT_OBJECT_RE = re.compile(r"^\s+(?:the|a|an|its|their|his|her|this|these)\b")


def _is_passive(before: str, after: str) -> bool:
    """"X was established in", "X, established in", "X established in 2003": passive;
    "..., established the X": active."""
    if re.search(r"\b(?:has|have|had)\s+$", before):
        return False
    if re.match(r"\s+by\b", after):  # "The Plan of Action adopted by ... delegates"
        return True
    if re.match(rf"\s+{DATE_PHRASE}(?:the|a|an|its|their)\s", after):  # "launched in 2001 the Campaign"
        return False
    if re.match(r"\s+(?:in|on|during|since)\s+(?:\d|[A-Z][a-z]+ \d)", after):
        return True
    return bool(PASSIVE_RE.search(before)) and not DIRECT_OBJECT_RE.match(after)
BY_RE = re.compile(r"^\s*(?:\w+\s+){0,4}?by\b")


# Between a name and its passive participle: "X (ACR), an independent body, which was formally"
PASSIVE_GAP = re.compile(r"^\)?\s*(?:\([^)]*\)\s*)?(?:\s+(?:of|for|on)\s+[a-z][^,.;()]{0,60}?\s+)?(?:,\s+(?:an?|the)\s[^,]{0,80})?,?\s*(?:(?:which|that)\s+)?"
                         r"(?:(?:was|were|is|are|has been|have been|had been|been|being)\s+)?(?:\w+ly\s+)?$")
FRONTED_ADVERBIAL = re.compile(r"^\W*(?:\d+\.\s+)?(?:With|In|Under|Following|After|At|On|Upon|Since|During|Through)\b[^,]*,")


def co_subjects(sentence: Sentence, pos: int) -> list[Mention]:
    """The subject of the verb at pos with its partners: "WHO, together with key partner
    organizations such as ILO, IOM and OHCHR, published ..." → WHO, ILO, IOM, OHCHR."""
    fronted = FRONTED_ADVERBIAL.match(sentence.text[:pos])
    start = fronted.end() if fronted else 0
    actors = [m for m in mentions_after(sentence, start, ("organization", "person")) if rel_end(sentence, m) <= pos]
    if not actors:
        return []
    head = _chain_head(sentence, actors[:1])[0]
    partners = _collaborators(sentence, rel_end(sentence, head))
    if partners:
        return [head] + [m for m in partners if rel_end(sentence, m) <= pos]
    last = _chain_head(sentence, actors[-1:])
    return last if pos - rel_end(sentence, actors[-1]) <= 80 else []


def _active_subjects(sentence: Sentence, pos: int) -> list[Mention]:
    """Who did it, in "A, B and C established X": the actors between the end of a fronted
    adverbial ("With the encouragement of the Secretary-General of the United Nations,") and
    the verb; after "namely"/"such as" only the list that follows it."""
    start = 0
    fronted = FRONTED_ADVERBIAL.match(sentence.text[:pos])
    if fronted:
        start = fronted.end()
    intros = list(LIST_INTRO_ANYWHERE.finditer(sentence.text, start, pos))
    if intros:
        return agent_list(sentence, intros[-1].end())
    actors = [m for m in mentions_after(sentence, start, ACTOR_KINDS) if rel_end(sentence, m) <= pos]
    return [m for m in actors if pos - rel_end(sentence, m) < 300][-8:]


def establishment(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    for trigger in ESTABLISH_RE.finditer(sentence.text):
        before_text = sentence.text[:trigger.start()]
        passive = _is_passive(before_text, sentence.text[trigger.end():])
        window_dates = dates_in(sentence.text[trigger.end():trigger.end() + 120], trigger.end())
        if not window_dates:  # "In April 2003, the heads of ... established the Group"
            window_dates = [d for d in dates_in(sentence.text[:trigger.start()]) if d[0] < 12]
        if passive:
            subjects = [m for m in mentions_before(sentence, trigger.start(), FOUNDABLE_KINDS)[-1:]
                        if PASSIVE_GAP.match(sentence.text[rel_end(sentence, m):trigger.start()])]
            after = sentence.text[trigger.end():]
            agents = mentions_after(sentence, trigger.end(), ACTOR_KINDS) if BY_RE.match(after) else []
            if agents:
                by_end = trigger.end() + BY_RE.match(after).end()
                agents = agent_list(sentence, by_end)
        else:
            subjects = _direct_object(sentence, trigger.end(), FOUNDABLE_KINDS)
            agents = _active_subjects(sentence, trigger.start())
        for subject in subjects:
            if window_dates:
                yield make_claim(subject.key, "establishedOn", window_dates[0][1], "rule-establishment-date", "0.85", sentence)
            for agent in agents:
                if agent.key != subject.key:
                    yield make_claim(subject.key, "establishedBy", agent.key, "rule-establishment-agent", "0.75", sentence)
                    if not passive and len(agents) == 1 and agent.kind == "organization" and subject.kind == "organization" \
                            and subject.surface.split()[-1].lower() in UNIT_NOUNS:  # "IOM has established an ... department"
                        yield make_claim(subject.key, "subOrganizationOf", agent.key, "rule-establishment-unit", "0.65", sentence)


FOUNDER_RE = re.compile(r"\b(?:is|was|are|were|as) (?:a |an |the |one of the )?(?:joint |main )?"
                        r"(?:co-?founders?|founders?|founding members?|co-?initiators?|initiators?) of\b")


def founders(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """"IOM was a joint initiator of the Geneva Migration Group": the subject founded it."""
    for match in FOUNDER_RE.finditer(sentence.text):
        founded = _direct_object(sentence, match.end(), FOUNDABLE_KINDS)
        agents = mentions_before(sentence, match.start(), ACTOR_KINDS)[-1:]
        for subject in founded:
            for agent in agents:
                if agent.key != subject.key and match.start() - rel_start(sentence, agent) < 120:
                    yield make_claim(subject.key, "establishedBy", agent.key, "rule-founder", "0.75", sentence)


FRONTED_ESTABLISH_RE = re.compile(r"^\W*(?:Established|Founded|Created|Launched|Set up)\b")


def fronted_establishment(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """"Established in 1934 by Alfred P. Sloan Jr., ..., the Foundation makes grants": the
    participle describes the sentence's subject, the first name after a comma."""
    trigger = FRONTED_ESTABLISH_RE.match(sentence.text)
    if not trigger:
        return
    by = BY_RE.match(sentence.text[trigger.end():])
    agents = agent_list(sentence, trigger.end() + by.end()) if by else []
    start = rel_end(sentence, agents[-1]) if agents else trigger.end()
    subject = next((m for m in mentions_after(sentence, start, FOUNDABLE_KINDS)
                    if re.search(r",\s+(?:the\s+)?$", sentence.text[:rel_start(sentence, m)])), None)
    if subject is None:
        return
    dates = dates_in(sentence.text[trigger.end():rel_start(sentence, subject)], trigger.end())
    if dates:
        yield make_claim(subject.key, "establishedOn", dates[0][1], "rule-establishment-date", "0.8", sentence)
    for agent in agents:
        if agent.key != subject.key:
            yield make_claim(subject.key, "establishedBy", agent.key, "rule-establishment-agent", "0.75", sentence)


OBJECT_GAP = re.compile(rf"^\s*{DATE_PHRASE}(?:(?:the|a|an|its|their|his|her|this|these|new|joint|first|second|third)\s+)*$")


def _direct_object(sentence: Sentence, pos: int, kinds: tuple[str, ...]) -> list[Mention]:
    """The mention right after a verb ("established the Commission"), or nothing: a mention
    further on ("launched, together with the IMP, the publication") is not the object."""
    following = mentions_after(sentence, pos, kinds)[:1]
    return [m for m in following if OBJECT_GAP.match(sentence.text[pos:rel_start(sentence, m)])]


NAME_TAIL = re.compile(r"^,? (?:1[89]\d\d|20\d\d)(?= |,|$)|\s*\(No\. ?\d+\)")  # ", 1949 (No. 97)" after a convention
TITLE_BEFORE_NAME = re.compile(r"^\s+(?:[A-Z][\w-]*\s+){1,3}$")
LIST_INTRO_WORDS = r"\b(?:such as|namely|including|notably|in particular),?\s*(?:the\s+)?"
LIST_INTRO = re.compile(LIST_INTRO_WORDS + "$")
LIST_INTRO_ANYWHERE = re.compile(LIST_INTRO_WORDS)


def agent_list(sentence: Sentence, pos: int, kinds: tuple[str, ...] = ACTOR_KINDS) -> list[Mention]:
    """Mentions in a coordinated list starting at pos: "A, B and C" (stops at the first verb-ish gap)."""
    result: list[Mention] = []
    last = pos
    candidates = mentions_after(sentence, pos, kinds)
    for index, m in enumerate(candidates):
        following = candidates[index + 1] if index + 1 < len(candidates) else None
        if m.kind == "place" and following is not None and following.kind == "person" \
                and TITLE_BEFORE_NAME.match(sentence.text[rel_end(sentence, m):rel_start(sentence, following)]):
            continue  # "former New York City Mayor Michael Bloomberg": the place is part of his title
        gap = sentence.text[last:rel_start(sentence, m)]
        if result and m.key == result[-1].key and gap.strip() == "(":  # "Centre ... (ICMPD)"
            last = rel_start(sentence, m) + (m.norm_end - m.norm_start)
            continue
        gap = NAME_TAIL.sub("", gap.lstrip(")"))
        if result and not re.fullmatch(r"\s*(?:,|and|, and|as well as|the|,? the|and the|, and the|\s)*\s*", gap):
            break
        if not result and len(gap) > 40 and not (len(gap) < 120 and LIST_INTRO.search(gap)):
            break
        result.append(m)
        last = rel_start(sentence, m) + (m.norm_end - m.norm_start)
    return result


ADOPT_RE = re.compile(r"\b(?:adopted|drawn up|approved|endorsed)\b")
NUMBER_OF_RE = re.compile(r"^\s+(?:a (?:number|series|set) of|several|two|three|many|various|numerous)\b")
NAME_YEAR_RE = re.compile(r"(?:,| of) (1[89]\d\d|20\d\d)(?: \(No\. ?\d+\))?$")
INSTRUMENT_YEAR_RE = re.compile(r"^(?: of|,) (1[89]\d\d|20\d\d)\b(?! (?:and|to|-))")
RESOLUTION_DATE_RE = re.compile(rf"^\s*(?:\(\w[^)]*\)\s*)?of (\d{{1,2}}) {MONTH} (\d{{4}})")


def adoption(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    for trigger in ADOPT_RE.finditer(sentence.text):
        before_text = sentence.text[:trigger.start()]
        window_dates = dates_in(sentence.text[trigger.end():trigger.end() + 60], trigger.end())
        if _is_passive(before_text, sentence.text[trigger.end():]):
            instruments = mentions_before(sentence, trigger.start(), ("instrument",))[-1:]
            after = sentence.text[trigger.end():]
            by = BY_RE.match(after)
            agents = [m for m in agent_list(sentence, trigger.end() + by.end(), ("organization", "event", "place"))
                      if m.kind != "place"][:1] if by else []
            agents += _adopted_at(sentence, trigger.end())
            if not window_dates:
                window_dates = [d for d in dates_in(before_text) if instruments and d[0] > rel_start(sentence, instruments[0])]
            fronted = FRONTED_DATE_RE.match(sentence.text)
            if not window_dates and fronted and instruments:  # "In 1997, the Plan of Action ... was drawn up"
                window_dates = dates_in("in " + fronted.group(1)) or dates_in(fronted.group(1))
        else:
            instruments = _direct_object(sentence, trigger.end(), ("instrument",))
            intro = LIST_INTRO_ANYWHERE.search(sentence.text, trigger.end(), trigger.end() + 200)
            if not instruments and NUMBER_OF_RE.match(sentence.text[trigger.end():]) and intro:
                # "ILO has adopted a number of Conventions ..., including the A and the B"
                instruments = agent_list(sentence, intro.end(), ("instrument",))
            agents = _chain_head(sentence, mentions_before(sentence, trigger.start(), ("organization", "event"))[-1:])
            if not window_dates and instruments:
                window_dates = dates_in(sentence.text[:trigger.start()])[-1:]
        for instrument in instruments:
            if window_dates:
                yield make_claim(instrument.key, "adoptedOn", window_dates[0][1], "rule-adoption-date", "0.85", sentence)
            for agent in agents:
                if agent.kind == "event":  # "adopted at the 2004 ILO Conference", "The Conference adopted"
                    yield make_claim(instrument.key, "adoptedAt", agent.key, "rule-adoption-event", "0.75", sentence)
                    year = re.match(r"((?:1[89]|20)\d\d)\s+[A-Z]", agent.surface)
                    if year and not window_dates:
                        yield make_claim(instrument.key, "adoptedOn", year.group(1), "rule-adoption-event", "0.7", sentence)
                else:
                    yield make_claim(instrument.key, "adoptedBy", agent.key, "rule-adoption-agent", "0.75", sentence)
    for m in sentence.mentions:
        rest = sentence.text[rel_start(sentence, m) + (m.norm_end - m.norm_start):]
        year = INSTRUMENT_YEAR_RE.match(rest)
        if m.kind == "instrument" and year and "esolution" not in m.surface and not re.search(r"\d{4}", m.surface):
            yield make_claim(m.key, "adoptedOn", year.group(1), "rule-instrument-year", "0.7", sentence)
        own_year = NAME_YEAR_RE.search(" ".join(m.surface.split()))
        if m.kind == "instrument" and own_year and m.method not in DESCRIPTION_METHODS:
            yield make_claim(m.key, "adoptedOn", own_year.group(1), "rule-instrument-year", "0.7", sentence)
        if m.kind == "instrument":
            match = RESOLUTION_DATE_RE.match(sentence.text[rel_start(sentence, m) + (m.norm_end - m.norm_start):])
            if match and "esolution" in m.surface:
                value = f"{match.group(3)}-{MONTHS[match.group(2)]:02d}-{int(match.group(1)):02d}"
                yield make_claim(m.key, "adoptedOn", value, "rule-resolution-of-date", "0.9", sentence)


def _adopted_at(sentence: Sentence, pos: int) -> list[Mention]:
    """The event in "adopted [by the delegates] at the 2004 ILO Conference"."""
    for m in mentions_after(sentence, pos, ("event",))[:1]:
        gap = sentence.text[pos:rel_start(sentence, m)]
        if len(gap) < 120 and re.search(r"\b(?:at|during) (?:the |its )?$", gap) and not re.search(r"[.;]", gap):
            return [m]
    return []


FORCE_RE = re.compile(rf"\bentered into force (?:on |in )?((?:\d{{1,2}} )?{MONTH} \d{{4}}|\d{{4}})")


def entry_into_force(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    for match in FORCE_RE.finditer(sentence.text):
        dates = dates_in("on " + match.group(1)) if match.group(1)[:1].isdigit() and len(match.group(1)) == 4 else dates_in(match.group(1))
        instruments = mentions_before(sentence, match.start(), ("instrument",))
        if dates and instruments:
            yield make_claim(instruments[-1].key, "enteredIntoForceOn", dates[0][1], "rule-entry-into-force", "0.9", sentence)


CONSENT = {"ratified": "ratification", "ratifications": "ratification", "signed": "signature",
           "signatures": "signature", "acceded": "accession", "accessions": "accession"}
PARTIES_RES = (
    re.compile(rf"\b(ratified|signed|acceded to)(?:,? respectively,)? by {COUNT}(?: and {COUNT})? (?:States|countries|Governments|Member States|nations)"),
    re.compile(rf"\b{COUNT} (?:States|countries|Governments|Member States)(?: Parties)? (?:have |had |having )?(ratified|signed|acceded)"),
    re.compile(rf"\b{COUNT} (ratifications|signatures|accessions)\b"),
)
AS_OF_RE = re.compile(rf"\bas (?:of|at) ((?:\d{{1,2}} )?{MONTH},? \d{{4}})")


def participation(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    as_of = AS_OF_RE.search(sentence.text)
    as_of_value = dates_in(as_of.group(1))[0][1] if as_of and dates_in(as_of.group(1)) else ""
    for pattern in PARTIES_RES:
        for match in pattern.finditer(sentence.text):
            groups = [g for g in match.groups() if g]
            verb = next(g for g in groups if g.split()[0] in CONSENT or g in CONSENT)
            consent = CONSENT[verb.split()[0]]
            counts = [parse_count(g) for g in groups if g != verb and parse_count(g) is not None]
            instruments = mentions_before(sentence, match.start(), ("instrument",))
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
                yield make_claim(instrument.key, "parties", count, "rule-treaty-participation", "0.85", sentence, **extra)


SUPPLEMENT_RE = re.compile(r"\bsupplement(?:ing|s)?\b(?: to)?")


def supplements(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    for match in SUPPLEMENT_RE.finditer(sentence.text):
        objects = mentions_after(sentence, match.end(), ("instrument",))[:1]
        subjects = [m for m in mentions_before(sentence, match.start(), ("instrument",))
                    if "rotocol" in m.surface or "Protocol" in m.key.title()]
        for obj in objects:
            for subj in {m.key: m for m in subjects}.values():
                if subj.key != obj.key:
                    yield make_claim(subj.key, "supplements", obj.key, "rule-supplements", "0.85", sentence)


MEMBER_LIST_RE = re.compile(r"\b(?:brings together|bring together|comprising|comprises|composed of|consists of|consisting of|"
                            r"members (?:are|include|included)|includes|including the heads of|heads of)\b")
MEMBER_OF_RE = re.compile(r"\b(?:is|are|was|were|became|as|has been|have been) (?:also |now |still )?(?:a |an )?"
                          r"(?:(?:founding |full |active )?members? of|part of|a part of)\b")


def membership(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    for match in MEMBER_OF_RE.finditer(sentence.text):
        group = mentions_after(sentence, match.end(), ("organization", "process"))[:1]
        members = mentions_before(sentence, match.start(), ("organization",))[-1:]
        for g in group:
            for m in members:
                if m.key != g.key:
                    yield make_claim(m.key, "memberOf", g.key, "rule-member-of", "0.8", sentence)
    for match in MEMBER_LIST_RE.finditer(sentence.text):
        groups = [m for m in mentions_before(sentence, match.start(), ("organization", "process"))][-1:]
        members = agent_list(sentence, match.end())
        for g in groups:
            for m in members:
                if m.key != g.key and m.kind == "organization":
                    yield make_claim(m.key, "memberOf", g.key, "rule-member-list", "0.7", sentence)


SUPPORT_RE = re.compile(r"\b(?:with the (?:financial |generous )?support of|supported by|funded by|sponsored by|financed by|"
                        r"co-sponsored by|in (?:collaboration|partnership|cooperation) with|"
                        r"(?:an? )?(?:inter-agency |joint |common )?(?:activity|initiative|programme|project) of)\b")
PARTNER_RE = re.compile(r"\b(?:an? )?(?:active |key |main )?partners? of\b")
SUPPORT_ACTIVE_RE = re.compile(r"\b(?:supports?|supported|funds|funded|sponsors|sponsored|co-?sponsors|co-?sponsored|"
                               r"participates? in|participated in|participating in|took part in|takes part in|"
                               r"contributed to|contributes to|played an? (?:\w+ )?role in|is a partner (?:in|of)|(?:actively )?involved in)\b")
TOGETHER_RE = re.compile(r"^\s*,?\s*(?:together|jointly) with\b")


def support(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    for match in SUPPORT_RE.finditer(sentence.text):
        supported = mentions_before(sentence, match.start(), ("process", "project"))[-1:]
        for target in supported:
            for org in agent_list(sentence, match.end()):
                if org.kind == "organization":
                    yield make_claim(org.key, "supports", target.key, "rule-support-passive", "0.75", sentence)
    for match in PARTNER_RE.finditer(sentence.text):  # "ILO is an active partner of A, B and C in X"
        partners = agent_list(sentence, match.end())
        if not partners:
            continue
        last = partners[-1]
        end = rel_start(sentence, last) + (last.norm_end - last.norm_start)
        target = _direct_object(sentence, end + len(re.match(r"\s*in\b", sentence.text[end:]).group())
                                if re.match(r"\s*in\b", sentence.text[end:]) else len(sentence.text), ("process", "project"))
        subject = mentions_before(sentence, match.start(), ("organization",))[-1:]
        for org in subject + partners:
            for t in target:
                if org.kind == "organization":
                    yield make_claim(org.key, "supports", t.key, "rule-support-partner", "0.7", sentence)
    for match in SUPPORT_ACTIVE_RE.finditer(sentence.text):
        targets = [m for m in mentions_after(sentence, match.end(), ("process", "project"))
                   if rel_start(sentence, m) - match.end() < 120][:3]
        orgs = mentions_before(sentence, match.start(), ("organization",))[-1:]
        for org in orgs:
            if match.start() - rel_start(sentence, org) > 150:
                continue
            committees = [m for m in mentions_after(sentence, match.end(), ("organization",))[:1]
                          if OBJECT_GAP.match(sentence.text[match.end():rel_start(sentence, m)])
                          and re.search(r"\b(?:Committee|Group|Board|Council|Task Force|Network)\b", m.surface)]
            for committee in committees:  # "participating in its Steering Committee"
                if committee.key != org.key:
                    yield make_claim(org.key, "memberOf", committee.key, "rule-member-of", "0.7", sentence)
            for target in targets:
                yield make_claim(org.key, "supports", target.key, "rule-support-active", "0.7", sentence)
                end = rel_start(sentence, target) + (target.norm_end - target.norm_start)
                together = TOGETHER_RE.match(sentence.text[end:])
                if together:  # "co-sponsors X together with A, B and C": they support X too
                    for partner in agent_list(sentence, end + together.end()):
                        if partner.kind == "organization":
                            yield make_claim(partner.key, "supports", target.key, "rule-support-active", "0.7", sentence)


ORGANIZE_RE = re.compile(r"\b(organized|organised|convened|hosted|co-organized|co-organised|co-hosted|organizing|"
                         r"organising|convening|hosting|will convene|will host)\b")
DATE_SPAN_RE = re.compile(rf"\b(?:from |on )?(\d{{1,2}})(?:\s*(?:-|–|to|and)\s*\d{{1,2}})? {MONTH},? (\d{{4}})\b"
                          rf"|(?:\bin |\()?{MONTH}(?: {DAY})?,? (\d{{4}})\b")
EVENT_YEAR_RE = re.compile(r"\b(?:in|of) (1[89]\d\d|20\d\d)\b(?!\s*(?:-|–|to|and)\s*\d)")
FRONTED_DATE_RE = re.compile(rf"^\W*(?:\d+\.\s+)?(?:In addition, |Moreover, |Thus, |Subsequently, )?(?:[Ii]n|[Oo]n) "
                             rf"((?:(?:\d{{1,2}} )?{MONTH} )?\d{{4}}),")
COLLABORATION_RE = re.compile(r"^\s*,?\s*(?:(?:together|jointly) with|in (?:collaboration|cooperation|partnership) with|"
                              r"with the support of|with)\b")
EVENT_OF_RE = re.compile(r"\b(?:side event|event|meeting|workshop|seminar|session|panel(?: discussion)?|forum) "
                         r"(?:of|organi[sz]ed by|hosted by|convened by) (?:the )?")
ENTITLED_RE = re.compile(r"^\s*(?:\([^)]*\)\s*)?,?\s*(?:entitled|titled|called|on the theme)\s*[\"“]?$")
POSSESSIVE_GAP = re.compile(r"^['’]s\s+(?:(?:[a-z]+-)?[a-z]+\s+)?$")
AUSPICES_RE = re.compile(r"\bunder the (?:joint )?(?:auspices|aegis) of\b")
OF_OWNER_RE = re.compile(r"^ of (?:the )?(?:what (?:would|was to) become (?:the )?)?$")


def rel_end(sentence: Sentence, mention: Mention) -> int:
    return rel_start(sentence, mention) + (mention.norm_end - mention.norm_start)


def _collaborators(sentence: Sentence, pos: int) -> list[Mention]:
    """"..., in collaboration with UNFPA, ..." / "... with the World Bank and DFID" at pos."""
    match = COLLABORATION_RE.match(sentence.text[pos:])
    if not match:
        return []
    return [m for m in agent_list(sentence, pos + match.end()) if m.kind in ("organization", "person")]


def _owner(sentence: Sentence, event: Mention) -> Mention | None:
    """The organization whose meeting a description names: "the first meeting of the
    Global Commission", "the General Assembly ... its sixty-first session"."""
    if event.method != "event-description":
        return None
    following = mentions_after(sentence, rel_end(sentence, event), ("organization",))[:1]
    if following and OF_OWNER_RE.match(sentence.text[rel_end(sentence, event):rel_start(sentence, following[0])]):
        return following[0]
    if re.search(r"\b(?:its|their) $", sentence.text[:rel_start(sentence, event)]):
        preceding = mentions_before(sentence, rel_start(sentence, event), ("organization",))[-1:]
        return preceding[0] if preceding else None
    return None


def _chain_head(sentence: Sentence, last: list[Mention]) -> list[Mention]:
    """"the Population Division of the Department ... of the United Nations Secretariat
    convened": the actor is the head of the "of" chain, not its last link."""
    if not last:
        return last
    head = last[0]
    for m in reversed(mentions_before(sentence, rel_start(sentence, head), ("organization",))):
        if not OF_OWNER_RE.match(sentence.text[rel_end(sentence, m):rel_start(sentence, head)]):
            break
        head = m
    return [head]


def _phrase_end(sentence: Sentence, event: Mention) -> int:
    """Where the event's noun phrase ends: after "of <owner>" and an "(ACRONYM)"."""
    end = rel_end(sentence, event)
    for m in mentions_after(sentence, end, ("organization", "process", "event")):
        gap = sentence.text[end:rel_start(sentence, m)]
        if not (OF_OWNER_RE.match(gap) or gap.strip() == "("):
            break
        end = rel_end(sentence, m)
    return end + (1 if sentence.text[end:end + 1] == ")" else 0)


HELD_BY_GAP = re.compile(r"^,?\s+(?:that|which)\s+(?:the\s+)?$")
HOLD_RE = re.compile(r"\s+(?:will hold|will convene|will host|will organi[sz]e|held|convened|hosted|organi[sz]ed|is holding|"
                     r"was holding)\b")


def held_by(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """"the High-Level Dialogue ... that the General Assembly will hold during its sixty-first
    session in 2006": the body in the relative clause holds the event or dialogue, and the
    clause's year is when."""
    for ev in (m for m in sentence.mentions if m.kind in ("event", "process") and m.method not in DESCRIPTION_METHODS):
        org = next(iter(mentions_after(sentence, rel_end(sentence, ev), ("organization",))), None)
        if org is None or not HELD_BY_GAP.match(sentence.text[rel_end(sentence, ev):rel_start(sentence, org)]):
            continue
        verb = HOLD_RE.match(sentence.text, rel_end(sentence, org))
        if verb is None:
            continue
        yield make_claim(ev.key, "organizedBy", org.key, "rule-held-by", "0.75", sentence)
        year = EVENT_YEAR_RE.search(sentence.text, verb.end())
        if year and year.start() - verb.end() < 80 and not re.search(r"[.;]", sentence.text[verb.end():year.start()]):
            yield make_claim(ev.key, "startDate", year.group(1), "rule-held-by", "0.7", sentence)


WHEN_YEAR_RE = re.compile(r"\b(?:[Ii]n|[Bb]y|[Uu]ntil)\s+((?:19|20)\d\d),?\s+when\s+(?:the\s+)?$")
TAKES_PLACE_RE = re.compile(r"\s+(?:takes place|took place|will take place|is held|was held|will be held|meets|met|convenes|convened)\b")


def held_when(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """"By 2006 when the High-Level Dialogue takes place": the year of a when-clause is the
    date of the event or dialogue that takes place in it."""
    for ev in (m for m in sentence.mentions if m.kind in ("event", "process") and m.method not in DESCRIPTION_METHODS):
        year = WHEN_YEAR_RE.search(sentence.text[max(0, rel_start(sentence, ev) - 40):rel_start(sentence, ev)])
        if year and TAKES_PLACE_RE.match(sentence.text, rel_end(sentence, ev)):
            yield make_claim(ev.key, "startDate", year.group(1), "rule-held-when", "0.7", sentence)


def events(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    evs = [m for m in sentence.mentions if m.kind == "event"]
    if not evs:
        return
    for match in ORGANIZE_RE.finditer(sentence.text):
        by = BY_RE.match(sentence.text[match.end():])
        if by:
            target = mentions_before(sentence, match.start(), ("event",))[-1:]
            organizers = agent_list(sentence, match.end() + by.end())
        else:
            target = mentions_after(sentence, match.end(), ("event",))[:1]
            before = mentions_before(sentence, match.start(), ("organization",))
            organizers = _chain_head(sentence, before[-1:])
            if before and not match.group(1).endswith("ing") and re.search(r"\b(?:in (?:collaboration|cooperation|partnership) with|together with|jointly with)\b",
                                    sentence.text[:match.start()]):
                organizers = list({m.key: m for m in before}.values())
            if target:  # "WHO convened, in collaboration with UNFPA, the ...", "co-organized X with the World Bank"
                organizers += _collaborators(sentence, match.end())
                organizers += _collaborators(sentence, _phrase_end(sentence, target[0]))
        for ev in target:
            for org in organizers:
                if org.key != ev.key:
                    yield make_claim(ev.key, "organizedBy", org.key, "rule-organized-by", "0.8", sentence)
    for match in AUSPICES_RE.finditer(sentence.text):  # "held in Geneva, under the joint auspices of A, B and C"
        for ev in mentions_before(sentence, match.start(), ("event",))[-1:]:
            for org in agent_list(sentence, match.end()):
                yield make_claim(ev.key, "organizedBy", org.key, "rule-organized-by", "0.75", sentence)
    for match in EVENT_OF_RE.finditer(sentence.text):  # "a side event of UNITAR, ... and JMDI entitled “X”"
        hosts = [m for m in agent_list(sentence, match.end()) if m.kind == "organization"]
        if not hosts:
            continue
        end = rel_end(sentence, hosts[-1])
        named = [m for m in mentions_after(sentence, end, ("event",))[:1] if ENTITLED_RE.match(sentence.text[end:rel_start(sentence, m)])]
        for ev in named:
            for host in hosts:
                yield make_claim(ev.key, "organizedBy", host.key, "rule-organized-by", "0.75", sentence)
    for ev in evs:
        for org in mentions_before(sentence, rel_start(sentence, ev), ("organization",))[-1:]:
            if POSSESSIVE_GAP.match(sentence.text[rel_end(sentence, org):rel_start(sentence, ev)]):
                yield make_claim(ev.key, "organizedBy", org.key, "rule-organized-by", "0.75", sentence)  # "the GA's second HLD"
        owner = _owner(sentence, ev)
        if owner is not None and not ORGANIZE_RE.search(sentence.text):  # an explicit organizer wins
            yield make_claim(ev.key, "organizedBy", owner.key, "rule-event-owner", "0.7", sentence)
    for first in evs:
        yield from _event_date(sentence, first)
    for ev in evs[1:]:  # "the International Conference on Financing for Development (Monterrey, 2002)"
        for place in mentions_after(sentence, _phrase_end(sentence, ev), ("place",))[:1]:
            if sentence.text[_phrase_end(sentence, ev):rel_start(sentence, place)] in (", ", " ("):
                yield make_claim(ev.key, "heldIn", place.key, "rule-event-place", "0.7", sentence)
    first = evs[0]
    for place in mentions_after(sentence, rel_start(sentence, first), ("place",))[:1]:
        gap = sentence.text[_phrase_end(sentence, first):rel_start(sentence, place)]
        located = re.search(r"\b(?:in|at)\s+(?:the\s+)?(?:[A-Z][\w-]*\s+){0,3}$", gap)
        verb = re.search(r"\b(?:held|took place|takes place|convened|organi[sz]ed|hosted|met|adopted|meeting)\b", gap)
        if located and (len(gap) < 40 or verb and len(gap) < 200) or gap in (", ", " ("):
            yield make_claim(first.key, "heldIn", place.key, "rule-event-place", "0.7", sentence)


def _event_date(sentence: Sentence, event: Mention) -> Iterator[Claim]:
    named_year = re.match(r"((?:1[89]|20)\d\d)\s+[A-Z]", event.surface) or \
        re.search(r"\sof ((?:1[89]|20)\d\d)$", event.surface)
    if named_year:  # "the 2001 World Conference on Racism"
        yield make_claim(event.key, "startDate", named_year.group(1), "rule-event-date", "0.8", sentence)
        return
    end = _phrase_end(sentence, event)
    date = DATE_SPAN_RE.search(sentence.text, end)
    if date and date.start() - end < 80 and not re.search(r"[.;]", sentence.text[end:date.start()]):
        if date.group(1):
            value = f"{date.group(3)}-{MONTHS[date.group(2)]:02d}-{int(date.group(1)):02d}"
        elif date.group(5):
            value = f"{date.group(6)}-{MONTHS[date.group(4)]:02d}-{int(date.group(5)):02d}"
        else:
            value = f"{date.group(6)}-{MONTHS[date.group(4)]:02d}"
        yield make_claim(event.key, "startDate", value, "rule-event-date", "0.75", sentence)
        return
    year = EVENT_YEAR_RE.search(sentence.text, end)
    if year and year.start() - end < 80 and not re.search(r"[.;]", sentence.text[end:year.start()]):
        # "its sixty-first session in 2006", "the Conference of 2004", "was convened by Germany in 1991"
        yield make_claim(event.key, "startDate", year.group(1), "rule-event-date", "0.75", sentence)
        return
    fronted = FRONTED_DATE_RE.match(sentence.text)
    if fronted and dates_in(fronted.group(1)) or fronted and fronted.group(1).isdigit():
        value = fronted.group(1) if fronted.group(1).isdigit() else dates_in(fronted.group(1))[0][1]
        yield make_claim(event.key, "startDate", value, "rule-event-fronted-date", "0.65", sentence)


ORIGIN_RE = re.compile(r"\b(?:began|started|originated|emerged|grew out|has grown out|developed|has developed|evolved|"
                       r"has evolved) (?:with|from|out of)\b")


def origins(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """A process dates from the event it grew out of: "The CIS Process began with the Regional
    Conference ... on 30 and 31 May 1996"; "the first meeting of the Budapest Process was
    convened by Germany in 1991" (the first meeting founds the process)."""
    for match in ORIGIN_RE.finditer(sentence.text):
        processes = mentions_before(sentence, match.start(), ("process",))[-1:]
        dates = dates_in(sentence.text[match.end():])
        for process in processes:
            if dates:
                yield make_claim(process.key, "establishedOn", dates[0][1], "rule-process-origin", "0.7", sentence)
    for claim in list(events(sentence, ctx)):
        owner = ctx.founding_meetings.get(claim.subject)
        if owner is None:
            continue
        if claim.prop == "startDate":
            yield make_claim(owner, "establishedOn", claim.value, "rule-first-meeting", "0.65", sentence)
        elif claim.prop == "organizedBy" and claim.value != owner:
            yield make_claim(owner, "establishedBy", claim.value, "rule-first-meeting", "0.6", sentence)



PART_OF_GAP = re.compile(r"^(?:,?\s*of\s+(?:the\s+)?|,\s+|\s+at\s+(?:the\s+)?)$")  # "Division at IOM"
UNIT_WORDS = ("Organization", "Conference", "Division", "Department", "Office", "Section", "Unit", "Branch", "Bureau", "Programme", "Centre",
              "Center", "Institute", "Secretariat", "Service", "Committee", "Council", "Commission", "Board")


UNIT_NOUNS = {w.lower() for w in UNIT_WORDS} | {"group", "team", "taskforce"}


def sub_organization(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    ms = [m for m in sentence.mentions if m.kind == "organization"]
    for left, right in zip(ms, ms[1:]):
        gap = sentence.text[rel_start(sentence, left) + (left.norm_end - left.norm_start):rel_start(sentence, right)]
        if left.key != right.key and PART_OF_GAP.match(gap) and any(w in left.surface for w in UNIT_WORDS) \
                and left.method not in DESCRIPTION_METHODS:
            if gap.strip().startswith(",") and "of" not in gap:
                continue
            yield make_claim(left.key, "subOrganizationOf", right.key, "rule-part-of", "0.7", sentence)
        elif left.key != right.key and gap == " " and left.method == "gazetteer-acronym" \
                and any(w.lower() in UNIT_NOUNS for w in right.surface.split()):
            yield make_claim(right.key, "subOrganizationOf", left.key, "rule-part-of", "0.7", sentence)  # "CCGR working group"


def name_parts(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """A name that starts with another body's name: "General Assembly resolution 55/25" was
    adopted by the General Assembly; the "ILO Bureau of Workers" is a unit of the ILO; the
    "ILO online database on international labour migration" is the ILO's work."""
    for m in sentence.mentions:
        if m.method not in ("gazetteer-label", "gazetteer-alias", "gazetteer-acronym") \
                or m.kind not in ("instrument", "organization", "publication"):
            continue
        words = m.surface.split()
        for k in range(len(words) - 1, 0, -1):
            body = ctx.names.get(" ".join(words[:k]))
            if body is None or body.kind != "organization" or body.key == m.key:
                continue
            # Only a resolution or decision bears the name of the body that adopted it; "United
            # Nations Convention ..." names the system, not the adopting organ. Likewise a unit
            # is named after its parent's acronym ("ILO Bureau of Workers"); "United Nations
            # Office for ..." bodies are programmes of the system, which the name does not settle.
            if m.kind == "instrument" and words[k].lower() in ("resolution", "decision"):
                yield make_claim(m.key, "adoptedBy", body.key, "rule-name-parts", "0.8", sentence)
            elif m.kind == "organization" and body.how == "acronym" \
                    and any(w.lower() in UNIT_NOUNS for w in words[k:]):
                yield make_claim(m.key, "subOrganizationOf", body.key, "rule-name-parts", "0.75", sentence)
            elif m.kind == "publication" and body.how == "acronym" and words[k].lower() in WORK_NOUNS | {"online"}:
                yield make_claim(m.key, "authoredBy", body.key, "rule-name-parts", "0.75", sentence)
            break


WORK_NOUNS = {"report", "reports", "study", "survey", "database", "yearbook", "review", "series", "paper", "papers",
              "bulletin", "handbook", "guide", "manual", "atlas", "outlook", "digest", "compendium"}


SYMBOL_RE = re.compile(r"^\s*\(?((?:A|E|S|ST)/(?:RES/|CONF\.\d+/|CN\.\d+/)?\d{1,4}/\d{1,4}(?:/Add\.\d+)?)\)?")
ILO_NUMBER_RE = re.compile(r"^\s*,?\s*(?:\d{4}\s*)?\(No\. ?(\d{1,3})\)")


def identifiers(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    for m in sentence.mentions:
        rest = sentence.text[rel_start(sentence, m) + (m.norm_end - m.norm_start):]
        if m.kind in ("instrument", "publication"):
            symbol = SYMBOL_RE.match(rest)
            if symbol:
                yield make_claim(m.key, "unSymbol", symbol.group(1), "rule-un-symbol", "0.9", sentence)
        if m.kind == "instrument":
            number = ILO_NUMBER_RE.match(rest)
            if number:
                yield make_claim(m.key, "iloConventionNumber", int(number.group(1)), "rule-ilo-number", "0.9", sentence)
            elif m.method == "discovery-ilo-number" or re.fullmatch(r"ilo-c\d{3}", m.key) and re.search(r"\d", m.surface):
                yield make_claim(m.key, "iloConventionNumber", int(m.key[5:]), "rule-ilo-number", "0.9", sentence)


