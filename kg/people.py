"""People named with a title or a role: "Ms. Keiko Osaki, Population Affairs Officer of the
Population Division", "the Director of the Population Division, Mr. Joseph Chamie", "Jennifer
McDonald (Passport, Immigration and Citizenship Agency, ...)".

A capitalised pair of words is a person only when the text says so: an honorific before it,
or a role noun right after it (", Director of ..."), or an affiliation in parentheses after it
as the editorial boards of journals print them. Names are keyed first-last without the
honorific, as curators key people (`keiko-osaki`), so a discovered person and a later curated
record are one entity. Runs on the text with known names masked, like the other discovery
rules, so nobody curated is rediscovered."""

from __future__ import annotations

import re

from .discovery import Candidate, entity_key

HONORIFIC = r"(?:Mr|Ms|Mrs|Dr|Prof|Professor|Ambassador|H\.E\.|Sir|Dame|Judge|Senator|Minister)\.?"
NAME_WORD = r"(?:[A-Z][a-z’'\-]+(?:-[A-Z][a-z]+)?|[A-Z]\.)"
PARTICLE = r"(?:de|van|von|da|del|der|di|la|le|i|bin|al)"
PERSON_NAME = rf"{NAME_WORD}(?:\s+(?:{PARTICLE}\s+)*{NAME_WORD}){{1,4}}(?:,? Jr\.?)?"
ROLE_NOUNS = ("Director", "Officer", "Chief", "Head", "President", "Vice-President", "Chair", "Chairman",
              "Chairperson", "Chairwoman", "Secretary-General", "Secretary", "Minister", "Mayor", "Professor",
              "Coordinator", "Representative", "Adviser", "Advisor", "Commissioner", "Ambassador", "Editor",
              "Researcher", "Fellow", "Specialist", "Expert", "Manager", "Rapporteur", "Deputy", "Dean",
              "Lecturer", "Economist", "Demographer", "Statistician", "Consultant", "Executive", "Founder",
              "Co-founder", "Principal", "Administrator", "Counsellor", "Counselor", "Delegate", "Member")
ROLE_NOUN = "(?:" + "|".join(sorted(ROLE_NOUNS, key=len, reverse=True)) + ")"
LEADING_HONORIFIC_RE = re.compile(rf"^{HONORIFIC}\s+")
WITH_HONORIFIC_RE = re.compile(rf"\b{HONORIFIC}\s+(?P<name>{PERSON_NAME})")
WITH_ROLE_RE = re.compile(rf"(?<![\w’'])(?P<name>{PERSON_NAME}),\s+(?:the\s+|then-|former\s+)?"
                          rf"(?:[A-Z][\w-]*\s+){{0,4}}{ROLE_NOUN}\b")
# "- Jennifer McDonald (Passport, Immigration and Citizenship Agency, Ministry of ...)": a list item
# whose parenthesis names a body (an institution word, or a known name, masked as NUL).
WITH_AFFILIATION_RE = re.compile(rf"(?:^|(?<=[-•*] ))(?P<name>{PERSON_NAME})\s+\((?=[A-Z\x00])"
                                 r"(?=[^)]{0,160}(?:\x00|Agency|Ministry|University|Institute|Organization|"
                                 r"Department|Office|Commission|Centre|Center|Bank|Fund|Council|Foundation|Association))")
NOT_NAMES = {"United", "Nations", "General", "Assembly", "Department", "Division", "Office", "Commission",
             "Republic", "Government", "International", "Conference", "Meeting", "Report", "The", "In", "At",
             "During", "European", "Council", "World", "Bank", "Union", "Organization", "Institute"}


def _plausible(name: str) -> bool:
    """Two to five name words, none of them a word that names institutions."""
    words = [w for w in re.split(r"\s+", name.replace(", Jr.", "").replace(" Jr.", "")) if w]
    return 2 <= len(words) <= 5 and not any(w.strip(".,") in NOT_NAMES for w in words)


def person_candidates(text: str) -> list[Candidate]:
    """Persons in a document's (masked) normalised text."""
    found: dict[tuple[int, int], Candidate] = {}
    for pattern, rule in ((WITH_HONORIFIC_RE, "discovery-person-honorific"), (WITH_ROLE_RE, "discovery-person-role"),
                          (WITH_AFFILIATION_RE, "discovery-person-affiliation")):
        for match in pattern.finditer(text):
            name = match.group("name").rstrip(",")
            start = match.start("name")
            title = LEADING_HONORIFIC_RE.match(name)  # "Ambassador Daniel Chen, Director of ...": not his name
            if title:
                name, start = name[title.end():], start + title.end()
            if not _plausible(name):
                continue
            found.setdefault((start, start + len(name)),
                             Candidate(start, start + len(name), name, "person", "Person", rule, key=person_key(name)))
    return [found[k] for k in sorted(found)]


def person_key(name: str) -> str:
    """'Keiko Osaki' → keiko-osaki; initials and 'Jr.' kept as curators keep them."""
    return entity_key(name)
