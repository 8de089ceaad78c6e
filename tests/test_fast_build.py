"""The pieces that make the build fast keep its meaning: the graph reaches the exports as
Oxigraph quads, the shapes' SPARQL runs on Oxigraph, JSON-LD is written by hand and HermiT
runs in its own JVM while the build goes on. Each is checked against the slower way it
replaces (rdflib's graph and serialisers, rdflib's SPARQL engine), on the mini graph."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from kg.export import export, export_all, jsonld_context
from kg.owltools import reason_with_hermit, start_hermit
from kg.validate import _OxigraphSparqlGraph, load_shapes, sparql_store, validate_graph

FIXTURES = Path(__file__).parent / "fixtures" / "owl"


def _parse_jsonld(data: bytes) -> Graph:
    doc = json.loads(data)
    assert doc["@context"] == "context.jsonld"
    doc["@context"] = jsonld_context()["@context"]  # what a reader with the context file sees
    return Graph().parse(data=json.dumps(doc), format="json-ld")


def test_quads_are_the_dataset_and_the_union(mini_kg):
    assert len(set(mini_kg.quads)) == len(mini_kg.quads)
    assert len(mini_kg.union) == len({q[:3] for q in mini_kg.quads})
    assert sum(len(g) for g in mini_kg.dataset.graphs()) == len(mini_kg.quads)
    assert len(mini_kg.oxigraph_quads) == len(mini_kg.quads)


@pytest.mark.parametrize("fmt", ["nt", "ttl", "owl", "jsonld"])
def test_triple_exports_are_the_union_graph(mini_kg, fmt):
    data = export_all([fmt], mini_kg.oxigraph_quads)[fmt]
    parsed = (_parse_jsonld(data) if fmt == "jsonld" else
              Graph().parse(data=data, format={"nt": "nt", "ttl": "turtle", "owl": "xml"}[fmt]))
    assert isomorphic(parsed, mini_kg.union)


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_quad_exports_are_the_dataset(mini_kg, fmt):
    data = export_all([fmt], mini_kg.oxigraph_quads)[fmt]
    parsed = Dataset().parse(data=data, format={"nq": "nquads", "trig": "trig"}[fmt])
    expected = {(str(g), len(mini_kg.dataset.graph(g))) for *_, g in mini_kg.quads}
    assert {(str(g.identifier), len(g)) for g in parsed.graphs() if len(g)} == expected


def test_jsonld_compacts_lists_literals_and_blank_nodes(mini_kg):
    doc = json.loads(export_all(["jsonld"], mini_kg.oxigraph_quads)["jsonld"])
    ids = [n["@id"] for n in doc["@graph"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    text = json.dumps(doc)
    assert '"@list"' in text  # owl:unionOf and friends as JSON-LD lists, not rdf:first chains
    assert "rdf:first" not in text
    assert '"@language": "en"' in text and '"@type": "xsd:nonNegativeInteger"' in text


def test_export_of_rdflib_objects_equals_the_build_export(mini_kg):
    """`migkg export` hands rdflib objects; the bytes are those the build writes."""
    for fmt in ("nt", "nq", "jsonld"):
        assert export(fmt, mini_kg.dataset, mini_kg.union) == export_all([fmt], mini_kg.oxigraph_quads)[fmt]


def test_sparql_on_oxigraph_answers_as_rdflib(mini_kg):
    """Rows come back as the rdflib terms of the data graph (IRIs, blank nodes, plain, typed
    and tagged literals), with $this pre-bound to an IRI or a blank node as pySHACL binds it."""
    graph = _OxigraphSparqlGraph(mini_kg.union, sparql_store(mini_kg.oxigraph_quads))
    entity = next(iter(mini_kg.union.subjects(RDF.type, OWL.NamedIndividual)))
    axiom = next(iter(mini_kg.union.subjects(RDF.type, OWL.Axiom)))
    for focus in (entity, axiom):
        query = "SELECT $this ?p ?o WHERE { $this ?p ?o }"
        ours = {tuple(sorted(r.asdict().items())) for r in graph.query(query, initBindings={"this": focus})}
        rdflibs = {tuple(sorted(r.asdict().items())) for r in mini_kg.union.query(query, initBindings={"this": focus})}
        assert ours == rdflibs and len(ours) > 3
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(next(iter(graph.query(count)))[0]) == len(mini_kg.union)


def test_validation_with_the_callers_store_is_the_same(mini_kg):
    shapes = load_shapes()
    given = validate_graph(mini_kg.union, shapes, sparql_store(mini_kg.oxigraph_quads))
    assert given == validate_graph(mini_kg.union, shapes)


@pytest.mark.slow
def test_hermit_run_with_the_callers_triples_is_the_same(tmp_path):
    source = FIXTURES / "consistent.owl"
    triples = [q.triple for q in ox.parse(path=str(source), format=ox.RdfFormat.RDF_XML, base_iri=source.as_uri())]
    run = start_hermit(source, triples=triples)
    given = run.finish(tmp_path / "given.owl")
    read = reason_with_hermit(source, tmp_path / "read.owl")
    assert (given.consistent, given.inferred_subclass_of, given.inferred_types) == \
        (read.consistent, read.inferred_subclass_of, read.inferred_types)
    assert (tmp_path / "given.owl").read_bytes() == (tmp_path / "read.owl").read_bytes()


@pytest.mark.slow
def test_cancelled_hermit_stops_and_leaves_no_copy():
    run = start_hermit(FIXTURES / "inconsistent.ttl")  # a Turtle file: HermiT reads an N-Triples copy
    copy = run.input_copy
    assert copy is not None and copy.is_file()
    run.cancel()
    assert run.process.returncode is not None
    assert not copy.exists()
    run.cancel()  # a second cancel (the build's error path after a finished run) is harmless
