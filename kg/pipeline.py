"""The extraction pipeline: documents → normalised text → mentions → discovered entities →
claims. Pure function of the documents and the registry; nothing is written.

Discovery runs over the whole corpus before mentions are final, so that an entity named in
one document and abbreviated in another is one entity, and so that the result does not
depend on the order documents are read in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .corpus import Document
from .descriptions import (curated_links, describe_body_parts, describe_by_attributes, describe_events, describe_works,
                           event_index)
from .discovery import DiscoveredEntity, document_candidates, entity_key, masked, merge
from .facts import Claim, Context
from .ingest import NormalizedText, normalize
from .layout import layout_claims
from .papers import bibliography_claims, find_papers, paper_claims
from .people import person_candidates
from .mentions import MENTIONABLE_KINDS, Gazetteer, Mention, Name, find_mentions, named_mentions
from .registry import Registry
from .rules import extract_claims, unique_claims


QUALIFIER_RE = re.compile(r"^(.+?) \([^()]*\)$")  # a curator's disambiguating suffix


@dataclass
class Extraction:
    norms: dict[str, NormalizedText]
    discovered: dict[str, DiscoveredEntity]
    mentions: dict[str, list[Mention]]
    claims: dict[str, list[Claim]]
    kinds: dict[str, str]  # entity key → kind, registry and discovered
    labels: dict[str, str]
    known_keys: dict[str, str]  # spelling-insensitive key of every registry name → registry id


def registry_names(registry: Registry) -> list[Name]:
    names = []
    for e in registry.entities:
        if e.kind not in MENTIONABLE_KINDS:
            continue
        names.append(Name(e.label, e.slug, e.kind, "label"))
        qualified = QUALIFIER_RE.match(e.label)
        if qualified:  # "European Conference on Migration (Brussels, 2001)" is written without the qualifier
            names.append(Name(qualified.group(1), e.slug, e.kind, "alias"))
        names.extend(Name(a, e.slug, e.kind, "alias") for a in e.aliases)
        names.extend(Name(a, e.slug, e.kind, "acronym") for a in e.acronyms)
    return names


def registry_triples(registry: Registry) -> list[tuple[str, str, str]]:
    """Curated facts between entities as (subject key, property local name, object key)."""
    slugs = {e.iri: e.slug for e in registry.entities}
    return [(slugs[f.subject], str(f.predicate).rsplit("#", 1)[-1], slugs[f.value]) for f in registry.facts
            if f.subject in slugs and f.value in slugs]


def local_names(registry: Registry, norms: dict[str, NormalizedText]) -> dict[str, list[Name]]:
    """Document id → the names that hold only in that document (among the documents read;
    the build checks that every document a local alias names exists)."""
    local: dict[str, list[Name]] = {}
    for e in registry.entities:
        for doc_id, alias in e.local_aliases:
            if doc_id in norms:
                local.setdefault(doc_id, []).append(Name(alias, e.slug, e.kind, "alias"))
    return local


def extract(documents: list[Document], registry: Registry, use_registry: bool = True,
            themes: Mapping[str, str] | None = None) -> Extraction:
    """Run the pipeline. With use_registry=False the gazetteer starts empty: every entity must
    be discovered, which is how `migkg eval --cold` measures the rules on their own. `themes`
    (theme label → id, from the theme scheme) lets statistics say what they measure."""
    norms = {d.doc_id: normalize(d.text) for d in documents}
    known = registry_names(registry) if use_registry else []
    known_gazetteer = Gazetteer(known)
    local = local_names(registry, norms) if use_registry else {}
    known_gazetteers = {doc_id: Gazetteer(known + local[doc_id]) if doc_id in local else known_gazetteer
                        for doc_id in norms}
    known_keys = {entity_key(n.surface): n.key for n in known}
    known_keys.update({e.slug: e.slug for e in registry.entities} if use_registry else {})
    candidates = {}
    for doc_id, norm in norms.items():
        spans = [(m.norm_start, m.norm_end) for m in named_mentions(doc_id, norm, known_gazetteers[doc_id])]
        candidates[doc_id] = document_candidates(norm, spans) + person_candidates(masked(norm.text, spans))
    discovered = merge(candidates, known_keys)
    names = list(known)
    for entity in discovered.values():
        names.append(Name(entity.label, entity.key, entity.kind, "label"))
        names.extend(Name(a, entity.key, entity.kind, "alias") for a in sorted(entity.aliases))
        names.extend(Name(a, entity.key, entity.kind, "acronym") for a in sorted(entity.acronyms))
    registry_kinds = {e.slug: e.kind for e in registry.entities}
    for cands in candidates.values():  # spelling variants and numbered forms of registry entities
        for cand in cands:
            slug = known_keys.get(cand.key) or known_keys.get(entity_key(cand.name))
            if slug and cand.rule != "discovery-acronym-definition":
                names.append(Name(cand.name, slug, registry_kinds.get(slug, cand.kind), "alias"))
    gazetteer = Gazetteer(names)
    gazetteers = {doc_id: Gazetteer(names + local[doc_id]) if doc_id in local else gazetteer for doc_id in norms}
    labels = {e.slug: e.label for e in registry.entities} if use_registry else {}
    labels.update({k: e.label for k, e in discovered.items()})
    kinds = dict(registry_kinds) if use_registry else {}
    kinds.update({k: e.kind for k, e in discovered.items()})
    mentions = {doc_id: find_mentions(doc_id, norm, gazetteers[doc_id], labels) for doc_id, norm in norms.items()}
    curated_events = [(e.slug, e.label) for e in registry.entities if e.kind == "event"] if use_registry else []
    index = event_index(curated_events, gazetteer.names)
    founding_meetings: dict[str, str] = {}  # a process begins with its first meeting
    links = curated_links(registry_triples(registry) if use_registry else [])
    for doc_id in sorted(norms):
        described = describe_events(doc_id, norms[doc_id], mentions[doc_id], index, labels)
        described += describe_by_attributes(doc_id, norms[doc_id], mentions[doc_id] + [d.mention for d in described],
                                            links, kinds, labels)
        described += describe_body_parts(doc_id, norms[doc_id], mentions[doc_id], gazetteer.names, labels)
        described += describe_works(doc_id, norms[doc_id], mentions[doc_id], gazetteer.names, labels)
        for description in described:
            mentions[doc_id].append(description.mention)
            if description.number == 1 and description.owner.kind == "process":
                founding_meetings.setdefault(description.mention.key, description.owner.key)
            new = description.discovered
            if new is not None and new.key not in kinds:
                discovered.setdefault(new.key, new).documents.add(doc_id)
        mentions[doc_id].sort(key=lambda m: (m.start, m.end))
    papers = {doc_id: find_papers(doc_id, norms[doc_id], mentions[doc_id]) for doc_id in sorted(norms)}
    for doc_id, found in papers.items():
        for paper in found:
            if paper.discovered is not None and paper.discovered.key not in kinds:
                discovered.setdefault(paper.discovered.key, paper.discovered).documents.add(doc_id)
                mentions[doc_id].append(paper.title)
        mentions[doc_id].sort(key=lambda m: (m.start, m.end))
    labels.update({k: e.label for k, e in discovered.items()})
    kinds.update({k: e.kind for k, e in discovered.items()})
    context = Context(gazetteer.names, founding_meetings, themes or {})
    claims = {doc_id: unique_claims(extract_claims(norms[doc_id], mentions[doc_id], context)
                                    + paper_claims(norms[doc_id], mentions[doc_id], papers[doc_id], context.themes)
                                    + bibliography_claims(norms[doc_id], mentions[doc_id])
                                    + layout_claims(norms[doc_id], mentions[doc_id], context.themes))
              for doc_id in norms}
    return Extraction(norms, discovered, mentions, claims, kinds, labels, known_keys)
