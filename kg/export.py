"""Serialising the dataset: Turtle, RDF/XML (for Protégé), JSON-LD (local context), N-Triples,
N-Quads and TriG, byte-identical for identical input.

Determinism: line-based formats are sorted; JSON-LD nodes are sorted by @id with sorted
keys; Turtle, TriG and RDF/XML come from rdflib serialisers fed a graph built in sorted
triple order (tests compare hashes of two builds)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
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



def sorted_lines(text: str) -> str:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


def turtle(graph: Graph, sorted_nt: bytes | None = None) -> bytes:
    """Turtle written by pyoxigraph from the sorted N-Triples: deterministic, and 17 s → 0.3 s
    on the 110k-triple graph compared with rdflib's pretty-printer."""
    nt = sorted_nt if sorted_nt is not None else ntriples(graph)
    return _oxigraph(nt, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)


def _oxigraph(data: bytes, fmt: "ox.RdfFormat", out_fmt: "ox.RdfFormat") -> bytes:
    """Re-serialise sorted N-Triples/N-Quads with pyoxigraph, which writes in input order."""
    return ox.serialize(ox.parse(data, format=fmt), format=out_fmt, prefixes=PREFIXES)


def rdfxml(graph: Graph, sorted_nt: bytes | None = None) -> bytes:
    nt = sorted_nt if sorted_nt is not None else ntriples(graph)
    return _oxigraph(nt, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML)


def ntriples(graph: Graph) -> bytes:
    return sorted_lines(graph.serialize(format="nt", encoding="utf-8").decode("utf-8")).encode("utf-8")


def nquads(ds: Dataset) -> bytes:
    return sorted_lines(ds.serialize(format="nquads", encoding="utf-8").decode("utf-8")).encode("utf-8")


def trig(ds: Dataset, sorted_nq: bytes | None = None) -> bytes:
    nq = sorted_nq if sorted_nq is not None else nquads(ds)
    return _oxigraph(nq, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


def jsonld_context() -> dict:
    """The local JSON-LD context: the project's prefixes and nothing fetched from the web."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


def _sorted_values(node):
    """Sort every multi-valued property (store order is not stable); @list keeps its order."""
    if isinstance(node, dict):
        return {k: (_sorted_values(v) if k != "@list" else [_sorted_values(i) for i in v]) for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_values(i) for i in node]
        return sorted(items, key=lambda i: json.dumps(i, sort_keys=True, ensure_ascii=False))
    return node


def jsonld(graph: Graph) -> bytes:
    context = jsonld_context()["@context"]
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    doc = json.loads(text)
    nodes = doc.get("@graph", [doc] if "@id" in doc else [])
    for node in nodes:
        node.pop("@context", None)
    nodes = [_sorted_values(n) for n in nodes]
    nodes.sort(key=lambda n: str(n.get("@id", "")))
    out = {"@context": CONTEXT_NAME, "@graph": nodes}
    return (json.dumps(out, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def export_all(formats: Iterable[str], ds: Dataset, union: Graph) -> dict[str, bytes]:
    """Several serialisations at once; the sorted N-Triples and N-Quads that RDF/XML and TriG
    are made from are serialised once and shared."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose one of {', '.join(FORMATS)}")
    cache: dict[str, bytes] = {}

    def nt() -> bytes:
        if "nt" not in cache:
            cache["nt"] = ntriples(union)
        return cache["nt"]

    def nq() -> bytes:
        if "nq" not in cache:
            cache["nq"] = nquads(ds)
        return cache["nq"]

    writers: dict[str, Callable[[], bytes]] = {
        "ttl": lambda: turtle(union, nt()),
        "owl": lambda: rdfxml(union, nt()),
        "jsonld": lambda: jsonld(union),
        "nt": nt,
        "nq": nq,
        "trig": lambda: trig(ds, nq()),
    }
    return {fmt: writers[fmt]() for fmt in formats}


def export(fmt: str, ds: Dataset, union: Graph) -> bytes:
    return export_all([fmt], ds, union)[fmt]


