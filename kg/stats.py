"""Counts per class and per property, the figures a curator checks after each build.

Class counts include instances of subclasses (an mkg:UNFund counts as an mkg:Organization),
because analysts ask "how many organizations", not "how many things typed exactly so"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Dataset, URIRef
from rdflib.namespace import OWL, RDF

from .namespaces import ONTOLOGY_GRAPH
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Stats:
    classes: dict[URIRef, int]     # instances, subclasses included
    direct: dict[URIRef, int]      # instances typed exactly with the class
    properties: dict[URIRef, int]  # triples using the property
    triples: int


def data_triples(ds: Dataset):
    for s, p, o, g in ds.quads((None, None, None, None)):
        gid = g.identifier if hasattr(g, "identifier") else g
        if gid != ONTOLOGY_GRAPH:
            yield s, p, o


def compute_stats(ds: Dataset, vocab: Vocabulary) -> Stats:
    direct: Counter[URIRef] = Counter()
    rolled: Counter[URIRef] = Counter()
    props: Counter[URIRef] = Counter()
    types: dict = {}
    seen = set()
    for s, p, o in data_triples(ds):
        if (s, p, o) in seen:
            continue
        seen.add((s, p, o))
        props[p] += 1
        if p == RDF.type and isinstance(o, URIRef) and o != OWL.NamedIndividual:
            types.setdefault(s, set()).add(o)
    closure: dict[URIRef, set[URIRef]] = {}
    for s, classes in types.items():
        expanded = set()
        for c in classes:
            direct[c] += 1
            if c not in closure:
                closure[c] = vocab.superclasses(c) | {c}
            expanded |= closure[c]
        for c in expanded:
            rolled[c] += 1
    return Stats(dict(rolled), dict(direct), dict(props), len(seen))
