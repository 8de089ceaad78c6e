"""The IRI scheme of the graph, in one place, so that every module mints the same IRIs.

Persistent base: https://w3id.org/migration-kg/ . IRIs are derived only from curated ids,
document ids and character offsets, never from processing order, so two builds of the same
inputs give the same IRIs.

  ontology terms   https://w3id.org/migration-kg/ontology#<Term>
  themes           https://w3id.org/migration-kg/theme/<id>
  entities         https://w3id.org/migration-kg/id/<kind>/<id>
  documents        https://w3id.org/migration-kg/doc/<doc-id>
  passages         https://w3id.org/migration-kg/doc/<doc-id>/passage/<start>-<end>
  evidence         https://w3id.org/migration-kg/evidence/<digest>
  named graphs     https://w3id.org/migration-kg/graph/{ontology,entities,doc/<doc-id>}
"""

from __future__ import annotations

import hashlib
import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/migration-kg/"
MKG = Namespace(BASE + "ontology#")
THEME = Namespace(BASE + "theme/")
ID = Namespace(BASE + "id/")
DOC = Namespace(BASE + "doc/")
EVIDENCE = Namespace(BASE + "evidence/")
GRAPH = Namespace(BASE + "graph/")

ONTOLOGY_IRI = URIRef(BASE + "ontology")
THEME_SCHEME = URIRef(BASE + "theme")

ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMXD = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
VANN = Namespace("http://purl.org/vocab/vann/")
SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, str] = {
    "mkg": str(MKG),
    "theme": str(THEME),
    "id": str(ID),
    "doc": str(DOC),
    "ev": str(EVIDENCE),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "org": str(ORG),
    "oa": str(OA),
    "qb": str(QB),
    "sdmxd": str(SDMXD),
    "vann": str(VANN),
    "schema": str(SCHEMA),
}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# Top-level classes whose instances get their own IRI segment. A leaf class may be refined
# later without changing IRIs, because only the kind appears in the IRI.
KIND_ROOTS: dict[URIRef, str] = {
    MKG.Organization: "organization",
    MKG.Person: "person",
    MKG.Post: "post",
    MKG.Membership: "membership",
    MKG.Instrument: "instrument",
    MKG.TreatyParticipation: "participation",
    MKG.CooperationProcess: "process",
    MKG.Event: "event",
    MKG.Publication: "publication",
    MKG.Project: "project",
    MKG.Place: "place",
    MKG.StatisticalObservation: "statistic",
    MKG.UnitOfMeasure: "unit",
}


def entity_iri(kind: str, slug: str) -> URIRef:
    """IRI of a registry entity of the given kind (see KIND_ROOTS)."""
    if kind not in KIND_ROOTS.values():
        raise ValueError(f"unknown entity kind {kind!r}")
    if not SLUG_RE.match(slug):
        raise ValueError(f"entity id {slug!r} is not a slug ([a-z0-9]+(-[a-z0-9]+)*)")
    return ID[f"{kind}/{slug}"]


def theme_iri(slug: str) -> URIRef:
    return THEME[slug]


def document_iri(doc_id: str) -> URIRef:
    return DOC[doc_id]


def passage_iri(doc_id: str, start: int, end: int) -> URIRef:
    """A passage is identified by its document and offsets: the same span always gets the
    same IRI, whichever fact cites it first."""
    return DOC[f"{doc_id}/passage/{start}-{end}"]


def selector_iri(passage: URIRef, kind: str) -> URIRef:
    return URIRef(f"{passage}/{kind}")


def document_graph_iri(doc_id: str) -> URIRef:
    return GRAPH[f"doc/{doc_id}"]


ONTOLOGY_GRAPH = GRAPH["ontology"]
ENTITIES_GRAPH = GRAPH["entities"]


def digest(*parts: str, length: int = 16) -> str:
    """A short, stable hex digest of the parts (unit separator between them, so that
    ('ab', 'c') and ('a', 'bc') differ)."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8"))
    return h.hexdigest()[:length]


def evidence_iri(subject: str, predicate: str, obj: str, doc_id: str, start: int, end: int) -> URIRef:
    return EVIDENCE[digest(subject, predicate, obj, doc_id, str(start), str(end))]
