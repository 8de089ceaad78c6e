"""SHACL validation with a report a person can read: focus node label, path, message.

pySHACL runs without inference (the ontology's subclass axioms are in the data, which is
all sh:class needs); OWL-RL inside validation is a known several-hundred-fold slow-down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from .namespaces import PREFIXES
from .vocabulary import ONTOLOGY_DIR, parse_rdf_file

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    focus_label: str
    path: str
    message: str
    shape: str
    value: str

    def line(self) -> str:
        where = f" [{self.path}]" if self.path else ""
        label = f" “{self.focus_label}”" if self.focus_label else ""
        return f"{self.severity}: {self.focus}{label}{where}: {self.message}"


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    findings: tuple[Finding, ...]

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "Violation")

    def report_text(self) -> str:
        head = "CONFORMS" if self.conforms else "DOES NOT CONFORM"
        counts = {}
        for f in self.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        summary = ", ".join(f"{n} {s.lower()}(s)" for s, n in sorted(counts.items())) or "no findings"
        lines = [f"SHACL validation: {head} ({summary})"]
        lines += [f.line() for f in self.findings]
        return "\n".join(lines) + "\n"


def load_shapes(path: Path = SHAPES_FILE) -> Graph:
    return parse_rdf_file(path)


def short_name(node) -> str:
    """A stable, readable name for a term: a CURIE for the project's prefixes, <IRI> otherwise."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            local = str(node)[len(ns):]
            if str(node).startswith(ns) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    return f"_:{node}"


def _label(data: Graph, node) -> str:
    for prop in (RDFS.label, SKOS.prefLabel):
        value = data.value(node, prop)
        if value is not None:
            return str(value)
    return ""


def _owner_shape(shapes: Graph, shape):
    """The named node shape a finding comes from (property shapes are blank nodes)."""
    seen = set()
    while shape is not None and not isinstance(shape, URIRef) and shape not in seen:
        seen.add(shape)
        shape = shapes.value(predicate=SH.property, object=shape) or shapes.value(predicate=SH.node, object=shape)
    return shape


def validate_graph(data: Graph, shapes: Graph | None = None) -> ValidationResult:
    """Validate a graph (ontology and data together); warnings do not break conformance."""
    shapes = shapes if shapes is not None else load_shapes()
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                   allow_warnings=True, abort_on_first=False)
    for prefix, ns in PREFIXES.items():
        report.bind(prefix, ns)
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        shape = _owner_shape(shapes, report.value(result, SH.sourceShape))
        findings.append(Finding(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=short_name(focus),
            focus_label=_label(data, focus) if focus is not None else "",
            path=short_name(report.value(result, SH.resultPath)),
            message=str(message) if message is not None else "",
            shape=str(shape) if isinstance(shape, URIRef) else "",
            value=short_name(report.value(result, SH.value)),
        ))
    findings.sort(key=lambda f: ({"Violation": 0, "Warning": 1}.get(f.severity, 2), f.focus, f.path, f.message))
    return ValidationResult(conforms=bool(conforms), findings=tuple(findings))
