"""Assembling the RDF dataset: ontology, themes, curated entities, and one named graph per
source document holding the facts it states, with their evidence.

Each fact is asserted as a plain triple (so SPARQL and reasoners see it) and reified as an
OWL 2 axiom annotation (owl:Axiom) that points to a W3C Web Annotation: Protégé shows the
quote next to the assertion, and SPARQL can ask "where does it say so?" for any triple."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .corpus import Document
from .dates import parse_partial_date
from .discovery import DiscoveredEntity
from .evidence import EvidencedFact, Passage
from .mentions import Mention
from .namespaces import (DOC, ENTITIES_GRAPH, GRAPH, MKG, OA, ONTOLOGY_GRAPH, PREFIXES, digest,
                         document_graph_iri, document_iri, entity_iri, selector_iri)
from .textspan import Span, context
from .registry import Entity, Registry
from .vocabulary import Vocabulary

THEMES_GRAPH = GRAPH["themes"]


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def entity_triples(entity: Entity) -> Iterable[tuple]:
    s = entity.iri
    yield s, RDF.type, entity.cls
    yield s, RDF.type, OWL.NamedIndividual
    yield s, RDFS.label, en(entity.label)
    yield s, SKOS.prefLabel, en(entity.label)
    for acronym in entity.acronyms:
        yield s, MKG.acronym, en(acronym)
    for alias in entity.aliases:
        yield s, SKOS.altLabel, en(alias)
    if entity.definition:
        yield s, SKOS.definition, en(entity.definition)
    for theme in entity.themes:
        yield s, DCTERMS.subject, theme
    yield s, MKG.curationStatus, MKG.curated


def discovered_triples(entity: DiscoveredEntity, vocab: Vocabulary) -> Iterable[tuple]:
    """A discovered entity: named, typed by its head noun, and marked as not curated."""
    s = entity_iri(entity.kind, entity.key)
    yield s, RDF.type, vocab.classes[entity.cls]
    yield s, RDF.type, OWL.NamedIndividual
    yield s, RDFS.label, en(entity.label)
    yield s, SKOS.prefLabel, en(entity.label)
    for alias in sorted(entity.aliases):
        yield s, SKOS.altLabel, en(alias)
    for acronym in sorted(entity.acronyms):
        yield s, MKG.acronym, en(acronym)
    yield s, MKG.curationStatus, MKG.discovered
    yield s, MKG.extractionMethod, MKG[f"method-{entity.rule}"]


def mention_iri(mention: Mention) -> URIRef:
    return DOC[f"{mention.doc_id}/mention/{mention.start}-{mention.end}"]


def mention_passage(doc: Document, mention: Mention) -> Passage:
    span = Span(mention.start, mention.end)
    prefix, suffix = context(doc.text, span)
    return Passage(doc.doc_id, span, doc.text[span.start:span.end], prefix, suffix)


def mention_triples(mention: Mention, entity: URIRef, label: str) -> Iterable[tuple]:
    m = mention_iri(mention)
    yield m, RDF.type, MKG.Mention
    yield m, RDF.type, OWL.NamedIndividual
    yield m, RDFS.label, en(f"Mention of {label} in {mention.doc_id} [{mention.start}–{mention.end}]")
    yield m, OA.hasBody, entity
    yield m, OA.hasTarget, DOC[f"{mention.doc_id}/passage/{mention.start}-{mention.end}"]
    yield m, MKG.extractionMethod, MKG[f"method-{mention.method}"]
    yield m, MKG.confidence, Literal(mention.confidence, datatype=XSD.decimal)
    yield document_iri(mention.doc_id), MKG.mentions, entity


def document_triples(doc: Document, entities: dict[str, Entity]) -> Iterable[tuple]:
    d = document_iri(doc.doc_id)
    yield d, RDF.type, MKG.SourceDocument
    # The genre (report, web page, ...) is recorded as dcterms:type rather than as a second
    # class: a source document is the ingested text, not a registry publication with facts.
    yield d, DCTERMS.type, MKG[doc.doc_type]
    yield d, RDF.type, OWL.NamedIndividual
    yield d, RDFS.label, en(doc.title)
    yield d, DCTERMS.title, en(doc.title)
    if doc.description:
        yield d, DCTERMS.description, en(doc.description)
    if doc.publisher:
        yield d, DCTERMS.publisher, en(doc.publisher)
    if doc.publisher_id in entities:
        yield d, MKG.publishedBy, entities[doc.publisher_id].iri
    for creator in doc.creators:
        yield d, DCTERMS.creator, en(creator)
    yield d, MKG.publicationDate, parse_partial_date(doc.date)
    yield d, DCTERMS.language, Literal(doc.language)
    if doc.coverage:
        yield d, DCTERMS.coverage, Literal(doc.coverage)
    yield d, MKG.documentId, Literal(doc.doc_id)
    yield d, MKG.characterCount, Literal(len(doc.text), datatype=XSD.nonNegativeInteger)
    yield d, MKG.sha256, Literal(doc.sha256)


def passage_triples(passage: Passage, doc_label: str) -> Iterable[tuple]:
    p = passage.iri
    where = f"{passage.doc_id} [{passage.span.start}–{passage.span.end}]"
    yield p, RDF.type, MKG.Passage
    yield p, RDF.type, OA.SpecificResource
    yield p, RDF.type, OWL.NamedIndividual
    yield p, RDFS.label, en(f"Passage {where} of “{doc_label}”")
    yield p, OA.hasSource, document_iri(passage.doc_id)
    quote_sel, pos_sel = selector_iri(p, "quote"), selector_iri(p, "position")
    yield p, OA.hasSelector, quote_sel
    yield p, OA.hasSelector, pos_sel
    yield quote_sel, RDF.type, OA.TextQuoteSelector
    yield quote_sel, RDF.type, OWL.NamedIndividual
    yield quote_sel, RDFS.label, en(f"Quote selector of passage {where}")
    yield quote_sel, OA.exact, Literal(passage.exact)
    yield quote_sel, OA.prefix, Literal(passage.prefix)
    yield quote_sel, OA.suffix, Literal(passage.suffix)
    yield pos_sel, RDF.type, OA.TextPositionSelector
    yield pos_sel, RDF.type, OWL.NamedIndividual
    yield pos_sel, RDFS.label, en(f"Position selector of passage {where}")
    yield pos_sel, OA.start, Literal(passage.span.start, datatype=XSD.nonNegativeInteger)
    yield pos_sel, OA.end, Literal(passage.span.end, datatype=XSD.nonNegativeInteger)


def fact_triples(fact: EvidencedFact, labels: dict[URIRef, str], vocab: Vocabulary) -> Iterable[tuple]:
    """The fact itself, its owl:Axiom annotation and its evidence annotation."""
    s, p, o = fact.subject, fact.predicate, fact.value
    yield s, p, o
    ev = fact.evidence_iri
    axiom = BNode("ax" + digest(str(ev)))
    yield axiom, RDF.type, OWL.Axiom
    yield axiom, OWL.annotatedSource, s
    yield axiom, OWL.annotatedProperty, p
    yield axiom, OWL.annotatedTarget, o
    yield axiom, MKG.hasEvidence, ev
    yield axiom, MKG.sourceQuote, Literal(" ".join(fact.passage.exact.split()))
    yield axiom, MKG.sourceDocument, document_iri(fact.passage.doc_id)
    obj = labels.get(o, str(o)) if isinstance(o, URIRef) else str(o)
    yield ev, RDF.type, MKG.Evidence
    yield ev, RDF.type, OA.Annotation
    yield ev, RDF.type, OWL.NamedIndividual
    yield ev, RDFS.label, en(f"Evidence: {labels.get(s, str(s))} — {vocab.label(p)} — {obj}")
    yield ev, OA.hasTarget, fact.passage.iri
    yield ev, MKG.extractionMethod, MKG[fact.method]
    yield ev, MKG.confidence, Literal(fact.confidence, datatype=XSD.decimal)


def build_dataset(vocab: Vocabulary, registry: Registry, documents: list[Document],
                  facts: list[EvidencedFact], discovered: list[DiscoveredEntity] = (),
                  mentions: list[Mention] = (), contradictions: list[tuple[URIRef, URIRef]] = ()) -> Dataset:
    """The whole knowledge graph as named graphs (ontology, themes, entities, one per document)."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
    ontology = ds.graph(ONTOLOGY_GRAPH)
    for triple in vocab.ontology:
        ontology.add(triple)
    themes = ds.graph(THEMES_GRAPH)
    for triple in vocab.themes:
        themes.add(triple)
    entities = ds.graph(ENTITIES_GRAPH)
    labels: dict[URIRef, str] = {e.iri: e.label for e in registry.entities}
    labels.update({t: vocab.label(t) for t in vocab.themes.subjects(RDF.type, SKOS.Concept)})
    labels.update({i: vocab.label(i) for i in vocab.named_individuals.values()})
    for entity in registry.entities:
        for triple in entity_triples(entity):
            entities.add(triple)
    iris = {e.slug: e.iri for e in registry.entities}
    for entity in discovered:
        iri = entity_iri(entity.kind, entity.key)
        iris[entity.key] = iri
        labels[iri] = entity.label
        for triple in discovered_triples(entity, vocab):
            entities.add(triple)
    by_doc = {d.doc_id: d for d in documents}
    by_slug = registry.by_slug()
    for doc in documents:
        graph = ds.graph(document_graph_iri(doc.doc_id))
        for triple in document_triples(doc, by_slug):
            graph.add(triple)
    for fact in facts:
        graph = ds.graph(document_graph_iri(fact.passage.doc_id))
        for triple in passage_triples(fact.passage, by_doc[fact.passage.doc_id].title):
            graph.add(triple)
        for triple in fact_triples(fact, labels, vocab):
            graph.add(triple)
    for mention in mentions:
        graph = ds.graph(document_graph_iri(mention.doc_id))
        doc = by_doc[mention.doc_id]
        for triple in passage_triples(mention_passage(doc, mention), doc.title):
            graph.add(triple)
        entity = iris[mention.key]
        for triple in mention_triples(mention, entity, labels.get(entity, mention.key)):
            graph.add(triple)
    for a, b in contradictions:
        entities.add((a, MKG.contradicts, b))
        entities.add((b, MKG.contradicts, a))
    return ds


def union_graph(ds: Dataset) -> Graph:
    """All named graphs merged into one graph (what Protégé and SHACL see)."""
    merged = Graph()
    for prefix, ns in PREFIXES.items():
        merged.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged
