"""Serialising the dataset: Turtle, RDF/XML (for Protégé), JSON-LD (local context), N-Triples,
N-Quads and TriG, byte-identical for identical input.

Everything is written from pyoxigraph quads: Oxigraph's serialisers are Rust and write in
input order, so they are fed the sorted N-Triples / N-Quads (line-based formats are sorted,
Turtle, TriG and RDF/XML follow that order). JSON-LD is written here, node by node in @id
order with sorted keys and values, in the compacted shape rdflib's serialiser gave it (the
project's prefixes, rdf:List as @list, blank nodes as top-level nodes); rdflib took 2-3 s
for what takes a few hundred milliseconds this way."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from json.encoder import encode_basestring
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from .graph import oxigraph_quads
from .namespaces import PREFIXES

CONTEXT_FILE = Path(__file__).resolve().parent / "context" / "context.jsonld"
CONTEXT_NAME = "context.jsonld"

FORMATS: dict[str, str] = {
    "ttl": "Turtle (ontology and all data in one graph)",
    "owl": "RDF/XML of the same, for Protégé and the OWL API",
    "jsonld": "JSON-LD with the local context file context.jsonld",
    "nt": "N-Triples, sorted",
    "nq": "N-Quads with named graphs (ontology, themes, entities, one per document), sorted",
    "trig": "TriG with the same named graphs",
}
QUAD_FORMATS = frozenset({"nq", "trig"})

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE, _RDF_FIRST, _RDF_REST, _RDF_NIL, _RDF_LIST = (ox.NamedNode(_RDF + n) for n in ("type", "first", "rest", "nil", "List"))
_XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
_BY_NAMESPACE = {ns: prefix for prefix, ns in PREFIXES.items()}


def sorted_lines(data: bytes) -> bytes:
    """Distinct non-blank lines in byte order: N-Triples / N-Quads that diff and hash stably."""
    lines = sorted({line for line in data.split(b"\n") if line.strip()})
    return b"\n".join(lines) + b"\n"


def ntriples(quads: Iterable[ox.Quad]) -> bytes:
    """The union of all graphs as sorted N-Triples (a triple stated in two graphs once)."""
    return sorted_lines(ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES))


def nquads(quads: Iterable[ox.Quad]) -> bytes:
    return sorted_lines(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))


def _oxigraph(data: bytes, fmt: ox.RdfFormat, out_fmt: ox.RdfFormat) -> bytes:
    """Re-serialise sorted N-Triples/N-Quads with pyoxigraph, which writes in input order."""
    return ox.serialize(ox.parse(data, format=fmt), format=out_fmt, prefixes=PREFIXES)


def turtle(sorted_nt: bytes) -> bytes:
    return _oxigraph(sorted_nt, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)


def rdfxml(sorted_nt: bytes) -> bytes:
    return _oxigraph(sorted_nt, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML)


def trig(sorted_nq: bytes) -> bytes:
    return _oxigraph(sorted_nq, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


def jsonld_context() -> dict:
    """The local JSON-LD context: the project's prefixes and nothing fetched from the web."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=4096)
def _compact(iri: str) -> str:
    """prefix:name when the IRI up to its last '#' (else '/', else ':') is a project prefix
    (so id/organization/x stays a full IRI: its namespace is id/organization/). Cached: the
    same predicates, classes and datatypes come back on every node."""
    for delim in "#/:":
        at = iri.rfind(delim)
        if at > -1:
            prefix = _BY_NAMESPACE.get(iri[:at + 1])
            return f"{prefix}:{iri[at + 1:]}" if prefix else iri
    return iri


class _JsonLdNodes:
    """The union graph as JSON-LD node objects: every IRI subject and every blank node that
    is not an rdf:List cell becomes a top-level node; a well-formed list becomes @list."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = {}
        self.referenced: set[ox.BlankNode] = set()
        self.list_cells: set[ox.NamedNode | ox.BlankNode] = {_RDF_NIL}  # nil and subjects of rdf:first
        for t in triples:
            self.by_subject.setdefault(t.subject, []).append(t)
            if isinstance(t.object, ox.BlankNode):
                self.referenced.add(t.object)
            if t.predicate == _RDF_FIRST:
                self.list_cells.add(t.subject)
        self.nodes: dict[str, dict[str, list]] = {}

    def build(self) -> dict[str, dict[str, list]]:
        for subject in self.by_subject:
            if isinstance(subject, ox.NamedNode) or subject not in self.referenced:
                self._node(subject)
        return self.nodes

    def _node(self, subject: ox.NamedNode | ox.BlankNode) -> None:
        node_id = _compact(subject.value) if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"
        if node_id in self.nodes:
            return
        node: dict[str, list] = {}
        self.nodes[node_id] = node
        for t in self.by_subject.get(subject, ()):
            if t.predicate == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
                node.setdefault("@type", []).append(_compact(t.object.value))
            else:
                key = "@type" if t.predicate == _RDF_TYPE else _compact(t.predicate.value)
                node.setdefault(key, []).append(self._value(t.object))

    def _value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal):
        items = self._list(term)
        if items is not None:
            return {"@list": [self._value(i) for i in items]}
        if isinstance(term, ox.BlankNode):
            self._node(term)
            return {"@id": f"_:{term.value}"}
        if isinstance(term, ox.NamedNode):
            return {"@id": _compact(term.value)}
        if term.language:
            return {"@language": term.language, "@value": term.value}
        if term.datatype != _XSD_STRING:
            return {"@type": _compact(term.datatype.value), "@value": term.value}
        return term.value

    def _list(self, head: ox.NamedNode | ox.BlankNode | ox.Literal) -> list | None:
        """The items of the RDF list starting at head, or None when head is no well-formed list
        (cells are blank nodes with one rdf:first, one rdf:rest, at most rdf:type rdf:List)."""
        if head not in self.list_cells:
            return None
        items: list = []
        seen = {head}
        cell = head
        while cell != _RDF_NIL:
            if not isinstance(cell, ox.BlankNode):
                return None
            first = rest = None
            for t in self.by_subject.get(cell, ()):
                if first is None and t.predicate == _RDF_FIRST:
                    first = t.object
                elif rest is None and t.predicate == _RDF_REST:
                    rest = t.object
                elif t.predicate != _RDF_TYPE or t.object != _RDF_LIST:
                    return None
            if rest is None or rest in seen:
                return None
            items.append(first)
            seen.add(rest)
            cell = rest
        return items


def _json_key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _write_value(value, indent: str, out: list[str]) -> None:
    """json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False), appended to out;
    written by hand because the json module's indenting encoder is pure Python and slow."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
        return
    inner = indent + " "
    if not value:
        out.append("[]" if isinstance(value, list) else "{}")
    elif isinstance(value, list):
        out.append("[\n" + inner)
        for i, item in enumerate(value):
            if i:
                out.append(",\n" + inner)
            _write_value(item, inner, out)
        out.append("\n" + indent + "]")
    elif all(isinstance(v, str) for v in value.values()):  # {"@id": …}, {"@value": …, …}: most values
        out.append("{\n" + inner + (",\n" + inner).join(
            f"{encode_basestring(k)}: {encode_basestring(value[k])}" for k in sorted(value)) + "\n" + indent + "}")
    else:
        out.append("{\n" + inner)
        for i, key in enumerate(sorted(value)):
            if i:
                out.append(",\n" + inner)
            out.append(encode_basestring(key) + ": ")
            _write_value(value[key], inner, out)
        out.append("\n" + indent + "}")


def jsonld(graph: Graph) -> bytes:
    """An rdflib graph as the build writes JSON-LD (see jsonld_of_quads)."""
    return jsonld_of_quads(oxigraph_quads((s, p, o, None) for s, p, o in graph))


def jsonld_of_quads(quads: Iterable[ox.Quad]) -> bytes:
    """Compacted JSON-LD of the union graph against context.jsonld: nodes sorted by @id, a
    property's several values sorted (store order is not stable), a single value unwrapped."""
    nodes = _JsonLdNodes({q.triple for q in quads}).build()
    graph = []
    for node_id in sorted(nodes):
        node = {"@id": node_id}
        for key, values in nodes[node_id].items():
            node[key] = values[0] if len(values) == 1 else sorted(values, key=_json_key)
        graph.append(node)
    out: list[str] = []
    _write_value({"@context": CONTEXT_NAME, "@graph": graph}, "", out)
    return ("".join(out) + "\n").encode("utf-8")


def iter_exports(formats: Iterable[str], quads: Sequence[ox.Quad]) -> Iterator[tuple[str, bytes]]:
    """Each format's bytes in the order asked, one at a time (the build starts HermiT as soon
    as the RDF/XML is out); the sorted N-Triples and N-Quads that Turtle, RDF/XML and TriG
    are made from are serialised once and shared."""
    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose one of {', '.join(FORMATS)}")
    cache: dict[str, bytes] = {}

    def nt() -> bytes:
        if "nt" not in cache:
            cache["nt"] = ntriples(quads)
        return cache["nt"]

    def nq() -> bytes:
        if "nq" not in cache:
            cache["nq"] = nquads(quads)
        return cache["nq"]

    writers: dict[str, Callable[[], bytes]] = {
        "ttl": lambda: turtle(nt()),
        "owl": lambda: rdfxml(nt()),
        "jsonld": lambda: jsonld_of_quads(quads),
        "nt": nt,
        "nq": nq,
        "trig": lambda: trig(nq()),
    }
    for fmt in formats:
        yield fmt, writers[fmt]()


def export_all(formats: Iterable[str], quads: Sequence[ox.Quad]) -> dict[str, bytes]:
    """Several serialisations at once (see iter_exports)."""
    return dict(iter_exports(formats, quads))


def export(fmt: str, ds: Dataset, union: Graph) -> bytes:
    """One format from rdflib objects (`migkg export`): named-graph formats from the dataset,
    the others from the union graph."""
    source = ds.quads((None, None, None, None)) if fmt in QUAD_FORMATS else ((s, p, o, None) for s, p, o in union)
    return export_all([fmt], oxigraph_quads(source))[fmt]
