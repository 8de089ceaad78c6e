"""Corpus scaler: writes a synthetic corpus N times the size of the seed corpus, for benchmarks.

Why synthetic and not the seed documents copied N times: a copy adds no new names, no new
facts and no new passages (every quote, mention and discovered name would repeat), so the
extraction, the graph and SHACL would see the same data N times and the measured growth
would say nothing about a real, larger corpus. The documents written here read like the
seed corpus (policy prose from proceedings, reports and journal issues, as plain text
extracted from PDFs: wrapped lines with a trailing space, blank lines between paragraphs,
stray page numbers, bullet lists, headings) and state the kinds of things the pipeline
extracts:

- mentions of the curated registry's own names (labels, aliases, acronyms of
  kg/registry/*.toml) of organizations, instruments, processes, events, places and people;
- establishment, adoption and entry-into-force sentences, dated as the registry dates the
  entity where it does (so that documents agree with each other and with the curators), or
  with one date per entity derived from the seed;
- ratification and signature counts with "as of" dates (a count grows with its date, so
  counts of different dates never conflict);
- statistics: money ("USD 93 billion in 2003"), per cent and people, with years and places;
- membership, support, co-sponsorship, events with organizers, places and dates, themes
  (the labels of ontology/themes.ttl) that a process or a paper addresses;
- new, discovered-style names (an organization, instrument, process or event never seen
  in the registry, with an acronym defined as "Name (ACR)"), people with honorifics and
  roles, report titles. Each document introduces a few and refers back to names introduced
  by earlier documents, so discovered entities merge across documents as in real corpora;
- policy prose (a third of it naming who said it), and about four paragraphs in ten taken
  verbatim from a seed document (recombined real paragraphs, for the corpus's own noise and
  wording). The mix is calibrated so that mentions and extracted claims per MB stay within
  about 1.5× and 2× of the seed corpus's (the seed's long proceedings state few facts per page).

A small, documented share of statements disagrees on purpose, as real corpora do (the seed
corpus has three conflicts): 1 % of establishment/adoption dates name another year, 2 % of
ratification counts are off by one.

The output is a function of the seed, the factor and the inputs: this file, the registry,
ontology/themes.ttl and the seed corpus (input_fingerprint() digests them).

Layout of a scaled corpus: the five seed documents (copied as they are, because the curated
registry quotes them and the build refuses a registry fact whose document is missing), then
synthetic documents `syn_000000.txt`, `syn_000001.txt`, … with `.meta.toml` sidecars, until
the corpus holds factor × the seed corpus's bytes (the last document is cut at a paragraph).
Below 1× (or with --no-seed) only synthetic documents are written. Each synthetic document
is drawn from its own random generator seeded with (seed, index): the same seed gives
byte-identical files, and the 10× corpus is a prefix of the 100× corpus.

    .venv/bin/python bench/scale_corpus.py --factor 10 --out /tmp/corpus-10x [--seed 20041027]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "kg" / "corpus"
REGISTRY = ROOT / "kg" / "registry"
THEMES = ROOT / "ontology" / "themes.ttl"
DEFAULT_SEED = 20041027              # the date of the Third Coordination Meeting, as good as any
GENERATOR_VERSION = "2"              # recorded in SCALE.md; the cache key is input_fingerprint()
SIDECAR_SUFFIX = ".meta.toml"
MIN_DOC_BYTES = 24_000
MAX_DOC_BYTES = 320_000
REAL_PARAGRAPH_SHARE = 0.4
DATE_CONFLICT_RATE = 0.01
COUNT_CONFLICT_RATE = 0.02
FUNCTIONAL_DATES = ("establishedOn", "adoptedOn", "enteredIntoForceOn")
NOT_MENTIONED = {"TreatyParticipation", "Membership", "Post", "UnitOfMeasure", "StatisticalObservation"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DOCUMENT_TYPES = ("Report", "Paper", "WorkingPaper", "JournalIssue", "Article", "Publication", "WebPage", "Book")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


class ScalerError(Exception):
    """A problem with the scaler's inputs, reported as one line."""


# --- what the documents talk about -----------------------------------------------------------

@dataclass(frozen=True)
class Named:
    """A registry entity as the text may name it."""
    slug: str
    kind: str                       # the registry file: organizations, instruments, …
    type: str
    label: str
    acronyms: tuple[str, ...]
    aliases: tuple[str, ...]

    def surface(self, rng: random.Random) -> str:
        """A name as documents write it: mostly the label, often the acronym, sometimes an alias."""
        roll = rng.random()
        if self.acronyms and roll < 0.35:
            return rng.choice(self.acronyms)
        if self.aliases and roll > 0.82:
            return rng.choice(self.aliases)
        return self.label

    def phrase(self, rng: random.Random) -> str:
        """The name as a noun phrase: "the International Organization for Migration", "IOM",
        "Ayala Foundation", "Mexico"."""
        return with_article(self.surface(rng), self.kind)


GENERIC_HEADS = frozenset({"International", "United", "European", "Global", "Regional", "World", "Office", "Department",
                           "Division", "Organization", "Organisation", "Association", "Group", "Commission", "Council",
                           "Centre", "Center", "Institute", "Programme", "Program", "Conference", "Committee",
                           "Secretariat", "Economic", "Inter-Agency", "Intergovernmental", "Special", "High-level",
                           "Third", "Second", "First", "UN", "Fourth", "Fifth", "General", "Convention", "Protocol",
                           "Declaration", "Charter", "Agreement", "Treaty", "Optional", "Migration", "Berne", "Bali",
                           "Puebla", "Budapest", "Manila", "Colombo", "Abu", "Global", "Permanent", "Joint", "Asian",
                           "African", "Arab", "Latin", "Southern", "Migrant", "Expert", "Working", "Research", "Forum",
                           "Network", "Fund", "Bank", "Agency", "Foundation", "Inter-American", "Meeting", "Session",
                           "Symposium", "Workshop", "Hearing", "Summit", "Dialogue", "Process", "Initiative"})


def with_article(name: str, kind: str) -> str:
    """Prefix "the" where English wants it: before names of bodies, instruments, events and
    processes that are not acronyms or proper names (countries, people, "Ayala Foundation")."""
    if kind in ("places", "people") or name.startswith(("The ", "the ")) or name.isupper() or " " not in name:
        return name
    if " of " in name or " on " in name or " for " in name or name.split(" ", 1)[0] in GENERIC_HEADS:
        return "the " + name
    return name


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class World:
    """Everything the generator draws names from, read once from the registry and themes."""
    by_kind: dict[str, list[Named]]
    dates: dict[tuple[str, str], str]          # (slug, property) → curated date value
    themes: list[str]
    paragraphs: list[str]                      # real paragraphs of the seed corpus
    seed: int

    def pick(self, rng: random.Random, kind: str, types: tuple[str, ...] = ()) -> Named:
        pool = self.by_kind[kind] if not types else self.typed(kind, types)
        return rng.choice(pool)

    def typed(self, kind: str, types: tuple[str, ...]) -> list[Named]:
        key = (kind, types)
        cache = self.__dict__.setdefault("_typed", {})
        if key not in cache:
            cache[key] = [n for n in self.by_kind[kind] if n.type in types] or self.by_kind[kind]
        return cache[key]

    def stable(self, *parts: object) -> int:
        """A number that depends only on the seed and the parts (not on PYTHONHASHSEED)."""
        digest = hashlib.sha256(":".join(map(str, (self.seed, *parts))).encode()).digest()
        return int.from_bytes(digest[:8], "big")


_QUALIFIER = re.compile(r"^(.+?) \([^()]*\)$")   # "European Conference on Migration (Brussels, 2001)"
_THEME_LABEL = re.compile(r'skos:(?:prefLabel|altLabel)\s+((?:"[^"]+"@en\s*,?\s*)+)')


def read_world(seed: int, registry_dir: Path = REGISTRY, themes_file: Path = THEMES,
               seed_corpus: Path = SEED_CORPUS) -> World:
    """The registry's names and curated dates, the theme labels and the seed paragraphs."""
    if not registry_dir.is_dir():
        raise ScalerError(f"{registry_dir}: registry folder not found")
    by_kind: dict[str, list[Named]] = {}
    dates: dict[tuple[str, str], str] = {}
    for path in sorted(registry_dir.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise ScalerError(f"{path}: {err}") from None
        for record in data.get("entity", []):
            for fact in record.get("fact", []):
                if fact.get("property") in FUNCTIONAL_DATES and isinstance(fact.get("value"), str):
                    dates.setdefault((record["id"], fact["property"]), fact["value"])
            if record.get("type") in NOT_MENTIONED or not record.get("label"):
                continue
            label = record["label"]
            qualified = _QUALIFIER.match(label)
            by_kind.setdefault(path.stem, []).append(Named(
                slug=record["id"], kind=path.stem, type=record["type"],
                label=qualified.group(1) if qualified else label,
                acronyms=tuple(record.get("acronyms", ())), aliases=tuple(record.get("aliases", ()))))
    for kind in ("organizations", "instruments", "processes", "events", "places", "people"):
        if not by_kind.get(kind):
            raise ScalerError(f"{registry_dir}: no {kind} in the registry ({kind}.toml missing or empty)")
    if not themes_file.is_file():
        raise ScalerError(f"{themes_file}: theme scheme not found")
    themes = []
    for match in _THEME_LABEL.finditer(themes_file.read_text(encoding="utf-8")):
        themes.extend(re.findall(r'"([^"]+)"@en', match.group(1)))
    themes = sorted({t for t in themes if t[0].islower() and t != "Migration themes"})
    paragraphs = []
    for path in sorted(seed_corpus.glob("*.txt")):
        for block in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8")):
            first, last = block.strip()[:1], block.rstrip()[-1:]
            if 300 <= len(block) <= 2500 and block.count("\n") >= 2 and first.isupper() and last == ".":
                paragraphs.append(block.strip("\n"))
    if not paragraphs:
        raise ScalerError(f"{seed_corpus}: no seed documents (*.txt) to take paragraphs from")
    return World(by_kind, dates, themes, paragraphs, seed)


# --- new names, as discovery finds them ------------------------------------------------------

ADJECTIVES = ("Regional", "International", "Global", "Inter-Regional", "Pan-African", "Intergovernmental",
              "Transatlantic", "Mediterranean", "Andean", "Caribbean", "Nordic", "Baltic", "Pacific", "Sahelian",
              "Central Asian", "South-East European", "Arab", "Latin American", "Eastern African", "Southern")
TOPICS = ("Labour Mobility", "Migrant Protection", "Remittance Transfers", "Skilled Migration", "Diaspora Engagement",
          "Return and Reintegration", "Border Management", "Refugee Protection", "Circular Migration",
          "Migration Statistics", "Human Trafficking", "Migrant Health", "Student Mobility", "Family Reunification",
          "Climate Mobility", "Migration and Development", "Irregular Migration", "Recruitment Practices",
          "Domestic Workers", "Consular Cooperation")
ORG_HEADS = ("Commission", "Institute", "Centre", "Office", "Fund", "Network", "Council", "Observatory", "Forum",
             "Agency", "Foundation", "Secretariat")
PROCESS_HEADS = ("Process", "Initiative", "Dialogue", "Consultations", "Partnership")
INSTRUMENT_HEADS = ("Convention", "Protocol", "Declaration", "Charter", "Agreement", "Framework", "Programme of Action")
EVENT_HEADS = ("Conference", "Meeting", "Symposium", "Workshop", "Summit", "Seminar")
FIRST_NAMES = ("Amina", "Carlos", "Mei", "Jonas", "Fatou", "Pablo", "Irina", "Kwame", "Sofia", "Hiroshi", "Leila",
               "Tomas", "Nadia", "Rafael", "Ingrid", "Samuel", "Yasmin", "Olga", "Daniel", "Priya", "Marta", "Ahmed",
               "Elena", "Kofi", "Lucia", "Ravi", "Anna", "Mateo", "Zainab", "Pedro")
LAST_NAMES = ("Okafor", "Lindqvist", "Haddad", "Moreno", "Tanaka", "Petrov", "Mensah", "Silva", "Novak", "Rahman",
              "Fischer", "Delgado", "Kowalski", "Nguyen", "Baptiste", "Osei", "Castillo", "Ivanova", "Mwangi",
              "Larsen", "Ortega", "Chen", "Diallo", "Romero", "Schmidt", "Hassan", "Varga", "Costa", "Abebe", "Khan")
ROLES = ("Director", "Chief", "Senior Adviser", "Programme Officer", "Head", "Executive Secretary", "Coordinator",
         "Research Fellow", "Deputy Director", "Population Affairs Officer")
HONORIFICS = ("Ms.", "Mr.", "Dr.", "Prof.", "Ambassador")


@dataclass(frozen=True)
class NewName:
    """A name no curator has seen: the discovery stage should find it."""
    kind: str           # organization | process | instrument | event
    name: str
    acronym: str


def acronym_of(name: str) -> str:
    """Initials of the capitalised words, as discovery checks an acronym definition."""
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w[:1].isupper())


def new_names(world: World, index: int, count: int = 8) -> list[NewName]:
    """The names document `index` introduces; a function of (seed, index) only, so that any
    later document can refer back to them without keeping state."""
    rng = random.Random(f"{world.seed}:names:{index}")
    names = []
    for _ in range(count):
        kind = rng.choice(("organization", "organization", "process", "instrument", "event"))
        head = {"organization": ORG_HEADS, "process": PROCESS_HEADS, "instrument": INSTRUMENT_HEADS,
                "event": EVENT_HEADS}[kind]
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(head)} on {rng.choice(TOPICS)}"
        names.append(NewName(kind, name, acronym_of(name)))
    return names


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


# --- dates and counts ------------------------------------------------------------------------

def written_date(value: str) -> tuple[str, str]:
    """('in', 'December 2003') or ('on', '23 December 2003') for a registry date value."""
    parts = value.split("-")
    if len(parts) == 3:
        return "on", f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return "in", f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return "in", parts[0]


def true_date(world: World, slug: str, prop: str, lo: int, hi: int) -> str:
    """The date every document gives an entity: the curated one if there is one, else one
    derived from the seed. Entry into force follows adoption by one to five years."""
    value = world.dates.get((slug, prop))
    if value is not None:
        return value
    if prop == "enteredIntoForceOn":
        adopted = int(true_date(world, slug, "adoptedOn", lo, hi)[:4])
        year = adopted + 1 + world.stable(slug, prop) % 5
    else:
        year = lo + world.stable(slug, prop) % (hi - lo)
    month = world.stable(slug, prop, "month") % 13
    return str(year) if month == 0 else f"{year}-{month:02d}"


def entity_date(world: World, rng: random.Random, slug: str, prop: str, lo: int = 1950, hi: int = 2010) -> str:
    """true_date, except that a few documents (DATE_CONFLICT_RATE) name another year."""
    value = true_date(world, slug, prop, lo, hi)
    if rng.random() < DATE_CONFLICT_RATE:
        value = str(int(value[:4]) + rng.choice((-1, 1)))
    return value


def party_count(world: World, rng: random.Random, slug: str, year: int) -> int:
    """Parties to an instrument as of a year: grows with the years since entry into force, so
    counts given with different dates never contradict each other; rarely off by one."""
    start = int(true_date(world, slug, "enteredIntoForceOn", 1950, 2010)[:4])
    count = 2 + max(0, year - start) * (1 + world.stable(slug, "pace") % 6)
    if rng.random() < COUNT_CONFLICT_RATE:
        count += 1
    return count


def as_of(rng: random.Random, after: int = 1998) -> tuple[str, int]:
    """An "as of" date no earlier than `after` (nor later than 2015)."""
    year = rng.randint(min(max(after, 1998), 2015), 2015)
    if rng.random() < 0.5:
        return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {year}", year
    return f"{rng.choice(MONTHS)} {year}", year


def money(rng: random.Random) -> str:
    amount = rng.choice((f"{rng.randint(2, 480)}", f"{rng.randint(1, 99)}.{rng.randint(1, 9)}"))
    scale = rng.choice(("billion", "billion", "million"))
    return rng.choice((f"USD {amount} {scale}", f"US$ {amount} {scale}", f"${amount} {scale}",
                       f"{amount} {scale} US dollars", f"EUR {amount} {scale}"))


# --- sentences -------------------------------------------------------------------------------

@dataclass
class Doc:
    """What one document is about, so that its sentences hang together."""
    world: World
    rng: random.Random
    index: int
    introduced: list[NewName]
    earlier: list[NewName]
    year: int
    defined: set[str] = field(default_factory=set)
    topic: Named | None = None

    def org(self, types: tuple[str, ...] = ()) -> str:
        """A registry organization as a noun phrase."""
        return self.world.pick(self.rng, "organizations", types).phrase(self.rng)

    def orgs(self, n: int) -> str:
        names = list(dict.fromkeys(self.org() for _ in range(n)))
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def named(self, kind: str, types: tuple[str, ...] = (), topic: bool = False) -> str:
        entity = self.world.pick(self.rng, kind, types)
        if topic:
            self.topic = entity
        return entity.phrase(self.rng)

    def place(self, types: tuple[str, ...] = ("Country",)) -> str:
        return self.world.pick(self.rng, "places", types).phrase(self.rng)

    def theme(self) -> str:
        return self.rng.choice(self.world.themes)

    def new(self, kind: str | None = None) -> str:
        """A discovered-style name with "the"; its acronym is defined at first use in the document."""
        pool = [n for n in self.introduced + self.earlier if kind is None or n.kind == kind] or self.introduced
        name = self.rng.choice(pool)
        if name.name in self.defined:
            return name.acronym if self.rng.random() < 0.5 and len(name.acronym) >= 3 else "the " + name.name
        self.defined.add(name.name)
        return f"the {name.name} ({name.acronym})" if len(name.acronym) >= 3 else "the " + name.name


Sentence = Callable[[Doc], str]


def establishment(d: Doc) -> str:
    entity = d.world.pick(d.rng, d.rng.choice(("organizations", "organizations", "processes")))
    d.topic = entity
    prep, when = written_date(entity_date(d.world, d.rng, entity.slug, "establishedOn", 1945, 2012))
    name = entity.phrase(d.rng)
    r = d.rng.random()
    if r < 0.3:
        return f"{capital(name)} was established {prep} {when} by {d.orgs(d.rng.randint(1, 3))}."
    if r < 0.5:
        return f"{capital(prep)} {when}, {d.orgs(2)} established {name} to strengthen cooperation on {d.theme()}."
    if r < 0.7:
        return f"Established {prep} {when}, {name} works on {d.theme()} and {d.theme()} in {d.place(('WorldRegion',))}."
    if r < 0.85:
        return f"{capital(name)}, created {prep} {when}, is headquartered in {d.place(('City',))}."
    return f"{capital(prep)} {when}, {d.new('organization')} was set up by {d.org()} with a mandate on {d.theme()}."


def adoption(d: Doc) -> str:
    instrument = d.world.pick(d.rng, "instruments")
    d.topic = instrument
    prep, when = written_date(entity_date(d.world, d.rng, instrument.slug, "adoptedOn", 1948, 2010))
    name = instrument.phrase(d.rng)
    r = d.rng.random()
    if r < 0.3:
        return f"{capital(name)} was adopted by the General Assembly {prep} {when}."
    if r < 0.5:
        return f"{capital(d.named('events'))} adopted {name} {prep} {when}, after two years of negotiations."
    if r < 0.7:
        n, m = d.rng.randint(40, 69), d.rng.randint(100, 299)
        return (f"In its resolution {n}/{m} of {d.rng.randint(1, 28)} {d.rng.choice(MONTHS)} {1945 + n}, the "
                f"General Assembly called on Member States to implement {name}.")
    if r < 0.85:
        return f"{capital(d.new('instrument'))} was adopted in {d.rng.randint(1990, 2014)} by {d.org()}."
    return f"{capital(d.org())} endorsed {name}, adopted {prep} {when}, as a reference for {d.theme()}."


TREATIES = ("Convention", "Protocol", "Treaty")


def entry_into_force(d: Doc) -> str:
    treaty = d.world.pick(d.rng, "instruments", TREATIES)
    d.topic = treaty
    value = entity_date(d.world, d.rng, treaty.slug, "enteredIntoForceOn", 1950, 2010)
    prep, when = written_date(value)
    date, year = as_of(d.rng, int(value[:4]) + 1)
    count = party_count(d.world, d.rng, treaty.slug, year)
    name = treaty.phrase(d.rng)
    r = d.rng.random()
    if r < 0.35:
        return f"{capital(name)}, which entered into force {prep} {when}, had been ratified by {count} States as of {date}."
    if r < 0.6:
        return f"As of {date}, {count} States had ratified {name}."
    if r < 0.8:
        return (f"{capital(name)} entered into force {prep} {when} and has been ratified by {count} countries as of "
                f"{date}, while {max(1, count // 4)} others have signed it.")
    return f"By {date}, {name} counted {count} ratifications, mostly from countries of origin."


def ratification_list(d: Doc) -> str:
    a, b = d.rng.sample(d.world.typed("instruments", TREATIES), 2)
    after = max(int(true_date(d.world, s, "enteredIntoForceOn", 1950, 2010)[:4]) for s in (a.slug, b.slug)) + 1
    date, year = as_of(d.rng, after)
    return (f"{capital(a.phrase(d.rng))} and {b.phrase(d.rng)} had been ratified, respectively, by "
            f"{party_count(d.world, d.rng, a.slug, year)} and {party_count(d.world, d.rng, b.slug, year)} States as of "
            f"{date}.")


def statistic(d: Doc) -> str:
    year = d.rng.randint(1990, 2014)
    r = d.rng.random()
    if r < 0.25:
        return (f"Remittances received by {d.place()} were estimated at {money(d.rng)} in {year}, up "
                f"{d.rng.randint(2, 40)} per cent from {year - 1}.")
    if r < 0.45:
        return (f"In {year}, {d.place()} hosted some {d.rng.randint(1, 46)}.{d.rng.randint(0, 9)} million international "
                f"migrants, or {d.rng.randint(1, 40)} per cent of its population.")
    if r < 0.6:
        return (f"According to {d.org()}, {d.rng.randint(5, 95)} per cent of {d.theme()} cases in "
                f"{d.place(('WorldRegion',))} involved women in {year}.")
    if r < 0.75:
        return (f"The number of refugees in {d.place(('WorldRegion', 'Country'))} reached {d.rng.randint(1, 20)} million "
                f"in {year}.")
    if r < 0.9:
        return (f"Official remittances to {d.place()} totaled {money(d.rng)} in {year}, equivalent to "
                f"{d.rng.randint(1, 30)} per cent of GDP.")
    return (f"Between {year - 10} and {year}, some {d.rng.randint(1, 9)},{d.rng.randint(100, 999)} health workers left "
            f"{d.place()}, that is {d.rng.randint(5, 60)} per cent of those trained.")


def membership(d: Doc) -> str:
    name = d.named("processes", topic=True)
    r = d.rng.random()
    if r < 0.3:
        return f"{capital(name)} brings together {d.orgs(3)}."
    if r < 0.5:
        return f"{capital(d.org())} is a member of {d.org(('InterAgencyGroup', 'Network', 'WorkingGroup'))}."
    if r < 0.7:
        return f"{d.place()}, {d.place()} and {d.place()} participate in {name}, which {d.org()} supports."
    if r < 0.85:
        return f"{capital(d.new('process'))} was carried out with the financial support of {d.orgs(2)}."
    return f"{capital(d.org())} co-sponsors {name} together with {d.org()}."


def event(d: Doc) -> str:
    year = d.rng.randint(1994, 2015)
    day = d.rng.randint(1, 26)
    month = d.rng.choice(MONTHS)
    r = d.rng.random()
    if r < 0.3:
        return (f"{capital(d.org())} convened the {d.rng.choice(ORDINALS)} {d.new('event')[4:]} in "
                f"{d.place(('City',))} on {day}-{day + 1} {month} {year}, in collaboration with {d.org()}.")
    if r < 0.55:
        return (f"{capital(d.named('events', topic=True))} was held in {d.place(('City',))} from {day} to {day + 2} "
                f"{month} {year}.")
    if r < 0.8:
        return (f"Under the auspices of {d.org()}, a {d.rng.choice(('Workshop', 'Symposium', 'Seminar'))} on "
                f"{d.theme()} was organized in {d.place(('City',))} in {year}.")
    return (f"The {d.rng.choice(ORDINALS)} meeting of {d.new('organization')} took place in {d.place(('City',))} "
            f"in {month} {year}.")


def themes(d: Doc) -> str:
    r = d.rng.random()
    if r < 0.35:
        return f"{capital(d.named('processes', topic=True))} focuses on {d.theme()} and {d.theme()}."
    if r < 0.6:
        return f"This paper examines {d.theme()} in {d.place(('WorldRegion', 'Country'))} since {d.rng.randint(1980, 2010)}."
    if r < 0.8:
        return f"{capital(d.org())} addresses {d.theme()} through its programme on {d.theme()}."
    return f"{capital(d.new())} deals with {d.theme()}, {d.theme()} and the protection of migrants in transit."


def people(d: Doc) -> str:
    r = d.rng.random()
    if r < 0.4:
        return (f"{d.rng.choice(HONORIFICS)} {person(d.rng)}, {d.rng.choice(ROLES)} of {d.org()}, presented the "
                f"report on {d.theme()}.")
    if r < 0.7:
        return f"The study was prepared by {person(d.rng)} ({d.org()}) and {person(d.rng)} ({d.org()})."
    if r < 0.85:
        return (f"{d.named('people', ('Person',))} opened the session and recalled the work of {d.org()} on "
                f"{d.theme()}.")
    return f"{person(d.rng)}, {d.rng.choice(ROLES)} of {d.org()}, chaired the discussion."


def publication(d: Doc) -> str:
    year = d.rng.randint(1995, 2015)
    title = f"{capital(d.theme())} and {d.theme()} in {d.place(('WorldRegion',))}"
    r = d.rng.random()
    if r < 0.5:
        return f"In {year}, {d.org()} published the report entitled “{title}”."
    if r < 0.8:
        return f"{capital(d.org())} maintains a database on {d.theme()} and publishes an annual review of {d.theme()}."
    return f"{capital(d.org())} carried out a survey of {d.theme()} in {d.place()} in {year}."


def continuation(d: Doc) -> str:
    """A sentence on the paragraph's topic that opens with "It", as the seed documents do."""
    if d.topic is None:
        return prose(d)
    return d.rng.choice((f"It co-sponsors {d.named('processes')}.",
                         f"It focuses on {d.theme()} and works closely with {d.org()}.",
                         f"Its secretariat is hosted by {d.org()}.",
                         f"It has since become a reference for {d.theme()}."))


SUBJECTS = ("Participants", "Several delegations", "The report", "Member States", "Many Governments", "The panel",
            "Speakers", "The Secretary-General", "Experts", "Civil society representatives", "The authors")
VERBS = ("stressed", "noted", "recognized", "underlined", "observed", "recalled", "suggested", "agreed")
CLAUSES = ("cooperation between countries of origin, transit and destination remained essential for {t}",
           "the data available on {t} were incomplete and rarely comparable across countries",
           "policies on {t} should be coherent with development strategies",
           "the costs of {t} fell disproportionately on the poorest households",
           "the debate on {t} had moved from the national to the regional and global levels",
           "{t} could not be addressed without the participation of civil society and the private sector",
           "capacity-building in the area of {t} deserved more attention from donors",
           "the links between {t} and {u} called for further research",
           "the human rights of migrants had to be at the centre of any approach to {t}",
           "existing mechanisms for consultation on {t} should be strengthened rather than duplicated")


def prose(d: Doc) -> str:
    """Policy prose; a third of it names who said it (a mention, no fact)."""
    clause = d.rng.choice(CLAUSES).format(t=d.theme(), u=d.theme())
    subject = f"The representative of {d.org()}" if d.rng.random() < 0.3 else d.rng.choice(SUBJECTS)
    return f"{subject} {d.rng.choice(VERBS)} that {clause}."


SENTENCES: tuple[tuple[Sentence, int], ...] = (
    (prose, 250), (establishment, 8), (adoption, 7), (entry_into_force, 5), (ratification_list, 1), (statistic, 10),
    (membership, 7), (event, 8), (themes, 7), (people, 6), (publication, 4), (continuation, 4))
_FUNCS = [f for f, _ in SENTENCES]
_WEIGHTS = [w for _, w in SENTENCES]

HEADINGS = ("Introduction", "Background", "Main findings", "Policy implications", "Conclusions and recommendations",
            "Regional perspectives", "Institutional arrangements", "Data and methods", "The way forward",
            "Summary of the discussion", "Annex")


def paragraph(d: Doc) -> str:
    d.topic = None
    sentences = [f(d) for f in d.rng.choices(_FUNCS, _WEIGHTS, k=d.rng.randint(3, 7))]
    return " ".join(sentences)


def bullets(d: Doc) -> str:
    return "\n".join(wrap(f" {d.rng.choice(_FUNCS[1:])(d)}", d.rng) for _ in range(d.rng.randint(3, 5)))


def wrap(text: str, rng: random.Random) -> str:
    """Lines of about a hundred characters, each ending with a space, as the seed's PDF text."""
    width = rng.randint(92, 108)
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line + " ")
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line + " ")
    return "\n".join(lines)


def blocks(d: Doc) -> Iterator[str]:
    """The document's blocks (heading, paragraph, list, page number), endlessly."""
    page, section = 1, 0
    yield wrap(f"{capital(d.org())}: {capital(d.theme())} and {d.theme()} — {d.place(('WorldRegion',))}, {d.year}", d.rng)
    while True:
        r = d.rng.random()
        if r < 0.06:
            section += 1
            yield f"{section}. {d.rng.choice(HEADINGS)} "
        elif r < 0.06 + REAL_PARAGRAPH_SHARE:
            yield d.rng.choice(d.world.paragraphs)
        elif r < 0.06 + REAL_PARAGRAPH_SHARE + 0.04:
            yield bullets(d)
        elif r < 0.06 + REAL_PARAGRAPH_SHARE + 0.09:
            page += 1
            yield f"{page} "
        else:
            yield wrap(paragraph(d), d.rng)


def document_text(world: World, index: int, size: int) -> str:
    """Synthetic document `index`, about `size` bytes (cut at a block boundary)."""
    rng = random.Random(f"{world.seed}:doc:{index}")
    earlier = [n for j in sorted({rng.randrange(index) for _ in range(min(index, 6))}) for n in new_names(world, j)]
    d = Doc(world, rng, index, new_names(world, index), earlier, rng.randint(1995, 2015))
    parts: list[str] = []
    total = 0
    for block in blocks(d):
        parts.append(block)
        total += len(block.encode("utf-8")) + 4
        if total >= size:
            break
    return "\n \n".join(parts) + "\n"


def sidecar(world: World, doc_id: str, index: int) -> str:
    """A valid .meta.toml (see kg.corpus): publisher_id names a registry organization."""
    rng = random.Random(f"{world.seed}:meta:{index}")
    publisher = world.pick(rng, "organizations")
    year = rng.randint(1995, 2015)
    date = str(year) if rng.random() < 0.5 else f"{year}-{rng.randint(1, 12):02d}"
    title = f"{rng.choice(world.themes).capitalize()} and {rng.choice(world.themes)}: synthetic document {index}"
    creators = [person(rng) for _ in range(rng.randint(0, 3))]
    fields = {"id": doc_id, "title": title,
              "description": f"Synthetic benchmark document written by bench/scale_corpus.py (seed {world.seed}).",
              "type": rng.choice(DOCUMENT_TYPES), "publisher": publisher.label, "publisher_id": publisher.slug,
              "creators": creators, "date": date, "coverage": str(year), "language": "en"}
    lines = [f"# Metadata sidecar for {doc_id}.txt (synthetic, bench/scale_corpus.py)"]
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


# --- the corpus ------------------------------------------------------------------------------

def seed_documents(seed_corpus: Path = SEED_CORPUS) -> list[Path]:
    docs = sorted(seed_corpus.glob("*.txt"))
    if not docs:
        raise ScalerError(f"{seed_corpus}: no seed documents (*.txt)")
    return docs


def input_fingerprint() -> str:
    """A digest of everything the output depends on besides the seed and factor: this file,
    the registry, the theme scheme and the seed corpus. bench/run.py keys its cache with it,
    so that a registry edit regenerates the corpora."""
    digest = hashlib.sha256()
    paths = [Path(__file__).resolve(), THEMES, *sorted(REGISTRY.glob("*.toml")), *sorted(SEED_CORPUS.iterdir())]
    for path in paths:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def seed_bytes(seed_corpus: Path = SEED_CORPUS) -> int:
    """Bytes of document text in the seed corpus: the unit of the scale factor."""
    return sum(p.stat().st_size for p in seed_documents(seed_corpus))


def document_sizes(world: World, total: int) -> list[int]:
    """Sizes of the synthetic documents: log-uniform between MIN and MAX_DOC_BYTES (the seed's
    documents run from 2 KB to 566 KB), the last one taking what is left."""
    rng = random.Random(f"{world.seed}:sizes")
    sizes, left = [], total
    while left > 0:
        size = int(MIN_DOC_BYTES * (MAX_DOC_BYTES / MIN_DOC_BYTES) ** rng.random())
        if left - size < MIN_DOC_BYTES // 2:
            size = left
        sizes.append(size)
        left -= size
    return sizes


@dataclass(frozen=True)
class ScaledCorpus:
    """What scale() wrote."""
    path: Path
    factor: float
    seed: int
    documents: int
    synthetic_documents: int
    text_bytes: int


def scale(factor: float, out: Path, seed: int = DEFAULT_SEED, include_seed: bool | None = None) -> ScaledCorpus:
    """Writes a corpus of factor × the seed corpus's bytes into `out` (which must not hold
    documents already). The seed documents are included from 1× on unless include_seed=False."""
    if factor <= 0:
        raise ScalerError(f"--factor {factor}: must be positive")
    unit = seed_bytes()
    include = factor >= 1 if include_seed is None else include_seed
    if include and factor < 1:
        raise ScalerError(f"--factor {factor}: below 1× the seed documents cannot be included (use --no-seed)")
    out.mkdir(parents=True, exist_ok=True)
    if any(out.glob("*.txt")):
        raise ScalerError(f"{out}: folder already holds documents; give an empty or new folder")
    world = read_world(seed)
    written = 0
    documents = 0
    if include:
        for path in seed_documents():
            shutil.copyfile(path, out / path.name)
            shutil.copyfile(path.with_name(path.stem + SIDECAR_SUFFIX), out / (path.stem + SIDECAR_SUFFIX))
            written += path.stat().st_size
            documents += 1
    target = round(factor * unit)
    synthetic = 0
    for index, size in enumerate(document_sizes(world, max(0, target - written))):
        doc_id = f"syn_{index:06d}"
        data = document_text(world, index, size).encode("utf-8")
        (out / f"{doc_id}.txt").write_bytes(data)
        (out / f"{doc_id}{SIDECAR_SUFFIX}").write_text(sidecar(world, doc_id, index), encoding="utf-8")
        written += len(data)
        synthetic += 1
    (out / "SCALE.md").write_text(
        f"# Scaled corpus\n\nWritten by `bench/scale_corpus.py --factor {factor:g} --seed {seed}` (generator "
        f"version {GENERATOR_VERSION}): {documents} seed document(s) and {synthetic} synthetic document(s), "
        f"{written:,} bytes of text ({written / unit:.2f}× the seed corpus's {unit:,} bytes).\n", encoding="utf-8")
    return ScaledCorpus(out, factor, seed, documents + synthetic, synthetic, written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factor", type=float, required=True, help="size as a multiple of the seed corpus (e.g. 10)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (new or empty)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--no-seed", action="store_true", help="synthetic documents only (no seed documents)")
    args = parser.parse_args(argv)
    try:
        result = scale(args.factor, args.out, args.seed, include_seed=False if args.no_seed else None)
    except ScalerError as err:
        print(f"scale_corpus: error: {err}", file=sys.stderr)
        return 2
    print(f"{result.path}: {result.documents} documents ({result.synthetic_documents} synthetic), "
          f"{result.text_bytes / 1e6:.2f} MB of text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
