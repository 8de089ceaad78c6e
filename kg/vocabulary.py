"""What the ontology says the registry may use: classes, properties and their kinds.

The ontology file is the single source of truth: the registry loader asks this module
whether a type or property exists, which IRI segment (kind) a class belongs to, and how a
literal must be typed, instead of keeping its own copy of those lists."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from .errors import InputError
from .namespaces import KIND_ROOTS, MKG, THEME, THEME_SCHEME

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


def parse_rdf_file(path: Path, fmt: str = "turtle") -> Graph:
    """Parse an RDF file; a syntax error names the file and the parser's line.

    Blank nodes (OWL lists, unions, disjointness axioms) are relabelled canonically, so the
    same file always yields the same blank-node labels and exports stay byte-identical."""
    graph = Graph()
    try:
        graph.parse(path, format=fmt)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except Exception as err:  # rdflib raises several parser exception types
        message = " ".join(str(err).split())
        raise InputError(f"{path}: cannot parse {fmt}: {message}") from None
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        canonical = Graph()
        canonical += to_canonical_graph(graph)
        canonical.namespace_manager = graph.namespace_manager
        return canonical
    return graph


@dataclass(frozen=True)
class PropertyInfo:
    iri: URIRef
    is_object: bool
    is_date: bool
    range: URIRef | None


class Vocabulary:
    """Read-only view of the ontology (TBox) and the theme scheme."""

    def __init__(self, ontology: Graph, themes: Graph) -> None:
        self.ontology = ontology
        self.themes = themes

    @classmethod
    def load(cls, ontology_dir: Path = ONTOLOGY_DIR) -> "Vocabulary":
        return cls(parse_rdf_file(ontology_dir / "migration.ttl"), parse_rdf_file(ontology_dir / "themes.ttl"))

    @cached_property
    def classes(self) -> dict[str, URIRef]:
        return {c[len(MKG):]: c for c in self.ontology.subjects(RDF.type, OWL.Class)
                if isinstance(c, URIRef) and c.startswith(MKG)}

    def superclasses(self, cls: URIRef) -> set[URIRef]:
        return set(self.ontology.transitive_objects(cls, RDFS.subClassOf))

    def kind_of(self, cls: URIRef) -> str | None:
        """The IRI segment of a class: the kind of its top-level ancestor, if any."""
        kinds = {KIND_ROOTS[c] for c in self.superclasses(cls) if c in KIND_ROOTS}
        if len(kinds) > 1:  # e.g. Country is a Place and an agent: Place has a kind, agent not
            raise InputError(f"ontology: class {cls} falls under several kinds {sorted(kinds)}")
        return kinds.pop() if kinds else None

    @cached_property
    def properties(self) -> dict[str, PropertyInfo]:
        date_props = set(self.ontology.transitive_subjects(RDFS.subPropertyOf, MKG.hasDate)) - {MKG.hasDate}
        info: dict[str, PropertyInfo] = {}
        for kind, is_object in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False), (OWL.AnnotationProperty, False)):
            for p in self.ontology.subjects(RDF.type, kind):
                if kind == OWL.AnnotationProperty and p not in date_props:
                    continue  # annotations other than dates (acronym, evidence links) are not registry facts
                if isinstance(p, URIRef) and p.startswith(MKG):
                    rng = self.ontology.value(p, RDFS.range)
                    info[p[len(MKG):]] = PropertyInfo(
                        iri=p, is_object=is_object, is_date=p in date_props,
                        range=rng if isinstance(rng, URIRef) else None)
        return info

    @cached_property
    def named_individuals(self) -> dict[str, URIRef]:
        """Controlled individuals of the ontology (consent types, curation status, ...)."""
        return {i[len(MKG):]: i for i in self.ontology.subjects(RDF.type, OWL.NamedIndividual)
                if isinstance(i, URIRef) and i.startswith(MKG)}

    @cached_property
    def theme_ids(self) -> set[str]:
        return {str(c)[len(THEME):] for c in self.themes.subjects(SKOS.inScheme, THEME_SCHEME)
                if isinstance(c, URIRef) and str(c).startswith(str(THEME))}

    @cached_property
    def theme_labels(self) -> dict[str, str]:
        """Lowercased preferred and alternative label → theme id, for finding themes in text."""
        labels: dict[str, str] = {}
        for theme_id in sorted(self.theme_ids):
            concept = URIRef(f"{THEME}{theme_id}")
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for value in sorted(self.themes.objects(concept, prop)):
                    labels.setdefault(str(value).lower(), theme_id)
        return labels

    def label(self, term: URIRef) -> str:
        value = self.ontology.value(term, RDFS.label) or self.themes.value(term, SKOS.prefLabel)
        return str(value) if value is not None else str(term)


LITERAL_RANGES = {XSD.nonNegativeInteger, XSD.positiveInteger, XSD.integer, XSD.decimal, XSD.string, XSD.anyURI}
