"""Every sentence rule, run over a document: the pipeline's fact stage. A sentence that opens
with "It" continues the previous sentence's topic; a sentence without any named entity is
read only by the rules that need none (statistics)."""

from __future__ import annotations

import re
from dataclasses import replace

from .facts import (Claim, Context, Sentence, adoption, entry_into_force, establishment, events, founders,
                    fronted_establishment, held_by, held_when, identifiers, membership, name_parts, origins,
                    participation, rel_start, sentences, sub_organization, supplements, support)
from .figures import statistics
from .ingest import NormalizedText
from .mentions import Mention
from .roles import authorship, roles
from .themes import themes_addressed

NAMELESS_RULES = (statistics,)  # a figure needs no named entity: "1,500 people died trying to cross"
RULES = (establishment, fronted_establishment, founders, adoption, entry_into_force, participation, supplements, membership, support, events,
         held_by, held_when, origins, sub_organization, name_parts, roles, statistics, themes_addressed, authorship, identifiers)


PRONOUN_RE = re.compile(r"^\W{0,3}(It|Its)\b")
TOPIC_KINDS = ("organization", "process", "project")


def _topic(sentence: Sentence) -> Mention | None:
    """The entity a sentence is about, when it opens with its name: "The ILO has played ..."."""
    first = sentence.mentions[:1]
    if first and first[0].kind in TOPIC_KINDS and rel_start(sentence, first[0]) <= 8 \
            and re.fullmatch(r"\W*(?:\d+\.\s*)?(?:[Tt]he\s+)?", sentence.text[:rel_start(sentence, first[0])]):
        return first[0]
    return None


def with_pronoun_subject(sentence: Sentence, topic: Mention | None) -> Sentence:
    """"It cosponsors the IMP": the pronoun stands for the previous sentence's topic; the
    rules see it as a mention of that entity (it is not output as a mention)."""
    match = PRONOUN_RE.match(sentence.text)
    if not match or topic is None:
        return sentence
    start = sentence.start + match.start(1)
    pronoun = replace(topic, norm_start=start, norm_end=start + len(match.group(1)), surface=match.group(1),
                      method="pronoun")
    return replace(sentence, mentions=(pronoun, *sentence.mentions))


def unique_claims(claims: list[Claim]) -> list[Claim]:
    """One claim per (subject, property, value, passage): where two rules find the same fact
    in the same sentence, the more confident one is the evidence (the first on a tie)."""
    best: dict[tuple, Claim] = {}
    for claim in claims:
        text = claim.sentence.text  # the passage is the sentence without surrounding whitespace
        start = claim.sentence.start + len(text) - len(text.lstrip())
        end = claim.sentence.start + len(text.rstrip())
        key = (claim.subject, claim.prop, claim.value, claim.extra, start, end)
        if key not in best or claim.confidence > best[key].confidence:
            best[key] = claim
    return list(best.values())


def extract_claims(norm: NormalizedText, mentions: list[Mention], ctx: Context | None = None) -> list[Claim]:
    """Every claim of every rule, once per (subject, property, value, sentence)."""
    ctx = ctx or Context()
    seen: set[tuple] = set()
    claims: list[Claim] = []
    topic: Mention | None = None
    for sentence in sentences(norm, mentions):
        sentence = with_pronoun_subject(sentence, topic)
        topic = _topic(sentence) or (topic if sentence.mentions[:1] and sentence.mentions[0].method == "pronoun"
                                     else None)
        for rule in RULES if sentence.mentions else NAMELESS_RULES:
            for claim in rule(sentence, ctx):
                key = (claim.subject, claim.prop, claim.value, claim.extra, sentence.start)
                if key not in seen:
                    seen.add(key)
                    claims.append(claim)
    return claims
