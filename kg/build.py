"""The build: documents and registry in, a validated knowledge graph and its exports out.

Stages run in the order data flows (ontology → corpus → registry → evidence → graph →
exports → SHACL → docs → OWL reasoning); each is a function of its inputs. HermiT runs in
its own JVM from the moment the RDF/XML export is written, on the machine's other core,
while this process writes the other exports and validates: the two slowest stages overlap.
Nothing is published unless SHACL conforms and HermiT finds the ontology consistent."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from . import __version__
from .corpus import CORPUS_DIR, SIDECAR_SUFFIX, Document, read_corpus, read_corpus_lenient
from .errors import InputError, KGError, ValidationFailed
from .claims import Conflict, find_conflicts, to_facts
from .discovery import DiscoveredEntity
from .evidence import EvidencedFact, require_located
from .pipeline import Extraction, extract
from .export import CONTEXT_FILE, CONTEXT_NAME, iter_exports
from .graph import Quad, build_dataset, build_quads, oxigraph_quads, union_graph
from .progress import Progress
from .publish import discard, new_staging_dir, publish
from .registry import REGISTRY_DIR, Registry, load_registry
from .owltools import HermitRun, start_hermit
from .validate import ValidationResult, sparql_store, validate_graph
from .vocabulary import ONTOLOGY_DIR, Vocabulary

DEFAULT_OUT = Path("build")
BUILD_EXPORTS = {"ttl": "migration-kg.ttl", "owl": "migration-kg.owl", "jsonld": "migration-kg.jsonld",
                 "nq": "migration-kg.nq", "nt": "migration-kg.nt", "trig": "migration-kg.trig"}
EXPORT_ORDER = ("owl", "nt", "ttl", "nq", "trig", "jsonld")  # RDF/XML first: HermiT starts on it


@dataclass(frozen=True)
class Sources:
    corpus_dir: Path = CORPUS_DIR
    registry_dir: Path = REGISTRY_DIR
    ontology_dir: Path = ONTOLOGY_DIR


@dataclass
class KnowledgeGraph:
    vocab: Vocabulary
    documents: list[Document]
    registry: Registry
    facts: list[EvidencedFact]
    quads: list[Quad]  # every (s, p, o, graph) once
    union: Graph
    extraction: Extraction
    discovered: list[DiscoveredEntity]
    conflicts: list[Conflict]
    skipped: list[str] = field(default_factory=list)  # one line per document left out (--keep-going)

    @cached_property
    def dataset(self) -> Dataset:
        """The named graphs as an rdflib Dataset, made on first use: the build itself needs
        only the union graph (SHACL) and the Oxigraph quads (exports, SPARQL)."""
        return build_dataset(self.quads)

    @cached_property
    def oxigraph_quads(self) -> list[ox.Quad]:
        return oxigraph_quads(self.quads)


@dataclass
class BuildResult:
    out_dir: Path
    kg: KnowledgeGraph
    validation: ValidationResult
    timings: dict[str, float] = field(default_factory=dict)
    consistent: bool | None = None


def check_publishers(documents: list[Document], registry: Registry) -> None:
    """A sidecar's publisher_id must name a registry entity, or the link would silently vanish."""
    slugs = registry.by_slug()
    for doc in documents:
        if doc.publisher_id and doc.publisher_id not in slugs:
            sidecar = doc.path.with_name(doc.path.stem + SIDECAR_SUFFIX)
            raise InputError(f"{sidecar}: field 'publisher_id': {doc.publisher_id!r} is not an entity id of the registry")


def check_local_aliases(documents: list[Document], registry: Registry, skipped: bool) -> None:
    """A local alias names a document; a typo there would silently switch the alias off.
    When documents were skipped (--keep-going), aliases of the skipped ones simply do not apply."""
    present = {d.doc_id for d in documents}
    for entity in registry.entities:
        for doc_id, _ in entity.local_aliases:
            if doc_id not in present and not skipped:
                raise InputError(f"{entity.origin}: field 'local_aliases': unknown document {doc_id!r}")


def assemble(sources: Sources, progress: Progress, keep_going: bool = False) -> KnowledgeGraph:
    """Everything up to the in-memory graph; no file is written. With keep_going, a bad
    document is left out (and listed) instead of stopping the build."""
    with progress.stage("read ontology and themes"):
        vocab = Vocabulary.load(sources.ontology_dir)
    skipped: list[str] = []
    with progress.stage("read corpus"):
        if keep_going:
            documents, skipped = read_corpus_lenient(sources.corpus_dir)
            if not documents:
                raise InputError(f"{sources.corpus_dir}: no readable documents ({len(skipped)} skipped)")
        else:
            documents = read_corpus(sources.corpus_dir)
    with progress.stage("read registry"):
        registry = load_registry(vocab, sources.registry_dir)
        check_publishers(documents, registry)
        check_local_aliases(documents, registry, bool(skipped))
    with progress.stage("locate evidence passages"):
        by_id = {d.doc_id: d for d in documents}
        registry_facts = registry.facts
        if keep_going and skipped:
            registry_facts = tuple(f for f in registry.facts if f.doc_id in by_id)
            if len(registry_facts) < len(registry.facts):
                skipped.append(f"{len(registry.facts) - len(registry_facts)} curated fact(s) left out: "
                               "their document was skipped")
        curated = require_located(registry_facts, by_id)
    with progress.stage("extract mentions, entities and facts"):
        extraction = extract(documents, registry, themes=vocab.theme_labels)
        extracted, participations = to_facts(extraction, documents, registry, vocab)
        discovered = [extraction.discovered[k] for k in sorted(extraction.discovered)] + participations
        # A rule that finds what a curator quoted with the very same passage adds nothing:
        # the curated record (with its own method and confidence) is the evidence.
        seen = {f.evidence_iri for f in curated}
        facts = list(curated)
        for fact in extracted:  # one evidence record per (triple, passage), whatever found it
            if fact.evidence_iri not in seen:
                seen.add(fact.evidence_iri)
                facts.append(fact)
        conflicts = find_conflicts(facts, vocab)
    with progress.stage("assemble graph"):
        mentions = [m for doc_id in sorted(extraction.mentions) for m in extraction.mentions[doc_id]]
        contradictions = [(a.evidence_iri, b.evidence_iri) for c in conflicts
                          for i, a in enumerate(c.facts) for b in c.facts[i + 1:]
                          if str(a.value) != str(b.value)]
        quads = build_quads(vocab, registry, documents, facts, discovered, mentions, contradictions)
        union = union_graph(quads)
    return KnowledgeGraph(vocab, documents, registry, facts, quads, union, extraction, discovered, conflicts, skipped)


def check(kg: KnowledgeGraph, progress: Progress) -> ValidationResult:
    with progress.stage("validate with SHACL"):
        return validate_graph(kg.union, store=sparql_store(kg.oxigraph_quads))


def require_conformance(validation: ValidationResult) -> None:
    if not validation.conforms:
        shown = "\n".join(f.line() for f in validation.violations[:20])
        raise ValidationFailed(f"SHACL: {len(validation.violations)} violation(s); nothing published\n{shown}")


def write_exports(kg: KnowledgeGraph, staging: Path, progress: Progress, reason: bool) -> HermitRun | None:
    """Every export into staging; with reason, HermiT starts on the RDF/XML as soon as it is
    written (first), in its own JVM, so it reasons on the other core while this process goes
    on with the other exports and SHACL."""
    hermit = None
    with progress.stage("write exports"):
        for fmt, data in iter_exports(EXPORT_ORDER, kg.oxigraph_quads):
            (staging / BUILD_EXPORTS[fmt]).write_bytes(data)
            if fmt == "owl" and reason:
                hermit = start_hermit(staging / BUILD_EXPORTS["owl"], triples=[q.triple for q in kg.oxigraph_quads])
        (staging / CONTEXT_NAME).write_bytes(CONTEXT_FILE.read_bytes())
    return hermit


def finish_reasoning(hermit: HermitRun, staging: Path, progress: Progress) -> bool:
    """Wait for HermiT (the stage's time is what is left of its run) and stop on inconsistency."""
    with progress.stage("reason with HermiT (consistency, inferred hierarchy)"):
        report = hermit.finish(staging / "migration-kg-inferred.owl")
    if not report.consistent:
        raise KGError(f"HermiT: the ontology with its individuals is inconsistent: {report.message}")
    return True


def write_summary(kg: KnowledgeGraph, validation: ValidationResult, consistent: bool | None, staging: Path) -> None:
    summary = {"version": __version__, "documents": len(kg.documents), "entities": len(kg.registry.entities),
               "discovered_entities": len(kg.discovered), "conflicts": len(kg.conflicts),
               "mentions": sum(len(m) for m in kg.extraction.mentions.values()),
               "facts": len(kg.facts), "triples": len(kg.union),
               # rdflib's Dataset.graphs(), which this figure used to count, lists the default graph too
               "graphs": len({g for *_, g in kg.quads}) + 1, "consistent": consistent,
               "shacl_conforms": validation.conforms, "skipped": kg.skipped}
    (staging / "build-summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def build(sources: Sources, out_dir: Path, progress: Progress, reason: bool = True, docs: bool = True,
          keep_going: bool = False) -> BuildResult:
    """Build and publish atomically into out_dir; on any error the previous build stays.
    Everything is written into a staging folder first; nothing is published unless SHACL
    conforms and HermiT (running meanwhile in its own JVM) finds the graph consistent."""
    kg = assemble(sources, progress, keep_going)
    staging = new_staging_dir(out_dir)
    hermit = None
    try:
        hermit = write_exports(kg, staging, progress, reason)
        validation = check(kg, progress)
        require_conformance(validation)
        (staging / "validation-report.txt").write_text(validation.report_text(), encoding="utf-8")
        if docs:
            from .docs import write_ontology_docs
            with progress.stage("write ontology documentation (pyLODE)"):
                write_ontology_docs(kg.vocab, staging / "docs")
        consistent = finish_reasoning(hermit, staging, progress) if hermit is not None else None
        write_summary(kg, validation, consistent, staging)
        publish(staging, out_dir)
    except BaseException:
        if hermit is not None:
            hermit.cancel()
        discard(staging)
        raise
    return BuildResult(out_dir, kg, validation, dict(progress.timings), consistent)
