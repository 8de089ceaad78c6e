"""From extracted claims to evidenced facts, and conflicts between claims.

A claim becomes an EvidencedFact whose passage is the sentence that states it. Claims are
never merged into "the" value: two documents that give two dates for one adoption give
two facts, each with its evidence, and `conflicts` reports them (the graph links the two
evidence records with mkg:contradicts). A ratification count becomes an n-ary
TreatyParticipation entity, keyed by instrument, consent, count and passage, so the same
input always gives the same IRI."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from .corpus import Document
from .dates import parse_partial_date
from .discovery import DiscoveredEntity, entity_key
from .evidence import EvidencedFact, Passage
from .facts import Claim
from .namespaces import MKG, digest, entity_iri, theme_iri
from .pipeline import Extraction
from .registry import Registry
from .textspan import Span, context
from .vocabulary import Vocabulary

FUNCTIONAL = ("establishedOn", "adoptedOn", "enteredIntoForceOn")


@dataclass(frozen=True)
class Conflict:
    subject: URIRef
    prop: URIRef
    facts: tuple[EvidencedFact, ...]


def sentence_passage(doc: Document, extraction: Extraction, claim: Claim) -> Passage:
    norm = extraction.norms[doc.doc_id]
    start, end = norm.to_source(claim.sentence.start, claim.sentence.end)
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    span = Span(start, end)
    prefix, suffix = context(doc.text, span)
    return Passage(doc.doc_id, span, doc.text[start:end], prefix, suffix)


def participation_entity(claim: Claim, instrument_label: str, doc_id: str) -> DiscoveredEntity:
    extra = dict(claim.extra)
    consent = extra.get("consent", "any")
    key = f"{claim.subject}-{consent}-{claim.value}-{digest(doc_id, str(claim.sentence.start), length=8)}"
    as_of = f", as of {extra['asOf']}" if "asOf" in extra else ""
    label = f"{claim.value} {consent}s of {instrument_label} (stated in {doc_id}{as_of})"
    return DiscoveredEntity(key, "participation", "TreatyParticipation", label, "rule-treaty-participation")


def post_entity(claim: Claim, org_label: str) -> DiscoveredEntity:
    """"Population Affairs Officer of the Population Division": one post per role and
    organization (successive holders share it), keyed by its label."""
    role = dict(claim.extra)["role"]
    label = f"{role} of {org_label}"
    return DiscoveredEntity(entity_key(label), "post", "Post", label, "rule-post")


def curated_posts(registry: Registry, vocab: Vocabulary) -> dict[tuple[str, URIRef], URIRef]:
    """(lowercased role, organization IRI) → IRI of the curated post, so that an extracted
    "Director of the Population Division" is the curated post, not a second one."""
    post_in = vocab.properties["postIn"].iri
    labels = {e.iri: e.label for e in registry.entities if e.kind == "post"}
    posts = {}
    for f in registry.facts:
        if f.predicate == post_in and f.subject in labels:
            role = labels[f.subject].split(" of ")[0].lower()
            posts[(role, f.value)] = f.subject
    return posts


def statistic_entity(claim: Claim, doc_id: str) -> DiscoveredEntity:
    """One StatisticalObservation per figure and passage: "93 usd-billion, 2003 (stated in ...)"."""
    extra = dict(claim.extra)
    value, unit = str(claim.value).split(" ", 1)
    what = extra.get("measure", "theme:figure").removeprefix("theme:")
    key = f"{what}-{value.replace('.', '-')}-{unit}-{digest(doc_id, str(claim.sentence.start), length=8)}"
    year = f", {extra['year']}" if "year" in extra else ""
    label = f"{value} {unit}{year} ({what.replace('-', ' ')}, stated in {doc_id})"
    return DiscoveredEntity(key, "statistic", "StatisticalObservation", label, "rule-statistic")


class TypeCheck:
    """Whether a subject or object fits a property's declared domain and range, so that a rule
    that picks the wrong neighbour ("established by Europe") drops the claim instead of
    producing a graph that violates the ontology."""

    def __init__(self, vocab: Vocabulary, classes: dict[URIRef, URIRef]) -> None:
        self.vocab, self.classes = vocab, classes
        self._supers: dict[URIRef, set[URIRef]] = {}

    def supers(self, cls: URIRef) -> set[URIRef]:
        if cls not in self._supers:
            self._supers[cls] = {cls, *self.vocab.ontology.transitive_objects(cls, RDFS.subClassOf)}
        return self._supers[cls]

    def fits(self, node: URIRef, prop: URIRef, axis: URIRef) -> bool:
        required = [c for c in self.vocab.ontology.objects(prop, axis) if isinstance(c, URIRef)]
        cls = self.classes.get(node)
        return not required or cls is None or all(r in self.supers(cls) for r in required)


def to_facts(extraction: Extraction, documents: list[Document], registry: Registry,
             vocab: Vocabulary) -> tuple[list[EvidencedFact], list[DiscoveredEntity]]:
    """Evidenced facts of every claim whose subject and object resolve, plus the participation
    entities the counts need."""
    by_doc = {d.doc_id: d for d in documents}
    iris = {e.slug: e.iri for e in registry.entities}
    iris.update({k: entity_iri(e.kind, k) for k, e in extraction.discovered.items()})
    classes = {e.iri: e.cls for e in registry.entities}
    classes.update({entity_iri(e.kind, k): vocab.classes[e.cls] for k, e in extraction.discovered.items()})
    types = TypeCheck(vocab, classes)
    facts: list[EvidencedFact] = []
    participations: dict[str, DiscoveredEntity] = {}
    discovered_posts: dict[str, DiscoveredEntity] = {}
    statistics: dict[str, DiscoveredEntity] = {}
    posts = curated_posts(registry, vocab)
    for doc_id in sorted(extraction.claims):
        for claim in extraction.claims[doc_id]:
            subject = iris.get(claim.subject)
            if subject is None and claim.prop != "statistic":  # a statistic is its own new entity
                continue
            passage = sentence_passage(by_doc[doc_id], extraction, claim)
            origin = f"{doc_id}: {claim.rule}"
            method = f"method-{claim.rule}"

            def fact(s: URIRef, prop: str, value: URIRef | Literal) -> EvidencedFact:
                return EvidencedFact(s, vocab.properties[prop].iri, value, passage, claim.confidence, method, origin)

            if claim.prop == "holdsPost":
                org = iris.get(str(claim.value))
                if org is None:
                    continue
                role = dict(claim.extra)["role"]
                post = posts.get((role.lower(), org))
                if post is None:
                    entity = post_entity(claim, extraction.labels.get(str(claim.value), str(claim.value)))
                    discovered_posts[entity.key] = entity
                    post = entity_iri("post", entity.key)
                facts.append(fact(post, "postIn", org))
                facts.append(fact(post, "heldBy", subject))
                continue
            if claim.prop == "statistic":
                entity = statistic_entity(claim, doc_id)
                observed = entity_iri("statistic", entity.key)
                extra = dict(claim.extra)
                unit = iris.get(extra["unit"])
                if unit is None:
                    continue
                statistics[entity.key] = entity
                facts.append(fact(observed, "observedValue", Literal(Decimal(str(claim.value).split(" ")[0]))))
                facts.append(fact(observed, "unitOfMeasure", unit))
                facts.append(fact(observed, "statisticDescription", Literal(" ".join(claim.sentence.text.split())[:300])))
                if "year" in extra:
                    facts.append(fact(observed, "referencePeriod", parse_partial_date(extra["year"])))
                if extra.get("area") in iris:
                    facts.append(fact(observed, "refArea", iris[extra["area"]]))
                if "measure" in extra:
                    facts.append(fact(observed, "measures", theme_iri(extra["measure"].removeprefix("theme:"))))
                continue
            if claim.prop == "parties":
                entity = participation_entity(claim, extraction.labels.get(claim.subject, claim.subject), doc_id)
                participations[entity.key] = entity
                p = entity_iri("participation", entity.key)
                extra = dict(claim.extra)
                facts.append(fact(p, "participationIn", subject))
                facts.append(fact(p, "consentType", vocab.named_individuals[f"consent-{extra.get('consent', 'any')}"]))
                facts.append(fact(p, "numberOfParties", Literal(int(claim.value), datatype=XSD.nonNegativeInteger)))
                if "asOf" in extra:
                    facts.append(fact(p, "asOf", parse_partial_date(extra["asOf"])))
                continue
            prop = vocab.properties[claim.prop]
            if not types.fits(subject, prop.iri, RDFS.domain):
                continue
            if prop.is_object:
                value = iris.get(str(claim.value))
                if str(claim.value).startswith("theme:"):
                    value = theme_iri(str(claim.value).removeprefix("theme:"))
                if value is None or not types.fits(value, prop.iri, RDFS.range):
                    continue
            elif prop.is_date:
                value = parse_partial_date(str(claim.value))
            elif prop.range in (XSD.nonNegativeInteger, XSD.positiveInteger, XSD.integer):
                value = Literal(int(claim.value), datatype=prop.range)
            else:
                value = Literal(str(claim.value))
            facts.append(fact(subject, claim.prop, value))
    made = {**participations, **discovered_posts, **statistics}
    return facts, [made[k] for k in sorted(made)]


def _compatible(a: str, b: str) -> bool:
    """Dates at different precision agree when one is a prefix of the other ("2003" / "2003-12")."""
    return a.startswith(b) or b.startswith(a)


def find_conflicts(facts: list[EvidencedFact], vocab: Vocabulary) -> list[Conflict]:
    """Functional dates with incompatible values, and counts of one instrument and consent
    type that differ without an 'as of' date that would explain the difference."""
    grouped: dict[tuple[URIRef, URIRef], list[EvidencedFact]] = defaultdict(list)
    functional = {vocab.properties[p].iri for p in FUNCTIONAL}
    for f in facts:
        if f.predicate in functional:
            grouped[(f.subject, f.predicate)].append(f)
    conflicts = []
    for (subject, prop), group in sorted(grouped.items()):
        values = sorted({str(f.value) for f in group})
        if any(not _compatible(a, b) for a in values for b in values):
            conflicts.append(Conflict(subject, prop, tuple(sorted(group, key=lambda f: str(f.evidence_iri)))))
    conflicts.extend(_count_conflicts(facts, vocab))
    return conflicts


def _count_conflicts(facts: list[EvidencedFact], vocab: Vocabulary) -> list[Conflict]:
    by_participation: dict[URIRef, dict[str, list[EvidencedFact]]] = defaultdict(lambda: defaultdict(list))
    names = {vocab.properties[p].iri: p for p in ("participationIn", "consentType", "numberOfParties", "asOf")}
    for f in facts:
        if f.predicate in names:
            by_participation[f.subject][names[f.predicate]].append(f)
    groups: dict[tuple, list[tuple[int, EvidencedFact]]] = defaultdict(list)
    for parts in by_participation.values():
        if not all(parts.get(k) for k in ("participationIn", "consentType", "numberOfParties")):
            continue
        key = (parts["participationIn"][0].value, parts["consentType"][0].value,
               str(parts["asOf"][0].value) if parts.get("asOf") else "")
        groups[key].append((int(parts["numberOfParties"][0].value), parts["numberOfParties"][0]))
    conflicts = []
    for (instrument, _consent, _as_of), items in sorted(groups.items()):
        if len({count for count, _ in items}) > 1:
            conflicts.append(Conflict(instrument, MKG.numberOfParties,
                                      tuple(sorted((f for _, f in items), key=lambda f: str(f.evidence_iri)))))
    return conflicts
