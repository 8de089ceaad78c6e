"""Rules about people and works: posts and affiliations ("Ms. Keiko Osaki, Population Affairs
Officer of the Population Division"), and who made a publication ("ILO maintains the ILM
database", "the report published by WHO"). Each rule reads one sentence; see `kg.facts`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .facts import (BY_RE, Claim, Context, Sentence, agent_list, co_subjects, make_claim, mentions_after,
                    mentions_before, rel_end, rel_start)
from .people import ROLE_NOUN


ROLE = rf"(?P<role>(?:[A-Z][\w’'-]*\s+(?:and\s+|&\s+)?){{0,5}}{ROLE_NOUN}(?:\s+(?:and|&)\s+(?:[A-Z][\w-]*\s+){{0,3}}{ROLE_NOUN})?(?:\s+[A-Z][\w-]*){{0,3}})"
ROLE_AFTER_PERSON_RE = re.compile(rf"^(?:,\s+|\s+\(|\s+(?:is|was|has been|became|serves as|served as)\s+|"
                                  rf"\s+(?:\w+\s+){{1,4}}as\s+)"  # "Schulz contributed this article as President of"
                                  rf"(?:the\s+|a\s+|an\s+|then-|former\s+|now\s+)?{ROLE}"
                                  rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?[A-Z][^,;()]{{0,70}}?)?"  # "Director of the MA Programme ..."
                                  rf"\s+(?:of|at|in|for|to|with)\s+(?:the\s+)?$")
PERSON_CHAIN_GAP = re.compile(r"^\**\s*(?:and|,|&)\s*\**$")
DIRECT_AFFILIATION_GAP = re.compile(r"^(?:,\s+|\s+of\s+(?:the\s+)?)$")  # "Lindsay Lowell, Georgetown University"
ROLE_BEFORE_ORG_RE = re.compile(rf"(?:^|\b[Tt]he\s+|\s){ROLE}\s+of\s+(?:the\s+)?$")
PERSON_AFTER_ORG_RE = re.compile(r"^,\s+(?:(?:Mr|Ms|Mrs|Dr|Prof|Professor|Ambassador)\.?\s+)?$")
TITLE_BEFORE_PERSON_RE = re.compile(rf"^\s+{ROLE}\s+(?:\*\*)?(?:(?:Mr|Ms|Mrs|Dr|Prof)\.?\s+)?$")  # "European Parliament President **Martin Schulz**"
DISCIPLINE_GAP_RE = re.compile(r"^,\s+[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z]+){0,2},\s+$")  # "Favell, Sociology, UCLA"
PARENTHESIS_GAP_RE = re.compile(r"^\s*\((?:[^()]{0,120}?,\s+)?$")  # "McDonald (Passport, ..."


def roles(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """Posts and affiliations: "Ms. Keiko Osaki, Population Affairs Officer of the Population
    Division"; "the Director of the Population Division, Mr. Joseph Chamie"; "Frank Laczko is
    Head of the Migration Research Division at IOM"; "Adrian Favell, Sociology, UCLA";
    "Jennifer McDonald (Passport, Immigration and Citizenship Agency, ...)"; "Frank Laczko and
    Marzia Rango of the International Organization for Migration"."""
    people = [m for m in sentence.mentions if m.kind == "person"]
    for index, person in enumerate(people):
        chain = [person]  # "A and B, State University of New York": both
        for following in people[index + 1:]:
            if not PERSON_CHAIN_GAP.match(sentence.text[rel_end(sentence, chain[-1]):rel_start(sentence, following)]):
                break
            chain.append(following)
        end = rel_end(sentence, chain[-1])
        org = next(iter(mentions_after(sentence, end, ("organization",))), None)
        if org is None or rel_start(sentence, org) - end > 160:
            continue
        gap = sentence.text[end:rel_start(sentence, org)].replace("*", "")
        if any(rel_start(sentence, m) >= end and rel_end(sentence, m) <= rel_start(sentence, org) for m in people):
            continue  # another person comes first: the organization is theirs
        role = ROLE_AFTER_PERSON_RE.match(gap) if len(chain) == 1 else None
        if role:
            yield make_claim(person.key, "holdsPost", org.key, "rule-post", "0.75", sentence, role=_role(role))
            yield make_claim(person.key, "affiliatedWith", org.key, "rule-post", "0.75", sentence)
        elif DISCIPLINE_GAP_RE.match(gap) or PARENTHESIS_GAP_RE.match(gap) or DIRECT_AFFILIATION_GAP.match(gap):
            for member in chain:
                yield make_claim(member.key, "affiliatedWith", org.key, "rule-affiliation", "0.7", sentence)
    for org in (m for m in sentence.mentions if m.kind == "organization"):
        after = mentions_after(sentence, rel_end(sentence, org), ("person",))[:1]
        gap = sentence.text[rel_end(sentence, org):rel_start(sentence, after[0])] if after else ""
        title = TITLE_BEFORE_PERSON_RE.match(gap)
        if title:
            yield make_claim(after[0].key, "holdsPost", org.key, "rule-post", "0.75", sentence, role=_role(title))
            yield make_claim(after[0].key, "affiliatedWith", org.key, "rule-post", "0.75", sentence)
            continue
        if not after or not PERSON_AFTER_ORG_RE.match(gap):
            continue
        role = ROLE_BEFORE_ORG_RE.search(sentence.text[max(0, rel_start(sentence, org) - 120):rel_start(sentence, org)])
        if role:  # "the Director of the Population Division, Mr. Joseph Chamie"
            yield make_claim(after[0].key, "holdsPost", org.key, "rule-post", "0.75", sentence, role=_role(role))
            yield make_claim(after[0].key, "affiliatedWith", org.key, "rule-post", "0.75", sentence)


def _role(match: re.Match[str]) -> str:
    return " ".join(match.group("role").split())


AUTHORING_RE = re.compile(r"\b(?:maintains|maintained|produced?|produces|published|publishes|prepared|prepares|"
                          r"carried out|carries out|conducted|conducts|issued|issues|compiled|compiles|wrote|writes)\b")


WORK_OF_RE = re.compile(r"^\s+of\s+(?:the\s+)?$")
WORK_GAP = re.compile(r"^\s*(?:(?:the|a|an|its|their)\s+(?:[a-z]+\s+){0,2})?(?:(?:report|study|book|paper|publication|survey|database|"
                      r"series|guide|handbook|manual)\s+(?:entitled|titled|called)\s+)?[\"“*]?$")


def authorship(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """"ILO maintains the ILM database", "ILO carried out a General Survey on ...", "the report
    published by WHO, together with ILO, IOM ...": who made a publication."""
    for match in AUTHORING_RE.finditer(sentence.text):
        by = BY_RE.match(sentence.text[match.end():])
        if by:  # passive: "X, published by A and B"
            works = mentions_before(sentence, match.start(), ("publication",))[-1:]
            authors = agent_list(sentence, match.end() + by.end(), ("organization", "person"))
        else:
            works = [m for m in mentions_after(sentence, match.end(), ("publication",))[:1]
                     if WORK_GAP.match(sentence.text[match.end():rel_start(sentence, m)])]
            authors = co_subjects(sentence, match.start())
        for work in works:
            for author in authors:
                yield make_claim(work.key, "authoredBy", author.key, "rule-authorship", "0.7", sentence)
    for work in (m for m in sentence.mentions if m.method == "work-description"):  # "the report of the GCIM"
        author = next(iter(mentions_after(sentence, rel_end(sentence, work), ("organization",))), None)
        if author is not None and WORK_OF_RE.match(sentence.text[rel_end(sentence, work):rel_start(sentence, author)]):
            yield make_claim(work.key, "authoredBy", author.key, "rule-work-author", "0.75", sentence)
