"""Turning a fact's quote into a located passage: document, offsets, exact text, context.

The exact text recorded is always the document's own characters at [start, end), so a
reader who opens the file at those offsets sees precisely the quoted words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Literal, URIRef

from .corpus import Document
from .errors import InputError
from .namespaces import evidence_iri, passage_iri
from .registry import Fact
from .textspan import Span, context, find_quote


@dataclass(frozen=True)
class Passage:
    doc_id: str
    span: Span
    exact: str
    prefix: str
    suffix: str

    @property
    def iri(self) -> URIRef:
        return passage_iri(self.doc_id, self.span.start, self.span.end)


@dataclass(frozen=True)
class EvidencedFact:
    subject: URIRef
    predicate: URIRef
    value: URIRef | Literal
    passage: Passage
    confidence: Decimal
    method: str
    origin: str

    @property
    def evidence_iri(self) -> URIRef:
        return evidence_iri(str(self.subject), str(self.predicate), self.value.n3(),
                            self.passage.doc_id, self.passage.span.start, self.passage.span.end)


def locate_passage(doc: Document, quote: str, occurrence: int = 1) -> Passage | None:
    span = find_quote(doc.text, quote, occurrence)
    if span is None:
        return None
    prefix, suffix = context(doc.text, span)
    return Passage(doc.doc_id, span, doc.text[span.start:span.end], prefix, suffix)


def locate_facts(facts: tuple[Fact, ...], documents: dict[str, Document],
                 method: str = "method-curation") -> tuple[list[EvidencedFact], list[str]]:
    """Locate every fact's quote; returns the located facts and one error line per fact that
    could not be located (unknown document, quote not found), so a curator sees all at once."""
    located: list[EvidencedFact] = []
    errors: list[str] = []
    for fact in facts:
        doc = documents.get(fact.doc_id)
        if doc is None:
            errors.append(f"{fact.origin}: field 'doc': unknown document {fact.doc_id!r}")
            continue
        passage = locate_passage(doc, fact.quote, fact.occurrence)
        if passage is None:
            which = f" (occurrence {fact.occurrence})" if fact.occurrence > 1 else ""
            errors.append(f"{fact.origin}: field 'quote': not found in {fact.doc_id}{which}: {fact.quote[:80]!r}")
            continue
        located.append(EvidencedFact(fact.subject, fact.predicate, fact.value, passage,
                                     fact.confidence, method, str(fact.origin)))
    return located, errors


def require_located(facts: tuple[Fact, ...], documents: dict[str, Document]) -> list[EvidencedFact]:
    located, errors = locate_facts(facts, documents)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(errors[0] + more)
    return located
