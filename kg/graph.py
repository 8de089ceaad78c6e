"""Assembling the RDF dataset: ontology, themes, curated entities, and one named graph per
source document holding the facts it states, with their evidence.

Each fact is asserted as a plain triple (so SPARQL and reasoners see it) and reified as an
OWL 2 axiom annotation (owl:Axiom) that points to a W3C Web Annotation: Protégé shows the
quote next to the assertion, and SPARQL can ask "where does it say so?" for any triple."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

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


Quad = tuple[Node, Node, Node, URIRef]


def build_quads(vocab: Vocabulary, registry: Registry, documents: list[Document],
                facts: list[EvidencedFact], discovered: list[DiscoveredEntity] = (),
                mentions: list[Mention] = (), contradictions: list[tuple[URIRef, URIRef]] = ()) -> list[Quad]:
    """The whole knowledge graph as (subject, predicate, object, graph) quads in named graphs
    (ontology, themes, entities, one per document), each quad once, in a fixed order.

    Plain tuples of rdflib terms rather than an rdflib Dataset: adding to rdflib's store costs
    about 10 µs a triple, and the build needs no Dataset (SHACL gets the union graph, the
    exports Oxigraph quads); `build_dataset` makes one for the commands that want it."""
    quads: dict[Quad, None] = {}

    def add(graph: URIRef, triples: Iterable[tuple]) -> None:
        for s, p, o in triples:
            quads[s, p, o, graph] = None

    add(ONTOLOGY_GRAPH, vocab.ontology)
    add(THEMES_GRAPH, vocab.themes)
    labels: dict[URIRef, str] = {e.iri: e.label for e in registry.entities}
    labels.update({t: vocab.label(t) for t in vocab.themes.subjects(RDF.type, SKOS.Concept)})
    labels.update({i: vocab.label(i) for i in vocab.named_individuals.values()})
    for entity in registry.entities:
        add(ENTITIES_GRAPH, entity_triples(entity))
    iris = {e.slug: e.iri for e in registry.entities}
    for entity in discovered:
        iri = entity_iri(entity.kind, entity.key)
        iris[entity.key] = iri
        labels[iri] = entity.label
        add(ENTITIES_GRAPH, discovered_triples(entity, vocab))
    by_doc = {d.doc_id: d for d in documents}
    by_slug = registry.by_slug()
    for doc in documents:
        add(document_graph_iri(doc.doc_id), document_triples(doc, by_slug))
    for fact in facts:
        graph = document_graph_iri(fact.passage.doc_id)
        add(graph, passage_triples(fact.passage, by_doc[fact.passage.doc_id].title))
        add(graph, fact_triples(fact, labels, vocab))
    for mention in mentions:
        doc = by_doc[mention.doc_id]
        graph = document_graph_iri(mention.doc_id)
        add(graph, passage_triples(mention_passage(doc, mention), doc.title))
        entity = iris[mention.key]
        add(graph, mention_triples(mention, entity, labels.get(entity, mention.key)))
    add(ENTITIES_GRAPH, ((x, MKG.contradicts, y) for a, b in contradictions for x, y in ((a, b), (b, a))))
    return list(quads)


def build_dataset(quads: Iterable[Quad]) -> Dataset:
    """The quads as an rdflib Dataset, one named graph each (for `migkg stats` and the like)."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
    graphs: dict[URIRef, Graph] = {}
    for s, p, o, g in quads:
        if g not in graphs:
            graphs[g] = ds.graph(g)
        graphs[g].add((s, p, o))
    return ds


def union_graph(quads: Iterable[Quad]) -> Graph:
    """All named graphs merged into one graph (what Protégé and SHACL see)."""
    merged = Graph()
    for prefix, ns in PREFIXES.items():
        merged.bind(prefix, ns, override=True, replace=True)
    add = merged.add
    for s, p, o, _ in quads:
        add((s, p, o))
    return merged


def oxigraph_quads(quads: Iterable[tuple[Node, Node, Node, Node | None]]) -> list[ox.Quad]:
    """The same quads as pyoxigraph terms, for the Rust serialisers and SPARQL engine (graph
    None: the default graph). Terms repeat a lot (every passage, selector and class), so each
    is converted once."""
    converted: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = converted.get(node)
        if found is None:
            found = converted[node] = to_oxigraph(node)
        return found

    default = ox.DefaultGraph()
    return [ox.Quad(term(s), term(p), term(o), default if g is None else term(g)) for s, p, o, g in quads]


def to_oxigraph(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One rdflib term as a pyoxigraph term (blank node labels kept: exports stay stable)."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")
