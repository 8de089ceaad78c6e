"""Queries in queries/ run on the built graph and give the answers the documents state.

They run on an Oxigraph store loaded from the N-Quads export: rdflib's SPARQL engine needs
minutes for this join on the shipped graph, Oxigraph about a tenth of a second."""

from __future__ import annotations

import pyoxigraph as ox

from .conftest import ROOT

GCIM = "https://w3id.org/migration-kg/id/organization/gcim"
ESTABLISHED_ON = "https://w3id.org/migration-kg/ontology#establishedOn"


def test_where_does_it_say_so(full_build):
    store = ox.Store()
    store.bulk_load(path=str(full_build.out_dir / "migration-kg.nq"), format=ox.RdfFormat.N_QUADS)
    query = (ROOT / "queries" / "where-does-it-say-so.rq").read_text()
    rows = list(store.query(query, use_default_graph_as_union=True))
    assert len(rows) == len(full_build.kg.facts)
    gcim = [r for r in rows if r["subject"].value == GCIM and r["property"].value == ESTABLISHED_ON
            and r["object"].value == "2003-12"]
    assert gcim and "December" in gcim[0]["quote"].value
    by_id = {d.doc_id: d for d in full_build.kg.documents}
    for row in rows:
        text = by_id[row["document"].value.rsplit("/", 1)[-1]].text
        assert text[int(row["start"].value):int(row["end"].value)] == row["quote"].value
