"""SHACL validation with a report a person can read: focus node label, path, message.

pySHACL runs without inference (the ontology's subclass axioms are in the data, which is
all sh:class needs); OWL-RL inside validation is a known several-hundred-fold slow-down.
It validates the caller's graph in place (nothing copied: the shapes have no rules that
would add triples), and the SPARQL of the shapes (targets and constraints) runs on Oxigraph
over the same triples: rdflib's SPARQL engine spent a third of the validation time on the
whole-graph target queries, and pySHACL's core constraints stay on rdflib's store, where its
triple lookups are fastest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, RDFS, SH, SKOS, NamespaceManager
from rdflib.query import Result
from rdflib.term import Node

from .graph import oxigraph_quads, to_oxigraph
from .namespaces import PREFIXES
from .vocabulary import ONTOLOGY_DIR, parse_rdf_file

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    focus_label: str
    path: str
    message: str
    shape: str
    value: str

    def line(self) -> str:
        where = f" [{self.path}]" if self.path else ""
        label = f" “{self.focus_label}”" if self.focus_label else ""
        return f"{self.severity}: {self.focus}{label}{where}: {self.message}"


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    findings: tuple[Finding, ...]

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "Violation")

    def report_text(self) -> str:
        head = "CONFORMS" if self.conforms else "DOES NOT CONFORM"
        counts = {}
        for f in self.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        summary = ", ".join(f"{n} {s.lower()}(s)" for s, n in sorted(counts.items())) or "no findings"
        lines = [f"SHACL validation: {head} ({summary})"]
        lines += [f.line() for f in self.findings]
        return "\n".join(lines) + "\n"


def load_shapes(path: Path = SHAPES_FILE) -> Graph:
    """The shapes graph; its blank nodes need no canonical labels (findings name shapes by IRI)."""
    return parse_rdf_file(path, canonical=False)


def sparql_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An Oxigraph store holding the union of the quads' graphs as its default graph: what the
    shapes' SPARQL queries run on (a triple stated in several graphs is there once)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store


def _from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """An Oxigraph result term as the rdflib term pySHACL compares with the data graph's."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)  # rdflib keeps simple literals untyped
    return Literal(term.value, datatype=URIRef(term.datatype.value))


class _IriNames(NamespaceManager):
    """Terms as <IRI> in pySHACL's result descriptions. pySHACL writes a description for every
    result, also for the many that a qualified value shape discards, and rdflib's normalizeUri
    files each new namespace in a trie: quadratic with one namespace per passage (seconds on
    the build). The descriptions are never read: findings come from the report graph."""

    def normalizeUri(self, rdfTerm: str) -> str:  # noqa: N802, N803 (rdflib's names)
        return f"?{rdfTerm}" if isinstance(rdfTerm, Variable) else f"<{rdfTerm}>"


class _OxigraphSparqlGraph(Graph):
    """The data graph as pySHACL sees it: the caller's store and triples, with SPARQL queries
    answered by Oxigraph over the same triples. pySHACL pre-binds $this through initBindings,
    which become Oxigraph substitutions (the pre-binding the SHACL spec defines)."""

    def __init__(self, data: Graph, store: ox.Store) -> None:
        super().__init__(store=data.store, identifier=data.identifier,
                         namespace_manager=_IriNames(Graph(), bind_namespaces="none"))
        self._sparql = store

    def query(self, query_object: str, processor: str = "sparql", result: str = "sparql",  # type: ignore[override]
              initNs: Mapping[str, str] | None = None, initBindings: Mapping[str, Node] | None = None,  # noqa: N803
              use_store_provided: bool = True, **kwargs: object) -> Result:
        if not isinstance(query_object, str) or kwargs:
            raise TypeError("only SPARQL text, prefixes and initial bindings are supported")
        answer = self._sparql.query(query_object, prefixes=dict(initNs or {}),
                                    substitutions={ox.Variable(k): to_oxigraph(v) for k, v in (initBindings or {}).items()})
        if isinstance(answer, ox.QueryBoolean):
            out = Result("ASK")
            out.askAnswer = bool(answer)
            return out
        if not isinstance(answer, ox.QuerySolutions):
            raise TypeError("only SELECT and ASK queries are supported")
        out = Result("SELECT")
        out.vars = [Variable(v.value) for v in answer.variables]
        out.bindings = [{var: _from_oxigraph(value) for var, value in zip(out.vars, row) if value is not None}
                        for row in answer]
        return out


def short_name(node) -> str:
    """A stable, readable name for a term: a CURIE for the project's prefixes, <IRI> otherwise."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            local = str(node)[len(ns):]
            if str(node).startswith(ns) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    return f"_:{node}"


def _label(data: Graph, node) -> str:
    for prop in (RDFS.label, SKOS.prefLabel):
        value = data.value(node, prop)
        if value is not None:
            return str(value)
    return ""


def _owner_shape(shapes: Graph, shape):
    """The named node shape a finding comes from (property shapes are blank nodes)."""
    seen = set()
    while shape is not None and not isinstance(shape, URIRef) and shape not in seen:
        seen.add(shape)
        shape = shapes.value(predicate=SH.property, object=shape) or shapes.value(predicate=SH.node, object=shape)
    return shape


def validate_graph(data: Graph, shapes: Graph | None = None, store: ox.Store | None = None) -> ValidationResult:
    """Validate a graph (ontology and data together); warnings do not break conformance.
    store: the same triples in Oxigraph (`sparql_store`), when the caller has them already."""
    shapes = shapes if shapes is not None else load_shapes()
    if store is None:
        store = sparql_store(oxigraph_quads((s, p, o, None) for s, p, o in data))
    conforms, report, _ = validate(_OxigraphSparqlGraph(data, store), shacl_graph=shapes, inference="none",
                                   advanced=True, allow_warnings=True, abort_on_first=False, inplace=True)
    for prefix, ns in PREFIXES.items():
        report.bind(prefix, ns)
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        shape = _owner_shape(shapes, report.value(result, SH.sourceShape))
        findings.append(Finding(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=short_name(focus),
            focus_label=_label(data, focus) if focus is not None else "",
            path=short_name(report.value(result, SH.resultPath)),
            message=str(message) if message is not None else "",
            shape=str(shape) if isinstance(shape, URIRef) else "",
            value=short_name(report.value(result, SH.value)),
        ))
    findings.sort(key=lambda f: ({"Violation": 0, "Warning": 1}.get(f.severity, 2), f.focus, f.path, f.message))
    return ValidationResult(conforms=bool(conforms), findings=tuple(findings))
