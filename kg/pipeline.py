"""The extraction pipeline: documents → normalised text → mentions → discovered entities →
claims. Pure function of the documents and the registry; nothing is written.

Discovery runs over the whole corpus before mentions are final, so that an entity named in
one document and abbreviated in another is one entity, and so that the result does not
depend on the order documents are read in."""

from __future__ import annotations

from dataclasses import dataclass

from .corpus import Document
from .discovery import DiscoveredEntity, document_candidates, entity_key, merge
from .facts import Claim, extract_claims
from .ingest import NormalizedText, normalize
from .mentions import MENTIONABLE_KINDS, Gazetteer, Mention, Name, find_mentions, named_mentions
from .registry import Registry


@dataclass
class Extraction:
    norms: dict[str, NormalizedText]
    discovered: dict[str, DiscoveredEntity]
    mentions: dict[str, list[Mention]]
    claims: dict[str, list[Claim]]
    kinds: dict[str, str]  # entity key → kind, registry and discovered
    labels: dict[str, str]


def registry_names(registry: Registry) -> list[Name]:
    names = []
    for e in registry.entities:
        if e.kind not in MENTIONABLE_KINDS:
            continue
        names.append(Name(e.label, e.slug, e.kind, "label"))
        names.extend(Name(a, e.slug, e.kind, "alias") for a in e.aliases)
        names.extend(Name(a, e.slug, e.kind, "acronym") for a in e.acronyms)
    return names


def extract(documents: list[Document], registry: Registry, use_registry: bool = True) -> Extraction:
    """Run the pipeline. With use_registry=False the gazetteer starts empty: every entity must
    be discovered, which is how `migkg eval --cold` measures the rules on their own."""
    norms = {d.doc_id: normalize(d.text) for d in documents}
    known = registry_names(registry) if use_registry else []
    known_gazetteer = Gazetteer(known)
    known_keys = {entity_key(n.surface): n.key for n in known}
    known_keys.update({e.slug: e.slug for e in registry.entities} if use_registry else {})
    candidates = {}
    for doc_id, norm in norms.items():
        spans = [(m.norm_start, m.norm_end) for m in named_mentions(doc_id, norm, known_gazetteer)]
        candidates[doc_id] = document_candidates(norm, spans)
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
    labels = {e.slug: e.label for e in registry.entities} if use_registry else {}
    labels.update({k: e.label for k, e in discovered.items()})
    kinds = dict(registry_kinds) if use_registry else {}
    kinds.update({k: e.kind for k, e in discovered.items()})
    mentions = {doc_id: find_mentions(doc_id, norm, gazetteer, labels) for doc_id, norm in norms.items()}
    claims = {doc_id: extract_claims(norms[doc_id], mentions[doc_id]) for doc_id in norms}
    return Extraction(norms, discovered, mentions, claims, kinds, labels)
