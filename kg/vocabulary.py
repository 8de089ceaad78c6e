"""What the ontology says the registry may use: classes, properties and their kinds.

The ontology file is the single source of truth: the registry loader asks this module
whether a type or property exists, which IRI segment (kind) a class belongs to, and how a
literal must be typed, instead of keeping its own copy of those lists."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from .errors import InputError
from .namespaces import KIND_ROOTS, MKG, THEME, THEME_SCHEME

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


def parse_rdf_file(path: Path, fmt: str = "turtle", canonical: bool = True) -> Graph:
    """Parse an RDF file; a syntax error names the file and the parser's line.

    Nothing is fetched or read but the file itself: RDF/XML that declares external or nested
    entities is refused (`_check_xml_entities`), and JSON-LD contexts are resolved locally
    (`_offline_jsonld`).

    Blank nodes (OWL lists, unions, disjointness axioms) are relabelled canonically, so the
    same file always yields the same blank-node labels and exports stay byte-identical. Only
    the build needs that; `canonical=False` skips it for a file that is only validated (the
    relabelling takes minutes on a whole export's 2,000 blank nodes)."""
    graph = Graph()
    try:
        if fmt == "xml":
            _check_xml_entities(path)
        if fmt == "json-ld":
            graph.parse(data=_offline_jsonld(path), format=fmt, publicID=path.resolve().as_uri())
        else:
            graph.parse(path, format=fmt)
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except Exception as err:  # rdflib raises several parser exception types
        message = " ".join(str(err).split())
        raise InputError(f"{path}: cannot parse {fmt}: {message}") from None
    if canonical and any(isinstance(term, BNode) for triple in graph for term in triple):
        canonical = Graph()
        canonical += to_canonical_graph(graph)
        canonical.namespace_manager = graph.namespace_manager
        return canonical
    return graph


class _PrologEnd(Exception):
    """The root element starts: the DOCTYPE, where entities are declared, is behind."""


_PREDEFINED = {"amp", "lt", "gt", "quot", "apos"}
_ENTITY_REF = re.compile(r"[&%]([A-Za-z_:][\w.:-]*);")


def _check_xml_entities(path: Path) -> None:
    """Refuse an XML DOCTYPE that declares an external entity (SYSTEM or PUBLIC: a file or URL,
    "XXE") or an entity whose text refers to other entities (nesting expands exponentially,
    "billion laughs"; expat's own limit only starts at 8 MiB, and rdflib joins such text
    quadratically, so a 1 KB file took minutes). Python's XML parser would not fetch an
    external entity, but would silently leave its text out. Plain internal entities, as
    Protégé writes them (<!ENTITY owl "http://www.w3.org/2002/07/owl#">), are fine. Only the
    prolog is read; syntax errors are left to the RDF/XML parser, which reports them."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()

    def entity(name, is_parameter, value, base, system_id, public_id, notation):
        if system_id is not None or public_id is not None:
            raise InputError(f"{path}: line {parser.CurrentLineNumber}: external entity {name!r} "
                             f"({system_id or public_id}) refused: entities that name a file or URL are never "
                             "resolved; write the text into the file")
        nested = sorted({m.group(1) for m in _ENTITY_REF.finditer(value or "")} - _PREDEFINED)
        if nested:
            raise InputError(f"{path}: line {parser.CurrentLineNumber}: entity {name!r} refers to other entities "
                             f"({', '.join(nested)}) refused: nested entities can expand exponentially; write the "
                             "text out")

    def start(name, attributes):
        raise _PrologEnd

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    try:
        with path.open("rb") as fh:
            parser.ParseFile(fh)
    except (_PrologEnd, xml.parsers.expat.ExpatError):
        pass


JSONLD_CONTEXT_NAME = "context.jsonld"  # how the build's JSON-LD names the project's context


def _offline_jsonld(path: Path) -> str:
    """The JSON-LD file with every context it refers to resolved without the network.

    rdflib fetches a context given by URL (and reads one given as a relative path), so a file
    could make a validation send requests or read files. Here "context.jsonld", the name the
    build's export uses, is the project's own context (kg/context/context.jsonld, the same
    bytes as build/context.jsonld), whether or not such a file is beside the document; any
    other reference, in @context or @import, at any depth, is refused."""
    from .export import jsonld_context

    text = path.read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: line {err.lineno}, column {err.colno}: not valid JSON: {err.msg}") from None
    local = jsonld_context()["@context"]

    def refuse(reference) -> InputError:
        quoted = json.dumps(reference)
        line = text[:text.find(quoted)].count("\n") + 1 if quoted in text else None
        where = f"line {line}: " if line else ""
        return InputError(f"{path}: {where}JSON-LD context {reference!r} refused: contexts are never fetched or read "
                          f"from other files; use \"{JSONLD_CONTEXT_NAME}\" (the project's own context) or an inline "
                          "context")

    def context(value):
        if isinstance(value, str):
            if value.removeprefix("./") != JSONLD_CONTEXT_NAME:
                raise refuse(value)
            return dict(local)
        if isinstance(value, list):
            return [context(v) for v in value]
        if isinstance(value, dict):
            value = walk(value)
            imported = value.pop("@import", None)
            if imported is not None:
                if not isinstance(imported, str) or imported.removeprefix("./") != JSONLD_CONTEXT_NAME:
                    raise refuse(imported)
                value = {**local, **value}
        return value

    def walk(node):
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, dict):
            return {key: context(value) if key == "@context" else walk(value) for key, value in node.items()}
        return node

    return json.dumps(walk(document))


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
