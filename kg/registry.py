"""The curated registry: entities and facts, read from TOML files and checked against the
ontology before anything is built.

Pure function of the registry files and the vocabulary: no corpus access here (quotes are
located by kg.evidence), so a registry error is reported before any document is read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .corpus import read_toml
from .dates import parse_partial_date
from .errors import InputError
from .namespaces import SLUG_RE, entity_iri, theme_iri
from .vocabulary import PropertyInfo, Vocabulary

REGISTRY_DIR = Path(__file__).resolve().parent / "registry"
ENTITY_KEYS = {"id", "type", "label", "acronyms", "aliases", "local_aliases", "definition", "themes", "fact"}
FACT_KEYS = {"property", "value", "doc", "quote", "occurrence", "confidence"}
TOP_FACT_KEYS = FACT_KEYS | {"subject"}


@dataclass(frozen=True)
class Origin:
    """Where a registry record was written, for error messages and provenance."""

    file: Path
    where: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}"


@dataclass(frozen=True)
class Entity:
    slug: str
    cls: URIRef
    kind: str
    iri: URIRef
    label: str
    acronyms: tuple[str, ...]
    aliases: tuple[str, ...]
    definition: str
    themes: tuple[URIRef, ...]
    origin: Origin
    local_aliases: tuple[tuple[str, str], ...] = ()  # (document id, name): names that hold in one document


@dataclass(frozen=True)
class Fact:
    """A curated statement with the quote that states it (not yet located in the text)."""

    subject: URIRef
    predicate: URIRef
    value: URIRef | Literal
    doc_id: str
    quote: str
    occurrence: int
    confidence: Decimal
    origin: Origin


@dataclass(frozen=True)
class Registry:
    entities: tuple[Entity, ...]
    facts: tuple[Fact, ...]

    def by_slug(self) -> dict[str, Entity]:
        return {e.slug: e for e in self.entities}


def _fail(origin: Origin | Path, message: str) -> InputError:
    return InputError(f"{origin}: {message}")


def _strings(origin: Origin, record: dict, key: str) -> tuple[str, ...]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(origin, f"field '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _entity(path: Path, index: int, record: Any, vocab: Vocabulary) -> Entity:
    if not isinstance(record, dict):
        raise _fail(path, f"entity #{index} is not a table")
    slug = record.get("id")
    origin = Origin(path, f"entity '{slug}'" if isinstance(slug, str) else f"entity #{index}")
    unknown = set(record) - ENTITY_KEYS
    if unknown:
        raise _fail(origin, f"unknown field(s) {', '.join(sorted(unknown))}")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise _fail(origin, "field 'id' must be a slug like 'geneva-migration-group'")
    type_name = record.get("type")
    if type_name not in vocab.classes:
        raise _fail(origin, f"field 'type': {type_name!r} is not a class of the ontology")
    cls = vocab.classes[type_name]
    kind = vocab.kind_of(cls)
    if kind is None:
        raise _fail(origin, f"field 'type': {type_name!r} is not a class registry entities may have")
    label = record.get("label")
    if not isinstance(label, str) or not label.strip():
        raise _fail(origin, "field 'label' is required (the English name)")
    definition = record.get("definition", "")
    if not isinstance(definition, str):
        raise _fail(origin, "field 'definition' must be a string")
    themes = []
    for theme in _strings(origin, record, "themes"):
        slug_part = theme.removeprefix("theme:")
        if slug_part not in vocab.theme_ids:
            raise _fail(origin, f"field 'themes': unknown theme {theme!r}")
        themes.append(theme_iri(slug_part))
    return Entity(slug=slug, cls=cls, kind=kind, iri=entity_iri(kind, slug), label=" ".join(label.split()),
                  acronyms=_strings(origin, record, "acronyms"), aliases=_strings(origin, record, "aliases"),
                  definition=" ".join(definition.split()), themes=tuple(themes), origin=origin,
                  local_aliases=_local_aliases(origin, record))


def _local_aliases(origin: Origin, record: dict) -> tuple[tuple[str, str], ...]:
    """`local_aliases = { "<doc id>" = ["Meeting 1"] }`: names that mean this entity only
    inside one document (a numbered list item, a document's own abbreviation)."""
    value = record.get("local_aliases", {})
    if not isinstance(value, dict):
        raise _fail(origin, "field 'local_aliases' must be a table of document id = [names]")
    pairs = []
    for doc_id in sorted(value):
        pairs.extend((doc_id, name) for name in _strings(origin, value, doc_id))
    return tuple(pairs)


def _literal(origin: Origin, prop: PropertyInfo, value: Any) -> Literal:
    if prop.is_date:
        if not isinstance(value, str):
            raise _fail(origin, "field 'value': a date must be a string like \"2003-12\"")
        try:
            return parse_partial_date(value)
        except ValueError as err:
            raise _fail(origin, f"field 'value': {err}") from None
    if prop.range in (XSD.nonNegativeInteger, XSD.positiveInteger, XSD.integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _fail(origin, f"field 'value': expected an integer, got {value!r}")
        if value < (1 if prop.range == XSD.positiveInteger else 0) and prop.range != XSD.integer:
            raise _fail(origin, f"field 'value': {value} is out of range for {prop.range.n3()}")
        return Literal(value, datatype=prop.range)
    if prop.range == XSD.decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _fail(origin, f"field 'value': expected a number, got {value!r}")
        try:
            return Literal(Decimal(str(value)), datatype=XSD.decimal)
        except InvalidOperation:
            raise _fail(origin, f"field 'value': {value!r} is not a number") from None
    if not isinstance(value, str) or not value.strip():
        raise _fail(origin, f"field 'value': expected a non-empty string, got {value!r}")
    if prop.range == XSD.anyURI:
        if not value.startswith(("http://", "https://")):
            raise _fail(origin, f"field 'value': {value!r} is not an http(s) URL")
        return Literal(value, datatype=XSD.anyURI)
    return Literal(" ".join(value.split()))


def _object(origin: Origin, value: Any, slugs: dict[str, Entity], vocab: Vocabulary) -> URIRef:
    if not isinstance(value, str):
        raise _fail(origin, f"field 'value': expected an entity id, got {value!r}")
    if value.startswith("theme:"):
        if value[6:] not in vocab.theme_ids:
            raise _fail(origin, f"field 'value': unknown theme {value!r}")
        return theme_iri(value[6:])
    if value in slugs:
        return slugs[value].iri
    if value in vocab.named_individuals:
        return vocab.named_individuals[value]
    raise _fail(origin, f"field 'value': unknown entity id {value!r}")


def _fact(origin: Origin, subject: URIRef, record: dict, slugs: dict[str, Entity], vocab: Vocabulary) -> Fact:
    prop_name = record.get("property")
    if prop_name not in vocab.properties:
        raise _fail(origin, f"field 'property': {prop_name!r} is not a property of the ontology")
    prop = vocab.properties[prop_name]
    if "value" not in record:
        raise _fail(origin, "field 'value' is required")
    value = _object(origin, record["value"], slugs, vocab) if prop.is_object else _literal(origin, prop, record["value"])
    doc_id, quote = record.get("doc"), record.get("quote")
    if not isinstance(doc_id, str) or not doc_id:
        raise _fail(origin, "field 'doc' is required (the document id)")
    if not isinstance(quote, str) or not quote.split():
        raise _fail(origin, "field 'quote' is required (verbatim text that states the fact)")
    occurrence = record.get("occurrence", 1)
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
        raise _fail(origin, "field 'occurrence' must be a positive integer")
    confidence = record.get("confidence", 1.0)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        raise _fail(origin, "field 'confidence' must be a number from 0 to 1")
    return Fact(subject=subject, predicate=prop.iri, value=value, doc_id=doc_id, quote=quote,
                occurrence=occurrence, confidence=Decimal(str(confidence)), origin=origin)


def registry_files(registry_dir: Path) -> list[Path]:
    if not registry_dir.is_dir():
        raise InputError(f"{registry_dir}: registry folder not found")
    return sorted(registry_dir.glob("*.toml"))


def load_registry(vocab: Vocabulary, registry_dir: Path = REGISTRY_DIR) -> Registry:
    """Read and check every registry file; the first problem raises InputError."""
    documents = [(path, read_toml(path)) for path in registry_files(registry_dir)]
    entities: dict[str, Entity] = {}
    for path, data in documents:
        unknown = set(data) - {"entity", "fact"}
        if unknown:
            raise _fail(path, f"unknown top-level table(s) {', '.join(sorted(unknown))}; expected [[entity]] or [[fact]]")
        for index, record in enumerate(data.get("entity", []), start=1):
            entity = _entity(path, index, record, vocab)
            if entity.slug in entities:
                raise _fail(entity.origin, f"id defined twice (also in {entities[entity.slug].origin.file})")
            entities[entity.slug] = entity
    facts: list[Fact] = []
    for path, data in documents:
        for index, record in enumerate(data.get("entity", []), start=1):
            entity = entities[record["id"]]
            for n, fact in enumerate(record.get("fact", []), start=1):
                origin = Origin(path, f"entity '{entity.slug}', fact #{n}")
                if not isinstance(fact, dict) or set(fact) - FACT_KEYS:
                    raise _fail(origin, f"facts take only the fields {', '.join(sorted(FACT_KEYS))}")
                facts.append(_fact(origin, entity.iri, fact, entities, vocab))
        for n, fact in enumerate(data.get("fact", []), start=1):
            origin = Origin(path, f"fact #{n}")
            if not isinstance(fact, dict) or set(fact) - TOP_FACT_KEYS:
                raise _fail(origin, f"top-level facts take only the fields {', '.join(sorted(TOP_FACT_KEYS))}")
            subject = fact.get("subject")
            if subject not in entities:
                raise _fail(origin, f"field 'subject': unknown entity id {subject!r}")
            facts.append(_fact(origin, entities[subject].iri, fact, entities, vocab))
    return Registry(entities=tuple(entities[s] for s in sorted(entities)), facts=tuple(facts))
