"""Papers in a volume: who wrote them and what they are about.

Proceedings print each contributed paper as a title in capitals, then a byline paragraph that
names the contributing body ("WOMEN AND INTERNATIONAL MIGRATION" / "Division for the
Advancement of Women, Department of Economic and Social Affairs"). A title followed by a
paragraph made only of names of organizations is a paper authored by the first of them (the
most specific unit; the rest are its parents). Titles the registry lacks are discovered as
papers. Themes: a theme's label in the title says what the paper addresses; so does a topic
sentence inside the paper ("This paper examines ..."). How often a paper merely mentions a
theme is not evidence that it addresses it (measured: such claims were all wrong on the
development set), so it is not used."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .discovery import DiscoveredEntity, entity_key
from .facts import Claim, Sentence, sentences
from .ingest import NormalizedText
from .mentions import Mention, mention_at
from .themes import themes_named_in

BYLINE_GAP = re.compile(r"^[\s,;&]*(?:and\s+)?[\s,;&]*$")
# A heading in capitals at the end of the paragraph before a byline (a page break may have
# glued it to the last sentence of the previous paper, so it is read off the paragraph's end).
TITLE_RE = re.compile(r"(?<![A-Za-z,])([A-Z0-9][A-Z0-9 ,:;'’\-–—()/&.]{12,250}?)\s*$")
TOPIC_RE = re.compile(r"\b(?:[Tt]his|[Tt]he present|[Tt]he) (?:paper|report|note|chapter|contribution|article|study) "
                      r"(?:examines|discusses|addresses|focuses on|reviews|analyses|analyzes|explores|describes|"
                      r"considers|deals with|looks at|highlights|presents)\b")
TITLE_CONFIDENCE = Decimal("0.8")
TOPIC_CONFIDENCE = Decimal("0.7")



@dataclass(frozen=True)
class Paper:
    title: Mention
    byline: Sentence  # the title and its byline, the evidence of authorship
    author: Mention
    end: int  # normalised offset where the paper's text ends (the next paper's title)
    discovered: DiscoveredEntity | None


NUMBERING_RE = re.compile(r"^(?:[IVXLC]+|\d+|[A-Z])\.\s+")  # "III. A FAIR DEAL ..."


def _mostly_names(mentions: list[Mention], start: int, end: int) -> bool:
    """A heading that is an organization's name ("UNITED NATIONS / DEPARTMENT OF ...") is a
    letterhead, not a title."""
    covered = sum(m.norm_end - m.norm_start for m in mentions
                  if m.kind == "organization" and start <= m.norm_start and m.norm_end <= end)
    return covered > (end - start) / 2


def _byline_author(norm: NormalizedText, start: int, end: int, mentions: list[Mention]) -> Mention | None:
    """The first organization of a paragraph made only of organization names."""
    inside = [m for m in mentions if start <= m.norm_start and m.norm_end <= end]
    if not inside or any(m.kind not in ("organization", "person") for m in inside):
        return None
    if norm.text[start:end].isupper():  # the second line of a heading in capitals, not a byline
        return None
    cursor = start
    for m in inside:
        if not BYLINE_GAP.match(norm.text[cursor:m.norm_start]):
            return None
        cursor = m.norm_end
    return inside[0] if BYLINE_GAP.match(norm.text[cursor:end]) else None


def find_papers(doc_id: str, norm: NormalizedText, mentions: list[Mention]) -> list[Paper]:
    """Every title-and-byline pair of the document, in order."""
    ordered = sorted(mentions, key=lambda m: m.norm_start)
    paragraphs = norm.paragraphs
    found: list[tuple[Mention, Sentence, Mention, DiscoveredEntity | None]] = []
    for index, (start, end) in enumerate(paragraphs[:-1]):
        heading = TITLE_RE.search(norm.text, start, end)
        if heading is None or not norm.starts_line(heading.start(1)):
            continue
        text = NUMBERING_RE.sub("", heading.group(1).strip())
        if len(re.findall(r"[A-Z]{2,}", text)) < 3 or _mostly_names(ordered, heading.start(1), heading.end(1)):
            continue
        author = _byline_author(norm, *paragraphs[index + 1], ordered)
        if author is None:
            continue
        lead = heading.start(1) + (len(heading.group(1)) - len(heading.group(1).lstrip()))
        lead += len(heading.group(1).strip()) - len(text)
        # A curated title may run over blank lines into earlier paragraphs: any publication
        # mention that overlaps the heading is the title.
        title = next((m for m in reversed(ordered) if m.kind == "publication"
                      and m.norm_start < heading.end(1) and m.norm_end > lead), None)
        discovered = None
        if title is None:
            label = text  # as printed, like the curated titles
            discovered = DiscoveredEntity(entity_key(label), "publication", "Paper", label, "discovery-paper-byline",
                                          documents={doc_id})
            title = mention_at(doc_id, norm, lead, lead + len(text), discovered.key, "publication",
                               "discovery-paper-byline", TITLE_CONFIDENCE)
        byline_end = paragraphs[index + 1][1]
        evidence = Sentence(title.norm_start, byline_end, norm.text[title.norm_start:byline_end], (title, author))
        found.append((title, evidence, author, discovered))
    papers = []
    for k, (title, evidence, author, discovered) in enumerate(found):
        end = found[k + 1][0].norm_start if k + 1 < len(found) else len(norm.text)
        papers.append(Paper(title, evidence, author, end, discovered))
    return papers


GENRE_RE = re.compile(r"^\s+(?:Research|Reseach)?\s*(?:Working Paper|Research Note|Reseach Note|Discussion Paper|"
                      r"Policy Brief|Report|Paper|Note)(?:\s*#?\s*\d+)?\s+$", re.IGNORECASE)
TOC_AUTHOR_GAP = re.compile(r"^\s*(?:</b>|\*\*)?\s*(?:<i>|\*|_)\s*$")  # "<b>Title</b> <i>Author</i>"

AUTHOR_GAP = re.compile(r"^[\s,;&]*(?:and\s+)?[\s,;&]*$")


def bibliography_claims(norm: NormalizedText, mentions: list[Mention]) -> list[Claim]:
    """Lists of publications: "Katalin Szelenyi Working Paper #1" above its title, or a title
    paragraph followed by a paragraph of authors ("Christopher Parsons, Sebastien Rojon, ...")."""
    ordered = sorted(mentions, key=lambda m: m.norm_start)
    claims = []
    for left, right in zip(ordered, ordered[1:]):
        if left.kind == "person" and right.kind == "publication" \
                and GENRE_RE.match(norm.text[left.norm_end:right.norm_start]):
            evidence = Sentence(left.norm_start, right.norm_end, norm.text[left.norm_start:right.norm_end], (left, right))
            claims.append(Claim(right.key, "authoredBy", left.key, "rule-bibliography", TOPIC_CONFIDENCE, evidence))
    for index, title in enumerate(ordered):  # a table of contents: "<b>Title</b> <i>A and B</i>"
        if title.kind != "publication":
            continue
        authors: list[Mention] = []
        for m in ordered[index + 1:]:
            gap = norm.text[(authors[-1] if authors else title).norm_end:m.norm_start]
            if m.kind != "person" or not (AUTHOR_GAP.match(gap) if authors else TOC_AUTHOR_GAP.match(gap)):
                break
            authors.append(m)
        if authors:
            evidence = Sentence(title.norm_start, authors[-1].norm_end,
                                norm.text[title.norm_start:authors[-1].norm_end], (title, *authors))
            claims.extend(Claim(title.key, "authoredBy", m.key, "rule-bibliography", TOPIC_CONFIDENCE, evidence)
                          for m in authors)
    paragraphs = norm.paragraphs
    for (a, b), (c, d) in zip(paragraphs, paragraphs[1:]):
        inside = [m for m in ordered if a <= m.norm_start and m.norm_end <= b]
        if len(inside) != 1 or inside[0].kind != "publication" or norm.text[a:b].strip() != inside[0].surface.strip():
            continue
        authors = [m for m in ordered if c <= m.norm_start and m.norm_end <= d]
        if not authors or any(m.kind != "person" for m in authors):
            continue
        gaps = [norm.text[x.norm_end:y.norm_start] for x, y in zip(authors, authors[1:])]
        if all(AUTHOR_GAP.match(g) for g in gaps) and not norm.text[c:authors[0].norm_start].strip() \
                and not norm.text[authors[-1].norm_end:d].strip():
            title = inside[0]
            evidence = Sentence(title.norm_start, d, norm.text[title.norm_start:d], (title, *authors))
            claims.extend(Claim(title.key, "authoredBy", m.key, "rule-bibliography", TOPIC_CONFIDENCE, evidence)
                          for m in authors)
    return claims


def paper_claims(norm: NormalizedText, mentions: list[Mention], papers: list[Paper],
                 themes: Mapping[str, str]) -> list[Claim]:
    """authoredBy from each byline; addresses from topic sentences (themes named in a title are
    read by the sentence rule `facts.themes_addressed`, like any other name)."""
    claims = []
    all_sentences = sentences(norm, mentions)
    for paper in papers:
        key = paper.title.key
        claims.append(Claim(key, "authoredBy", paper.author.key, "rule-byline", TITLE_CONFIDENCE, paper.byline))
        for sentence in all_sentences:
            if paper.title.norm_end <= sentence.start < paper.end and TOPIC_RE.search(sentence.text):
                claims.extend(Claim(key, "addresses", f"theme:{theme}", "rule-topic-sentence", TOPIC_CONFIDENCE,
                                    sentence) for theme in themes_named_in(sentence.text, themes))
    return claims
