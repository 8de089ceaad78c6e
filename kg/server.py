"""`migkg serve`: the built graph as linked data and as a SPARQL 1.1 endpoint, on one host.

Every IRI of the graph resolves on this server at its own path: the entity
https://w3id.org/migration-kg/id/organization/gcim at http://HOST:PORT/migration-kg/id/organization/gcim,
and so documents, passages, evidence, mentions, themes, named graphs and the ontology. A person
gets an HTML page (label, types, definition, every fact with the quote that states it and a
link to the passage in its document, incoming links); a program asking for RDF (Accept:
text/turtle, application/ld+json, application/n-triples, application/rdf+xml, or ?format=)
gets the resource's description: its triples, blank nodes followed, plus the evidence of its
facts (axiom annotations, evidence annotations, passages and their selectors).

Beside the IRIs: /sparql (SPARQL 1.1 Protocol, read-only, time- and size-limited; see
kg.sparql_endpoint), /query (YASGUI, served from kg/static/, with the query library of
queries/ one click away), /.well-known/void (VoID + DCAT), /health, /search, /download/<file>
(the build's exports) and /docs/ (the pyLODE ontology documentation).

Why Starlette + uvicorn rather than the standard library's http.server: routing, form and
body parsing, static files with caching headers, a correct CORS middleware (preflight
included), lifespan hooks to start and stop the SPARQL workers, and an in-process TestClient
come with a small, well-maintained ASGI stack; uvicorn adds HTTP/1.1 keep-alive and a clean
Ctrl-C shutdown. All of it would otherwise be hand-written. Jinja2 renders the pages with
autoescaping on, so every value taken from the graph or the request is escaped in HTML.

Pages read from an in-memory Oxigraph store in this process with fixed, bounded queries;
user queries run in worker processes that can be killed at the time limit.
"""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections import defaultdict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl
from urllib.parse import quote as url_quote

import anyio
import jinja2
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import __version__
from .errors import InputError, KGError
from .namespaces import BASE, PREFIXES
from .sparql_endpoint import (CACHE_HEADER, DEFAULT_CACHE_ENTRIES, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, DEFAULT_WORKERS,
                              LIMIT_HEADER, RDF_CONTENT_TYPES, RDF_MEDIA_TYPES, TRUNCATED_HEADER, Answer, AnswerCache,
                              QueryPool, QueryRequest, error_answer, load_store, negotiate, serialize_triples)

GRAPH_FILE = "migration-kg.nq"
DEFAULT_BUILD_DIR = Path("build")
DEFAULT_CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
LOCAL_PREFIX = "/migration-kg/"           # the path of BASE on this server
PASSAGE_CONTEXT_CHARS = 400                # characters shown before and after a quote
INCOMING_LIMIT = 500                       # incoming links listed on a page
MENTION_LINKS_PER_DOCUMENT = 12
MAX_BODY_BYTES = 1_000_000                 # a POSTed query larger than this is refused
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
OA = "http://www.w3.org/ns/oa#"
DCTERMS = "http://purl.org/dc/terms/"
MKG = BASE + "ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"

LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel")
HEADER_PROPERTIES = frozenset({RDF_TYPE, RDFS + "label", SKOS + "prefLabel", SKOS + "definition"})
REIFICATION_PROPERTIES = frozenset({OWL + "annotatedSource", OWL + "annotatedTarget", OA + "hasBody",
                                    MKG + "mentions"})

PAGE_MEDIA_TYPES = ("text/html", "application/xhtml+xml") + tuple(RDF_MEDIA_TYPES)
PAGE_FORMATS = {"html": "html", "ttl": "turtle", "turtle": "turtle", "nt": "ntriples", "ntriples": "ntriples",
                "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld", "rdf": "rdfxml", "rdfxml": "rdfxml",
                "xml": "rdfxml", "owl": "rdfxml"}
ALTERNATES = (("turtle", "ttl", "Turtle"), ("jsonld", "jsonld", "JSON-LD"), ("ntriples", "nt", "N-Triples"),
              ("rdfxml", "rdf", "RDF/XML"))

DOWNLOADS: dict[str, tuple[str, str]] = {
    "migration-kg.ttl": ("text/turtle", "ontology + all data, Turtle"),
    "migration-kg.nq": ("application/n-quads", "named graphs, N-Quads"),
    "migration-kg.trig": ("application/trig", "named graphs, TriG"),
    "migration-kg.nt": ("application/n-triples", "all triples, N-Triples (sorted)"),
    "migration-kg.owl": ("application/rdf+xml", "RDF/XML, for Protégé"),
    "migration-kg.jsonld": ("application/ld+json", "JSON-LD (local context context.jsonld)"),
    "context.jsonld": ("application/ld+json", "the JSON-LD context"),
    "migration-kg-inferred.owl": ("application/rdf+xml", "HermiT's inferred hierarchy and types"),
    "build-summary.json": ("application/json", "counts of the build"),
    "validation-report.txt": ("text/plain; charset=utf-8", "the SHACL report"),
}


# --- configuration -------------------------------------------------------------------------

@dataclass(frozen=True)
class ServerConfig:
    """What `migkg serve` was asked for."""
    build_dir: Path = DEFAULT_BUILD_DIR
    host: str = "127.0.0.1"
    port: int = 8000
    corpus_dir: Path = DEFAULT_CORPUS_DIR
    query_timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    workers: int = DEFAULT_WORKERS
    cache_entries: int = DEFAULT_CACHE_ENTRIES  # answers kept for repeated queries (0: none)
    queries_dir: Path | None = None      # None: the library in queries/ (kg.query.QUERIES_DIR)


def graph_file(build_dir: Path) -> Path:
    """The build's N-Quads, or a one-line InputError naming the folder."""
    if not build_dir.is_dir():
        raise InputError(f"{build_dir}: no such build folder; run `migkg build` first or give --build-dir")
    path = build_dir / GRAPH_FILE
    if not path.is_file():
        raise InputError(f"{build_dir}: not a build folder (no {GRAPH_FILE}); run `migkg build` first or give --build-dir")
    return path


# --- IRIs and paths ------------------------------------------------------------------------

def local_path(iri: str) -> str | None:
    """The path at which this server answers for an IRI of the graph's base (fragment kept:
    ontology#Term is a place on the ontology page); None for other IRIs."""
    if iri.startswith(BASE):
        return LOCAL_PREFIX + iri[len(BASE):]
    return None


def iri_of_path(path: str) -> str:
    """The graph IRI a local path stands for (the inverse of local_path)."""
    return BASE + path[len(LOCAL_PREFIX):]


# Prefixes for RDF answers: id: and doc: are left out because their local names contain "/",
# which Turtle must escape (id:organization\/gcim); full IRIs read better.
OUTPUT_PREFIXES = {prefix: ns for prefix, ns in PREFIXES.items() if prefix not in ("id", "doc")}

_NAMESPACES = sorted(((ns, prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0]))


def prefixed(iri: str) -> str:
    """id:organization/gcim for an IRI of a known namespace, else the IRI."""
    for ns, prefix in _NAMESPACES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- what the pages show -------------------------------------------------------------------

@dataclass(frozen=True)
class TermView:
    """An RDF term as a person reads it: a label or value, and where it links to."""
    text: str
    kind: str = "iri"               # iri | literal | bnode
    href: str | None = None          # a page of this server, or the IRI itself
    iri: str | None = None
    lang: str = ""
    datatype: str = ""              # prefixed name of a datatype other than xsd:string
    external: bool = False


@dataclass
class EvidenceView:
    """One passage that states a fact: the quote and where it is."""
    iri: str
    href: str
    quote: str
    document: TermView
    passage_href: str
    start: int
    end: int
    method: TermView | None
    confidence: str
    contradicts: list[str] = field(default_factory=list)


@dataclass
class StatementView:
    """One property-value pair of a resource, with the evidence of the fact it states."""
    prop: TermView
    value: TermView
    evidence: list[EvidenceView] = field(default_factory=list)


def _sort_key(view: StatementView) -> tuple:
    return (view.prop.text.lower(), view.value.text.lower())


@dataclass
class Document:
    """A source document's text, read from the corpus and checked against the graph."""
    doc_id: str
    text: str | None
    problem: str = ""


class Site:
    """The graph as the pages see it: an in-memory store of the build (this process), the
    source documents' texts (for passages in context), and counts computed once."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.graph_file = graph_file(config.build_dir)
        self.build_dir = config.build_dir
        try:
            self.store = load_store(self.graph_file)
        except (OSError, SyntaxError) as err:
            raise InputError(f"{self.graph_file}: cannot load the graph: {err}") from err
        self.quads = len(self.store)
        self.triples = int(self._scalar("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"))
        self.graphs = sorted(g.value for g in self.store.named_graphs())
        self._documents: dict[str, Document] = {}
        self._documents_lock = threading.Lock()
        self._void: dict | None = None
        # the graph never changes while the server runs: labels and "is it described?" are
        # looked up once per IRI (per instance, so that a Site and its caches go together)
        self.label = functools.lru_cache(maxsize=50_000)(self._label)
        self.is_described = functools.lru_cache(maxsize=50_000)(self._is_described)

    # -- store access

    def select(self, query: str, **bindings: ox.NamedNode | ox.Literal) -> list[ox.QuerySolution]:
        """A fixed query of this module on the union graph; values are bound as substitutions,
        never pasted into the text."""
        subs = {ox.Variable(name): term for name, term in bindings.items()}
        return list(self.store.query(query, use_default_graph_as_union=True, substitutions=subs))

    def _scalar(self, query: str) -> str:
        rows = self.select(query)
        return rows[0][0].value if rows and rows[0][0] is not None else "0"

    def triples_of(self, subject: ox.NamedNode | ox.BlankNode) -> list[ox.Triple]:
        """The distinct triples of a subject over all named graphs (a fact restated in two
        documents is one triple)."""
        seen: dict[ox.Triple, None] = {}
        for quad in self.store.quads_for_pattern(subject, None, None):
            seen.setdefault(ox.Triple(quad.subject, quad.predicate, quad.object), None)
        return list(seen)

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        return (next(iter(self.store.quads_for_pattern(node, None, None)), None) is not None
                or next(iter(self.store.quads_for_pattern(None, None, node)), None) is not None)

    def has_type(self, iri: str, cls: str) -> bool:
        return next(iter(self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDF_TYPE), ox.NamedNode(cls))), None) is not None

    def _label(self, iri: str) -> str | None:
        """The English label (rdfs:label, else skos:prefLabel) of an IRI, if it has one."""
        node = ox.NamedNode(iri)
        for prop in LABEL_PROPERTIES:
            labels = [q.object for q in self.store.quads_for_pattern(node, ox.NamedNode(prop), None)]
            if labels:
                english = [l for l in labels if isinstance(l, ox.Literal) and (l.language or "").startswith("en")]
                return sorted(l.value for l in (english or labels))[0]
        return None

    def _is_described(self, iri: str) -> bool:
        return next(iter(self.store.quads_for_pattern(ox.NamedNode(iri), None, None)), None) is not None

    # -- views

    def term(self, term) -> TermView:
        """A term for the pages: IRIs of the graph link to their page here, other IRIs the
        graph describes (reused vocabulary) to /describe, the rest to themselves."""
        if isinstance(term, ox.NamedNode):
            iri = term.value
            label = self.label(iri)
            path = local_path(iri)
            if path is not None:
                return TermView(label or prefixed(iri), "iri", path, iri)
            if self.is_described(iri):
                return TermView(label or prefixed(iri), "iri", "/describe?iri=" + url_quote(iri, safe=""), iri)
            external = iri.startswith(("http://", "https://"))
            return TermView(label or prefixed(iri), "iri", iri if external else None, iri, external=external)
        if isinstance(term, ox.Literal):
            datatype = "" if term.language or term.datatype.value == XSD + "string" else prefixed(term.datatype.value)
            return TermView(term.value, "literal", lang=term.language or "", datatype=datatype)
        if isinstance(term, ox.BlankNode):
            return TermView(f"_:{term.value}", "bnode")
        return TermView(str(term), "literal")

    def iri_term(self, iri: str) -> TermView:
        return self.term(ox.NamedNode(iri))

    # -- documents

    def document(self, doc_iri: str) -> Document:
        """The text of a source document, if the corpus has the very file the graph was built
        from (same SHA-256 and length); otherwise the reason it cannot be shown."""
        doc_id = doc_iri.rsplit("/", 1)[-1]
        with self._documents_lock:
            if doc_iri not in self._documents:
                self._documents[doc_iri] = self._read_document(doc_iri, doc_id)
            return self._documents[doc_iri]

    def _read_document(self, doc_iri: str, doc_id: str) -> Document:
        from .corpus import read_document
        expected = {p: None for p in ("sha256", "characterCount")}
        for triple in self.triples_of(ox.NamedNode(doc_iri)):
            name = triple.predicate.value[len(MKG):] if triple.predicate.value.startswith(MKG) else ""
            if name in expected:
                expected[name] = triple.object.value
        candidates = sorted(p for p in self.config.corpus_dir.glob(f"{doc_id}.*") if not p.name.endswith(".meta.toml"))
        if not candidates:
            return Document(doc_id, None, f"{doc_id} is not in the corpus folder {self.config.corpus_dir}")
        try:
            doc = read_document(candidates[0])
        except KGError as err:
            return Document(doc_id, None, str(err))
        if expected["sha256"] and doc.sha256 != expected["sha256"]:
            return Document(doc_id, None, f"{candidates[0]} differs from the file the graph was built from (SHA-256)")
        if expected["characterCount"] and len(doc.text) != int(expected["characterCount"]):
            return Document(doc_id, None, f"{candidates[0]}: its text layer differs in length from the one the graph was built from")
        return Document(doc_id, doc.text)

    # -- facts and their evidence

    def evidence(self, subject: str | None = None, obj: ox.NamedNode | None = None,
                 document: str | None = None) -> dict[tuple, list[EvidenceView]]:
        """Evidence of the facts with this subject, this object or from this document, keyed
        by the fact's (subject, property, value) terms."""
        bindings: dict = {}
        if subject is not None:
            bindings["s"] = ox.NamedNode(subject)
        if obj is not None:
            bindings["o"] = obj
        if document is not None:
            bindings["doc"] = ox.NamedNode(document)
        facts: dict[tuple, dict[str, EvidenceView]] = defaultdict(dict)
        for row in self.select(EVIDENCE_QUERY, **bindings):
            key = (row["s"], row["p"], row["o"])
            ev_iri = row["ev"].value
            view = facts[key].get(ev_iri)
            if view is None:
                doc = row["doc"].value
                view = EvidenceView(
                    iri=ev_iri, href=local_path(ev_iri) or ev_iri, quote=one_line(row["exact"].value),
                    document=self.iri_term(doc), passage_href=local_path(row["passage"].value) or row["passage"].value,
                    start=int(row["start"].value), end=int(row["end"].value),
                    method=self.term(row["method"]) if row["method"] is not None else None,
                    confidence=row["confidence"].value if row["confidence"] is not None else "")
                facts[key][ev_iri] = view
            if row["other"] is not None:
                view.contradicts.append(local_path(row["other"].value) or row["other"].value)
        return {key: sorted(views.values(), key=lambda v: (v.document.text, v.start)) for key, views in facts.items()}

    def statements(self, iri: str) -> list[StatementView]:
        """The resource's own statements (header properties aside), each fact with its
        evidence."""
        node = ox.NamedNode(iri)
        evidence = self.evidence(subject=iri)
        views = []
        for triple in self.triples_of(node):
            if triple.predicate.value in HEADER_PROPERTIES:
                continue
            key = (triple.subject, triple.predicate, triple.object)
            views.append(StatementView(self.term(triple.predicate), self.term(triple.object), evidence.get(key, [])))
        return sorted(views, key=_sort_key)

    def incoming(self, iri: str) -> tuple[list[StatementView], int]:
        """Resources that point to this one (reification and mention annotations aside, which
        the page shows as evidence and mentions), each fact with its evidence."""
        node = ox.NamedNode(iri)
        seen: dict[tuple, None] = {}
        for quad in self.store.quads_for_pattern(None, None, node):
            if quad.predicate.value in REIFICATION_PROPERTIES or isinstance(quad.subject, ox.BlankNode):
                continue
            seen.setdefault((quad.subject, quad.predicate), None)
        total = len(seen)
        evidence = self.evidence(obj=node) if total else {}
        views = []
        for subject, predicate in list(seen)[:INCOMING_LIMIT]:
            key = (subject, predicate, node)
            views.append(StatementView(self.term(predicate), self.term(subject), evidence.get(key, [])))
        return sorted(views, key=_sort_key), total

    def mentions(self, iri: str) -> list[dict]:
        """Where the documents mention the entity: per document, the count and the first
        passages."""
        by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for row in self.select(MENTIONS_QUERY, e=ox.NamedNode(iri)):
            by_doc[row["doc"].value].append((int(row["start"].value), int(row["end"].value), row["passage"].value))
        out = []
        for doc, spans in sorted(by_doc.items()):
            spans.sort()
            out.append({"document": self.iri_term(doc), "count": len(spans),
                        "passages": [{"start": s, "end": e, "href": local_path(p) or p}
                                     for s, e, p in spans[:MENTION_LINKS_PER_DOCUMENT]]})
        return out

    def supported_facts(self, evidence_iri: str) -> list[dict]:
        """The facts an evidence annotation supports (an owl:Axiom points to it)."""
        rows = self.select(SUPPORTS_QUERY, ev=ox.NamedNode(evidence_iri))
        return [{"subject": self.term(r["s"]), "property": self.term(r["p"]), "value": self.term(r["o"])} for r in rows]

    # -- RDF descriptions

    def description(self, iri: str) -> list[ox.Triple]:
        """The resource's concise bounded description — its triples, blank-node objects
        followed — plus what makes its facts checkable: the owl:Axiom annotations of facts it
        is the subject of, their evidence annotations, the passages those point to, and the
        passages' selectors (resources whose IRI extends this one's, like .../quote, too)."""
        node = ox.NamedNode(iri)
        out: dict[ox.Triple, None] = {}
        self._closure(node, out)
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(OWL + "annotatedSource"), node):
            self._closure(quad.subject, out)
        evidence = [t.object for t in list(out) if t.predicate.value == MKG + "hasEvidence"]
        for ev in evidence:
            self._closure(ev, out)
        passages = [t.object for t in list(out) if t.predicate.value == OA + "hasTarget"
                    and isinstance(t.object, ox.NamedNode) and "/passage/" in t.object.value]
        for passage in passages:
            self._closure(passage, out)
        children = [t.object for t in list(out) if isinstance(t.object, ox.NamedNode)
                    and any(t.object.value.startswith(s.value + "/") for s in (node, *passages))]
        for child in children:
            self._closure(child, out)
        return list(out)

    def _closure(self, subject, out: dict[ox.Triple, None], depth: int = 0) -> None:
        for triple in self.triples_of(subject):
            if triple in out:
                continue
            out[triple] = None
            if isinstance(triple.object, ox.BlankNode) and depth < 8:
                self._closure(triple.object, out, depth + 1)

    def graph_triples(self, graph_iri: str) -> list[ox.Triple]:
        return [ox.Triple(q.subject, q.predicate, q.object)
                for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))]

    # -- dataset description

    def void_counts(self) -> dict:
        """Counts for the VoID description, computed once (the graph never changes while the
        server runs)."""
        if self._void is None:
            classes = [(r["c"].value, int(r["n"].value)) for r in self.select(CLASS_PARTITION_QUERY)]
            properties = [(r["p"].value, int(r["n"].value)) for r in self.select(PROPERTY_PARTITION_QUERY)]
            self._void = {
                "triples": self.triples,
                "entities": int(self._scalar(ENTITY_COUNT_QUERY)),
                "documents": int(self._scalar(DOCUMENT_COUNT_QUERY)),
                "facts": int(self._scalar(FACT_COUNT_QUERY)),
                "distinct_subjects": int(self._scalar("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")),
                "distinct_objects": int(self._scalar("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")),
                "classes": classes, "properties": properties,
            }
        return self._void


EVIDENCE_QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX oa:  <http://www.w3.org/ns/oa#>
PREFIX mkg: <https://w3id.org/migration-kg/ontology#>
SELECT DISTINCT ?s ?p ?o ?ev ?passage ?doc ?start ?end ?exact ?method ?confidence ?other WHERE {
  ?ax owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
      mkg:hasEvidence ?ev ; mkg:sourceDocument ?doc .
  ?ev oa:hasTarget ?passage .
  ?passage oa:hasSelector ?quoteSelector , ?positionSelector .
  ?quoteSelector oa:exact ?exact .
  ?positionSelector oa:start ?start ; oa:end ?end .
  OPTIONAL { ?ev mkg:extractionMethod ?method }
  OPTIONAL { ?ev mkg:confidence ?confidence }
  OPTIONAL { ?ev mkg:contradicts ?other }
}
"""

MENTIONS_QUERY = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX mkg: <https://w3id.org/migration-kg/ontology#>
SELECT DISTINCT ?e ?m ?doc ?passage ?start ?end WHERE {
  ?m a mkg:Mention ; oa:hasBody ?e ; oa:hasTarget ?passage .
  ?passage oa:hasSource ?doc ; oa:hasSelector ?position .
  ?position oa:start ?start ; oa:end ?end .
}
"""

SUPPORTS_QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX mkg: <https://w3id.org/migration-kg/ontology#>
SELECT DISTINCT ?ev ?s ?p ?o WHERE {
  ?ax mkg:hasEvidence ?ev ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o .
}
"""

PASSAGE_USES_QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX oa:  <http://www.w3.org/ns/oa#>
PREFIX mkg: <https://w3id.org/migration-kg/ontology#>
SELECT DISTINCT ?passage ?kind ?ann ?s ?p ?o WHERE {
  {
    ?ann a mkg:Evidence ; oa:hasTarget ?passage .
    ?ax mkg:hasEvidence ?ann ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o .
    BIND("fact" AS ?kind)
  } UNION {
    ?ann a mkg:Mention ; oa:hasTarget ?passage ; oa:hasBody ?o .
    BIND("mention" AS ?kind)
  }
}
"""

PASSAGE_QUERY = """
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?passage ?doc ?exact ?prefix ?suffix ?start ?end WHERE {
  ?passage oa:hasSource ?doc ; oa:hasSelector ?q , ?pos .
  ?q oa:exact ?exact . OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix }
  ?pos oa:start ?start ; oa:end ?end .
} LIMIT 1
"""

DOCUMENT_ENTITIES_QUERY = """
PREFIX mkg: <https://w3id.org/migration-kg/ontology#>
SELECT DISTINCT ?doc ?e WHERE { ?doc mkg:mentions ?e }
"""

ONTOLOGY_TERMS_QUERY = """
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl:  <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?term ?type ?definition WHERE {
  GRAPH <https://w3id.org/migration-kg/graph/ontology> {
    ?term rdf:type ?type .
    VALUES ?type { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
    OPTIONAL { ?term skos:definition ?definition }
    FILTER(STRSTARTS(STR(?term), "https://w3id.org/migration-kg/ontology#"))
  }
}
"""

CLASS_PARTITION_QUERY = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c"
PROPERTY_PARTITION_QUERY = ("SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } "
                            "GROUP BY ?p ORDER BY DESC(?n) ?p")
ENTITY_COUNT_QUERY = ('SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c '
                      'FILTER(STRSTARTS(STR(?s), "https://w3id.org/migration-kg/id/")) }')
DOCUMENT_COUNT_QUERY = ("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a "
                        "<https://w3id.org/migration-kg/ontology#SourceDocument> }")
FACT_COUNT_QUERY = ("SELECT (COUNT(DISTINCT ?ev) AS ?n) WHERE { ?ev a "
                    "<https://w3id.org/migration-kg/ontology#Evidence> }")
SEARCH_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX mkg:  <https://w3id.org/migration-kg/ontology#>
SELECT ?text ?s (MIN(?name) AS ?match) WHERE {
  ?s rdfs:label|skos:prefLabel|skos:altLabel|mkg:acronym ?name .
  FILTER(CONTAINS(LCASE(STR(?name)), LCASE(STR(?text))))
  FILTER(STRSTARTS(STR(?s), "https://w3id.org/migration-kg/id/") || STRSTARTS(STR(?s), "https://w3id.org/migration-kg/theme/")
         || STRSTARTS(STR(?s), "https://w3id.org/migration-kg/ontology#") || STRSTARTS(STR(?s), "https://w3id.org/migration-kg/doc/") && !CONTAINS(STR(?s), "/passage/") && !CONTAINS(STR(?s), "/mention/"))
} GROUP BY ?text ?s LIMIT 200
"""


# --- rendering -----------------------------------------------------------------------------

def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                             autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(version=__version__, base=BASE, prefixed=prefixed)
    return env


TEMPLATES = _environment()


def render(name: str, status: int = 200, headers: dict[str, str] | None = None, **context) -> HTMLResponse:
    html = TEMPLATES.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=headers)


def not_found(request: Request, what: str) -> HTMLResponse:
    return render("404.html", status=404, what=what, path=request.url.path)


def answer_response(answer: Answer, extra: dict[str, str] | None = None) -> Response:
    headers = dict(answer.headers)
    headers.update(extra or {})
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type, headers=headers)


def page_format(request: Request) -> str | None:
    """'html' or an RDF format name: ?format= first, then the Accept header; None when the
    client accepts none of them."""
    explicit = request.query_params.get("format")
    if explicit:
        return PAGE_FORMATS.get(explicit.strip().lower(), "")
    offer = negotiate(request.headers.get("accept"), PAGE_MEDIA_TYPES)
    if offer is None:
        return None
    return "html" if offer in ("text/html", "application/xhtml+xml") else RDF_MEDIA_TYPES[offer]


def rdf_response(triples: list[ox.Triple], fmt: str) -> Response:
    body = serialize_triples(triples, fmt, OUTPUT_PREFIXES)
    return Response(body, media_type=RDF_CONTENT_TYPES[fmt], headers={"Vary": "Accept"})


def unacceptable(request: Request) -> PlainTextResponse:
    explicit = request.query_params.get("format")
    what = f"format={explicit!r}" if explicit else f"Accept: {request.headers.get('accept')!r}"
    return PlainTextResponse(f"406 Not Acceptable: {what}; this resource is available as "
                             f"{', '.join(PAGE_MEDIA_TYPES)} (or ?format=html|ttl|jsonld|nt|rdf)\n",
                             status_code=406, headers={"Vary": "Accept"})


def alternates(path: str) -> list[dict]:
    return [{"href": f"{path}?format={short}", "type": RDF_CONTENT_TYPES[fmt].split(";")[0], "name": name}
            for fmt, short, name in ALTERNATES]


# --- linked data ---------------------------------------------------------------------------

def site_of(request: Request) -> Site:
    return request.app.state.site


def resolve(request: Request) -> Response:
    """GET /migration-kg/...: the resource whose IRI has this path."""
    site = site_of(request)
    path = request.url.path
    iri = iri_of_path(path)
    try:
        ox.NamedNode(iri)
    except ValueError:
        return not_found(request, iri)
    fmt = page_format(request)
    if fmt is None or fmt == "":
        return unacceptable(request)
    rest = iri[len(BASE):]
    if rest == "ontology":
        return ontology_page(request, site, fmt)
    if rest.startswith("graph/") and iri in site.graphs:
        return graph_page(request, site, iri, fmt)
    if not site.exists(iri):
        return not_found(request, iri)
    if fmt != "html":
        return rdf_response(site.description(iri), fmt)
    parts = rest.split("/")
    if parts[0] == "doc" and len(parts) == 2:
        return document_page(request, site, iri)
    if parts[0] == "doc" and len(parts) == 4 and parts[2] == "passage":
        return passage_page(request, site, iri)
    return resource_page(request, site, iri)


def describe(request: Request) -> Response:
    """GET /describe?iri=…: any IRI the graph describes, including reused vocabulary terms
    and hash IRIs whose fragment never reaches a server."""
    iri = request.query_params.get("iri", "")
    site = site_of(request)
    try:
        ox.NamedNode(iri)
    except ValueError:
        return not_found(request, iri or "(no iri parameter)")
    path = local_path(iri)
    if path is not None and "#" not in iri:
        return RedirectResponse(path, status_code=303)
    if not site.exists(iri):
        return not_found(request, iri)
    fmt = page_format(request)
    if not fmt:
        return unacceptable(request)
    if fmt != "html":
        return rdf_response(site.description(iri), fmt)
    return resource_page(request, site, iri)


def header_of(site: Site, iri: str) -> dict:
    """Label, types and definition: what a page shows at its top."""
    node = ox.NamedNode(iri)
    triples = site.triples_of(node)
    types = sorted((site.term(t.object) for t in triples if t.predicate.value == RDF_TYPE
                    and t.object.value != OWL + "NamedIndividual"), key=lambda v: v.text)
    definitions = [t.object.value for t in triples if t.predicate.value == SKOS + "definition"]
    return {"iri": iri, "label": site.label(iri) or prefixed(iri), "types": types,
            "definition": definitions[0] if definitions else ""}


def resource_page(request: Request, site: Site, iri: str) -> HTMLResponse:
    """Entities, evidence, mentions, selectors, themes and vocabulary terms: statements with
    their evidence, incoming links, and where an entity is mentioned."""
    head = header_of(site, iri)
    incoming, incoming_total = site.incoming(iri)
    is_evidence = site.has_type(iri, MKG + "Evidence")
    path = request.url.path
    return render("resource.html", headers={"Vary": "Accept"}, page=head, kind=_kind(iri),
                  statements=site.statements(iri), incoming=incoming, incoming_total=incoming_total,
                  incoming_limit=INCOMING_LIMIT, mentions=site.mentions(iri) if "/id/" in iri else [],
                  supports=site.supported_facts(iri) if is_evidence else [],
                  alternates=alternates(path))


def _kind(iri: str) -> str:
    rest = iri[len(BASE):] if iri.startswith(BASE) else ""
    parts = rest.split("/")
    if parts[0] == "id" and len(parts) >= 2:
        return parts[1]
    if parts[0] == "doc" and len(parts) >= 4:
        return {"passage": "passage selector" if len(parts) > 4 else "passage", "mention": "mention"}.get(parts[2], "document part")
    return {"evidence": "evidence", "theme": "theme", "ontology": "ontology", "graph": "named graph"}.get(parts[0], "resource")


def document_page(request: Request, site: Site, iri: str) -> HTMLResponse:
    """A source document: its metadata, the facts it states (in text order, with quotes) and
    the entities it mentions."""
    head = header_of(site, iri)
    evidence = site.evidence(document=iri)
    facts = []
    for (s, p, o), views in evidence.items():
        for view in views:
            facts.append({"subject": site.term(s), "property": site.term(p), "value": site.term(o), "evidence": view})
    facts.sort(key=lambda f: (f["evidence"].start, f["subject"].text))
    entities = sorted((site.term(r["e"]) for r in site.select(DOCUMENT_ENTITIES_QUERY, doc=ox.NamedNode(iri))),
                      key=lambda v: v.text.lower())
    doc = site.document(iri)
    return render("document.html", headers={"Vary": "Accept"}, page=head, statements=site.statements(iri),
                  facts=facts, entities=entities, text_problem=doc.problem,
                  text_href=f"/text/{doc.doc_id}" if doc.text is not None else None,
                  alternates=alternates(request.url.path))


def passage_page(request: Request, site: Site, iri: str) -> HTMLResponse:
    """A passage: the quote highlighted in its context in the document, and what the graph
    says on its authority (facts) or finds in it (mentions)."""
    head = header_of(site, iri)
    rows = site.select(PASSAGE_QUERY, passage=ox.NamedNode(iri))
    if not rows:
        return resource_page(request, site, iri)
    row = rows[0]
    doc_iri = row["doc"].value
    start, end = int(row["start"].value), int(row["end"].value)
    exact = row["exact"].value
    doc = site.document(doc_iri)
    note = ""
    if doc.text is not None and doc.text[start:end] == exact:
        before = doc.text[max(0, start - PASSAGE_CONTEXT_CHARS):start]
        after = doc.text[end:end + PASSAGE_CONTEXT_CHARS]
        cut_before, cut_after = start > PASSAGE_CONTEXT_CHARS, end + PASSAGE_CONTEXT_CHARS < len(doc.text)
    else:
        before = row["prefix"].value if row["prefix"] is not None else ""
        after = row["suffix"].value if row["suffix"] is not None else ""
        cut_before = cut_after = True
        note = doc.problem or "the document's text at these offsets differs from the quote; showing the selector's context"
    facts, mentions = [], []
    for use in site.select(PASSAGE_USES_QUERY, passage=ox.NamedNode(iri)):
        if use["kind"].value == "fact":
            facts.append({"subject": site.term(use["s"]), "property": site.term(use["p"]),
                          "value": site.term(use["o"]), "evidence": local_path(use["ann"].value)})
        else:
            mentions.append({"entity": site.term(use["o"]), "annotation": local_path(use["ann"].value)})
    return render("passage.html", headers={"Vary": "Accept"}, page=head, document=site.iri_term(doc_iri),
                  start=start, end=end, before=before, exact=exact, after=after, cut_before=cut_before,
                  cut_after=cut_after, note=note, facts=facts, mentions=mentions,
                  statements=site.statements(iri), alternates=alternates(request.url.path))


def ontology_page(request: Request, site: Site, fmt: str) -> Response:
    """The ontology IRI: the ontology graph as RDF, or a page with one anchor per term, so
    that a term's hash IRI (…/ontology#Commission) lands on its entry."""
    graph = BASE + "graph/ontology"
    if fmt != "html":
        return rdf_response(site.graph_triples(graph), fmt)
    terms: dict[str, dict] = {}
    kinds = {OWL + "Class": "classes", OWL + "ObjectProperty": "object properties",
             OWL + "DatatypeProperty": "data properties", OWL + "AnnotationProperty": "annotation properties"}
    for row in site.select(ONTOLOGY_TERMS_QUERY):
        iri = row["term"].value
        entry = terms.setdefault(iri, {"iri": iri, "name": iri.split("#", 1)[1], "label": site.label(iri) or "",
                                       "definition": row["definition"].value if row["definition"] else "",
                                       "kind": kinds[row["type"].value]})
        entry["kind"] = kinds[row["type"].value]
    groups: dict[str, list[dict]] = defaultdict(list)
    for entry in sorted(terms.values(), key=lambda e: e["name"].lower()):
        groups[entry["kind"]].append(entry)
    head = header_of(site, BASE + "ontology")
    ordered = [(k, groups[k]) for k in ("classes", "object properties", "data properties", "annotation properties") if groups.get(k)]
    return render("ontology.html", headers={"Vary": "Accept"}, page=head, groups=ordered,
                  statements=site.statements(BASE + "ontology"), docs=(site.build_dir / "docs" / "index.html").is_file(),
                  alternates=alternates(request.url.path))


def graph_page(request: Request, site: Site, iri: str, fmt: str) -> Response:
    """A named graph: its triples as RDF, or a page that says what it holds."""
    triples = site.graph_triples(iri)
    if fmt != "html":
        return rdf_response(triples, fmt)
    subjects = len({t.subject for t in triples})
    return render("graph.html", headers={"Vary": "Accept"}, iri=iri, triples=len(triples), subjects=subjects,
                  alternates=alternates(request.url.path))


def document_text(request: Request) -> Response:
    """GET /text/<doc-id>: a document's text layer, the string every offset counts into."""
    doc_id = request.path_params["doc_id"]
    site = site_of(request)
    iri = BASE + "doc/" + doc_id
    if not site.has_type(iri, MKG + "SourceDocument"):
        return not_found(request, iri)
    doc = site.document(iri)
    if doc.text is None:
        return PlainTextResponse(f"the text of {doc_id} is not available: {doc.problem}\n", status_code=404)
    return PlainTextResponse(doc.text)


# --- other pages ---------------------------------------------------------------------------

def home(request: Request) -> HTMLResponse:
    site = site_of(request)
    counts = site.void_counts()
    documents = sorted((site.term(r["d"]) for r in site.select(
        "SELECT DISTINCT ?d WHERE { ?d a <https://w3id.org/migration-kg/ontology#SourceDocument> }")),
        key=lambda v: v.href or "")
    examples = [site.iri_term(BASE + "id/" + slug) for slug in
                ("organization/gcim", "organization/geneva-migration-group", "organization/iom", "instrument/icrmw")
                if site.exists(BASE + "id/" + slug)]
    return render("home.html", counts=counts, documents=documents, examples=examples,
                  downloads=available_downloads(site), docs=(site.build_dir / "docs" / "index.html").is_file())


def search(request: Request) -> HTMLResponse:
    """GET /search?q=…: entities, themes, documents and ontology terms whose label, alias or
    acronym contains the text."""
    site = site_of(request)
    text = request.query_params.get("q", "").strip()
    results = []
    if text:
        rows = site.select(SEARCH_QUERY, text=ox.Literal(text))
        results = sorted(({"term": site.term(r["s"]), "match": r["match"].value, "kind": _kind(r["s"].value)}
                          for r in rows), key=lambda r: (r["term"].text.lower() != text.lower(), r["term"].text.lower()))
    return render("search.html", q=text, results=results)


def health(request: Request) -> JSONResponse:
    site = site_of(request)
    return JSONResponse({"status": "ok", "triples": site.triples, "quads": site.quads, "graphs": len(site.graphs),
                         "version": __version__})


def available_downloads(site: Site) -> list[dict]:
    return [{"name": name, "href": f"/download/{name}", "type": media.split(";")[0], "what": what,
             "bytes": (site.build_dir / name).stat().st_size}
            for name, (media, what) in DOWNLOADS.items() if (site.build_dir / name).is_file()]


def download(request: Request) -> Response:
    """GET /download/<file>: one of the build's exports (only the listed files)."""
    name = request.path_params["name"]
    site = site_of(request)
    if name not in DOWNLOADS or not (site.build_dir / name).is_file():
        return not_found(request, f"/download/{name}")
    return FileResponse(site.build_dir / name, media_type=DOWNLOADS[name][0])


# --- the query page ------------------------------------------------------------------------

def library_entries(directory: Path | None = None) -> list[dict]:
    """The queries of the library (queries/*.rq as they are now), each with its question,
    parameters and text — with the defaults of its parameters bound by a VALUES block, as
    `migkg query NAME` runs it, so that Run answers the question at once."""
    from .query import QUERIES_DIR, apply_bindings, bind_parameters, library_queries, parse_query_text
    entries = []
    for path in library_queries(directory or QUERIES_DIR):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        entry = {"name": path.stem, "question": "", "parameters": [], "text": text, "note": ""}
        try:
            query = parse_query_text(text, path.stem)
            entry["question"] = query.question
            entry["parameters"] = [{"name": p.name, "kind": p.kind, "default": p.default or "",
                                    "optional": p.optional, "description": p.description} for p in query.parameters]
            bound = apply_bindings(query.text, bind_parameters(query, {}))
            if bound is not None:
                entry["text"] = bound.text
        except KGError as err:
            entry["note"] = str(err)
        entries.append(entry)
    return entries


def query_page(request: Request) -> HTMLResponse:
    entries = library_entries(request.app.state.config.queries_dir)
    return render("query.html", library=entries, library_json={e["name"]: e["text"] for e in entries},
                  prefixes=PREFIXES)


# --- SPARQL endpoint -----------------------------------------------------------------------

SPARQL_HEADERS = {"Vary": "Accept", "Cache-Control": "no-store"}


async def sparql(request: Request) -> Response:
    """GET or POST /sparql (SPARQL 1.1 Protocol, query operation only)."""
    config: ServerConfig = request.app.state.config
    params = request.query_params
    query = params.get("query")
    default_graphs = params.getlist("default-graph-uri")
    named_graphs = params.getlist("named-graph-uri")
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
            return answer_response(error_answer(413, "request too large", f"the request body is larger than {MAX_BODY_BYTES} bytes"))
        if content_type == "application/sparql-update":
            return answer_response(_update_refused())
        if content_type == "application/sparql-query":
            query = (await request.body()).decode("utf-8", "replace")
        elif content_type == "application/x-www-form-urlencoded":
            # parsed here: Starlette's request.form() needs python-multipart, for this one format
            form = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
            if any(name == "update" for name, _ in form):
                return answer_response(_update_refused())
            query = next((value for name, value in form if name == "query"), query)
            default_graphs += [value for name, value in form if name == "default-graph-uri"]
            named_graphs += [value for name, value in form if name == "named-graph-uri"]
        else:
            return answer_response(error_answer(415, "unsupported media type",
                                                f"POST a query as application/sparql-query or as the form field 'query' "
                                                f"(application/x-www-form-urlencoded), not {content_type or 'no content type'}"))
    elif "update" in params:
        return answer_response(_update_refused())
    if query is None:
        if request.method == "GET" and negotiate(request.headers.get("accept"), ("application/sparql-results+json", "text/html")) == "text/html":
            return RedirectResponse("/query", status_code=303)
        return answer_response(error_answer(400, "missing query", "give the query in the 'query' parameter (SPARQL 1.1 Protocol)"))
    format_param = params.get("format") or params.get("output")
    job = QueryRequest(query=str(query), accept=request.headers.get("accept"), format=format_param,
                       default_graphs=tuple(default_graphs), named_graphs=tuple(named_graphs), max_rows=config.max_rows)
    cache: AnswerCache = request.app.state.answers
    answer = cache.get(job)
    if answer is not None:
        return answer_response(answer, {**SPARQL_HEADERS, CACHE_HEADER: "hit"})
    answer = await run_in_threadpool(request.app.state.pool.run, job)
    cache.put(job, answer)
    return answer_response(answer, {**SPARQL_HEADERS, CACHE_HEADER: "miss"})


def _update_refused() -> Answer:
    return error_answer(403, "update refused", "SPARQL Update is not accepted: this endpoint is read-only")


# --- VoID / DCAT ---------------------------------------------------------------------------

def void_triples(site: Site, base_url: str) -> list[ox.Triple]:
    """The dataset described with VoID (counts, partitions, endpoint, dumps, URI space) and
    DCAT (distributions, the SPARQL data service), for crawlers and catalogues."""
    N, L = ox.NamedNode, ox.Literal
    counts = site.void_counts()
    dataset = N(base_url + ".well-known/void#dataset")
    service = N(base_url + ".well-known/void#sparql")
    integer = N(XSD + "integer")
    out: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        out.append(ox.Triple(s, N(p), o))

    def count(n: int) -> ox.Literal:
        return L(str(n), datatype=integer)

    add(dataset, RDF_TYPE, N(VOID + "Dataset"))
    add(dataset, RDF_TYPE, N(DCAT + "Dataset"))
    add(dataset, DCTERMS + "title", L("Migration Knowledge Graph", language="en"))
    add(dataset, DCTERMS + "description", L(
        "Policy documents about international migration turned into an OWL 2 DL knowledge graph; every fact "
        "points to the passage of the document that states it (document, character offsets, exact quote).",
        language="en"))
    add(dataset, DCTERMS + "license", N(LICENSE))
    add(dataset, DCTERMS + "hasVersion", L(__version__))
    add(dataset, VOID + "uriSpace", L(BASE))
    add(dataset, VOID + "sparqlEndpoint", N(base_url + "sparql"))
    add(dataset, VOID + "rootResource", N(BASE + "ontology"))
    add(dataset, VOID + "exampleResource", N(BASE + "id/organization/gcim"))
    for vocab in (MKG, OA, "http://www.w3.org/ns/org#", SKOS, DCTERMS, "http://www.w3.org/ns/prov#"):
        add(dataset, VOID + "vocabulary", N(vocab))
    add(dataset, VOID + "triples", count(counts["triples"]))
    add(dataset, VOID + "entities", count(counts["entities"]))
    add(dataset, VOID + "documents", count(counts["documents"]))
    add(dataset, VOID + "distinctSubjects", count(counts["distinct_subjects"]))
    add(dataset, VOID + "distinctObjects", count(counts["distinct_objects"]))
    add(dataset, VOID + "classes", count(len(counts["classes"])))
    add(dataset, VOID + "properties", count(len(counts["properties"])))
    for name, (media, what) in DOWNLOADS.items():
        if not name.startswith("migration-kg") or not (site.build_dir / name).is_file():
            continue
        url = N(base_url + "download/" + name)
        dist = N(base_url + ".well-known/void#dist-" + name.replace(".", "-"))
        add(dataset, VOID + "dataDump", url)
        add(dataset, DCAT + "distribution", dist)
        add(dist, RDF_TYPE, N(DCAT + "Distribution"))
        add(dist, DCTERMS + "title", L(f"{name}: {what}", language="en"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "mediaType", N("https://www.iana.org/assignments/media-types/" + media.split(";")[0]))
        add(dist, DCAT + "byteSize", count((site.build_dir / name).stat().st_size))
        add(dist, DCTERMS + "license", N(LICENSE))
    add(service, RDF_TYPE, N(DCAT + "DataService"))
    add(service, DCTERMS + "title", L("SPARQL 1.1 endpoint of the Migration Knowledge Graph", language="en"))
    add(service, DCAT + "endpointURL", N(base_url + "sparql"))
    add(service, DCTERMS + "conformsTo", N("https://www.w3.org/TR/sparql11-protocol/"))
    add(service, DCAT + "servesDataset", dataset)
    for index, (cls, n) in enumerate(counts["classes"]):
        part = ox.BlankNode(f"class{index}")
        add(dataset, VOID + "classPartition", part)
        add(part, VOID + "class", N(cls))
        add(part, VOID + "entities", count(n))
    for index, (prop, n) in enumerate(counts["properties"]):
        part = ox.BlankNode(f"property{index}")
        add(dataset, VOID + "propertyPartition", part)
        add(part, VOID + "property", N(prop))
        add(part, VOID + "triples", count(n))
    return out


VOID_PREFIXES = {**OUTPUT_PREFIXES, "void": VOID, "dcat": DCAT}


def void(request: Request) -> Response:
    """GET /.well-known/void: Turtle (or another RDF format) by default, HTML for browsers."""
    site = site_of(request)
    base_url = str(request.base_url)
    explicit = request.query_params.get("format")
    if explicit:
        fmt = PAGE_FORMATS.get(explicit.strip().lower())
    else:
        offer = negotiate(request.headers.get("accept"), tuple(RDF_MEDIA_TYPES) + ("text/html", "application/xhtml+xml"))
        fmt = None if offer is None else "html" if offer in ("text/html", "application/xhtml+xml") else RDF_MEDIA_TYPES[offer]
    if not fmt:
        return unacceptable(request)
    if fmt != "html":
        body = serialize_triples(void_triples(site, base_url), fmt, VOID_PREFIXES)
        return Response(body, media_type=RDF_CONTENT_TYPES[fmt], headers={"Vary": "Accept"})
    counts = site.void_counts()
    classes = [{"term": site.iri_term(c), "n": n} for c, n in counts["classes"]]
    properties = [{"term": site.iri_term(p), "n": n} for p, n in counts["properties"]]
    return render("void.html", headers={"Vary": "Accept"}, counts=counts, classes=classes, properties=properties,
                  downloads=available_downloads(site), endpoint=base_url + "sparql", license=LICENSE)


# --- the application -----------------------------------------------------------------------

def create_app(config: ServerConfig, site: Site | None = None) -> Starlette:
    """The ASGI application. The graph is loaded here (so that a bad --build-dir fails before
    anything listens); the SPARQL workers start with the application's lifespan."""
    site = site or Site(config)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        pool = QueryPool(site.graph_file, workers=config.workers, timeout=config.query_timeout, prefixes=OUTPUT_PREFIXES)
        async with anyio.create_task_group() as group:  # counts for VoID while the workers load
            group.start_soon(anyio.to_thread.run_sync, pool.start)
            group.start_soon(anyio.to_thread.run_sync, site.void_counts)
        app.state.pool = pool
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(pool.close)

    routes = [
        Route("/", home),
        Route("/health", health),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/query", query_page),
        Route("/search", search),
        Route("/describe", describe),
        Route("/.well-known/void", void),
        Route("/download/{name}", download),
        Route("/text/{doc_id}", document_text),
        Route("/migration-kg/{rest:path}", resolve),
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"),
    ]
    docs = site.build_dir / "docs"
    if docs.is_dir():
        routes.append(Mount("/docs", app=StaticFiles(directory=str(docs), html=True), name="docs"))
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                             allow_headers=["*"], expose_headers=[TRUNCATED_HEADER, LIMIT_HEADER, CACHE_HEADER], max_age=86400)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: _not_found_handler})
    app.state.site = site
    app.state.config = config
    app.state.answers = AnswerCache(config.cache_entries)
    return app


async def _not_found_handler(request: Request, exc: Exception) -> Response:
    return not_found(request, request.url.path)


def bind_socket(host: str, port: int) -> socket.socket:
    """Listen first, so that a taken port is one clear line rather than a server log."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit TCP_NODELAY on Linux: without it, a response whose headers
    # and body go out in two writes waits ~40 ms for the client's delayed ACK (Nagle).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {err.strerror or err}") from err
    sock.listen(128)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _uvicorn_server(app: Starlette):
    import uvicorn
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=5)
    return uvicorn.Server(config)


def serve(config: ServerConfig, announce=print) -> None:
    """Runs the server until Ctrl-C (uvicorn's own signal handling shuts it down cleanly)."""
    sock = bind_socket(config.host, config.port)
    try:
        app = create_app(config)
    except BaseException:
        sock.close()
        raise
    url = url_of(sock)
    server = _uvicorn_server(app)
    original_startup = server.startup

    async def startup(sockets=None):
        await original_startup(sockets=sockets)
        announce(f"serving the Migration Knowledge Graph at {url}  (SPARQL endpoint {url}sparql, "
                 f"query editor {url}query); Ctrl-C to stop")

    server.startup = startup
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


class RunningServer:
    """A server on a free port in a background thread — for tests and benchmarks that need
    real HTTP (a browser, latency over the loopback)."""

    def __init__(self, config: ServerConfig) -> None:
        self.sock = bind_socket(config.host, config.port)
        try:
            self.app = create_app(config)
        except BaseException:
            self.sock.close()
            raise
        self.url = url_of(self.sock)
        self.server = _uvicorn_server(self.app)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name="migkg-serve", daemon=True)

    def start(self, timeout: float = 120.0) -> "RunningServer":
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()

    def __enter__(self) -> "RunningServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
