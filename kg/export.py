"""Serialising the dataset: Turtle, RDF/XML (for Protégé), JSON-LD (local context), N-Triples,
N-Quads and TriG, byte-identical for identical input.

Determinism: line-based formats are sorted; JSON-LD nodes are sorted by @id with sorted
keys; Turtle, TriG and RDF/XML come from rdflib serialisers fed a graph built in sorted
triple order (tests compare hashes of two builds)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.term import Node

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


def _sort_key(triple: tuple[Node, ...]) -> tuple[str, ...]:
    return tuple(term.n3() for term in triple)


def sorted_graph(graph: Graph) -> Graph:
    """A copy of `graph` whose store was filled in sorted order (stable serialiser output)."""
    out = Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns, override=True, replace=True)
    for triple in sorted(graph, key=_sort_key):
        out.add(triple)
    return out


def sorted_lines(text: str) -> str:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


def turtle(graph: Graph) -> bytes:
    return sorted_graph(graph).serialize(format="turtle", encoding="utf-8")


def rdfxml(graph: Graph) -> bytes:
    return sorted_graph(graph).serialize(format="pretty-xml", encoding="utf-8", max_depth=1)


def ntriples(graph: Graph) -> bytes:
    return sorted_lines(graph.serialize(format="nt", encoding="utf-8").decode("utf-8")).encode("utf-8")


def nquads(ds: Dataset) -> bytes:
    return sorted_lines(ds.serialize(format="nquads", encoding="utf-8").decode("utf-8")).encode("utf-8")


def trig(ds: Dataset) -> bytes:
    ordered = Dataset()
    for prefix, ns in PREFIXES.items():
        ordered.bind(prefix, ns, override=True, replace=True)
    for quad in sorted(ds.quads((None, None, None, None)), key=lambda q: _sort_key((q[3].identifier if isinstance(q[3], Graph) else q[3], *q[:3]))):
        ordered.add(quad)
    return ordered.serialize(format="trig", encoding="utf-8")


def jsonld_context() -> dict:
    """The local JSON-LD context: the project's prefixes and nothing fetched from the web."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


def jsonld(graph: Graph) -> bytes:
    context = jsonld_context()["@context"]
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    doc = json.loads(text)
    nodes = doc.get("@graph", [doc] if "@id" in doc else [])
    for node in nodes:
        node.pop("@context", None)
    nodes.sort(key=lambda n: str(n.get("@id", "")))
    out = {"@context": CONTEXT_NAME, "@graph": nodes}
    return (json.dumps(out, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def export(fmt: str, ds: Dataset, union: Graph) -> bytes:
    writers: dict[str, Callable[[], bytes]] = {
        "ttl": lambda: turtle(union),
        "owl": lambda: rdfxml(union),
        "jsonld": lambda: jsonld(union),
        "nt": lambda: ntriples(union),
        "nq": lambda: nquads(ds),
        "trig": lambda: trig(ds),
    }
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writers[fmt]()


