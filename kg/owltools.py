"""OWL tooling for the build: an OWL 2 DL profile check and a HermiT run.

Why this module exists: ``build/migration-kg.owl`` is meant to be opened in
Protégé.  rdflib will happily serialise RDF that Protégé then shows with parse
errors, punned/undeclared entities or a reasoner that refuses to start.  The
only reliable way to know what Protégé will see is to ask the library Protégé
is built on, the OWL API, so the DL check runs a small Java program
(``kg/java/DLProfileCheck.java``) against Debian's ``libowlapi-java`` jars.
Reasoning uses HermiT as shipped inside owlready2 (the same reasoner Protégé
offers by default), driven from Python so the build needs no extra jars.

Everything here runs real Java; nothing is emulated.  Errors that a build
should stop on are raised as :class:`OwlToolsError` (or a subclass) with a
one-line message that names the file and the cause.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .errors import KGError

__all__ = [
    "DEFAULT_JAVA_DIR",
    "OWL2_DATATYPES",
    "DLReport",
    "DLViolation",
    "JavaNotFoundError",
    "OwlToolsError",
    "ReasonerReport",
    "UnsupportedDatatypeError",
    "compile_checker",
    "dl_profile_report",
    "find_non_owl2_datatypes",
    "owlapi_classpath",
    "reason_with_hermit",
]

#: Where Debian installs Java libraries (with unversioned symlinks).
DEFAULT_JAVA_DIR = Path("/usr/share/java")

#: Source of the checker; compiled on demand by :func:`compile_checker`.
CHECKER_SOURCE = Path(__file__).resolve().parent / "java" / "DLProfileCheck.java"
CHECKER_CLASS = "DLProfileCheck"

# The OWL API jar plus the runtime dependencies it really touches when it
# parses RDF/XML or Turtle and runs the profile checker.  Worked out by running
# DLProfileCheck with each jar removed in turn (OpenJDK 17, Debian bookworm's
# libowlapi-java 5.1.20): every jar below is needed, either as a hard
# NoClassDefFoundError or because OWLManager's injector cannot build the
# parser list without it (rdf4j: the Rio parser factories are instantiated
# eagerly even when only the native RDF/XML parser is used).
# slf4j-simple is optional for the OWL API itself but without a binding the
# parser's warnings are silently dropped; with it they go to stderr, which
# dl_profile_report keeps.  The value is the Debian package that ships the jar
# (all of them are dependencies of libowlapi-java).
_OWLAPI_JARS: dict[str, str] = {
    "owlapi-distribution": "libowlapi-java",
    "guava": "libguava-java",
    "caffeine": "libcaffeine-java",
    "hppcrt": "libhppcrt-java",
    "atinject-jsr330-api": "libatinject-jsr330-api-java",
    "commons-rdf-api": "libcommons-rdf-java",
    "commons-io": "libcommons-io-java",
    "xz": "libxz-java",
    "slf4j-api": "libslf4j-java",
    "slf4j-simple": "libslf4j-java",
    "rdf4j-model-api": "librdf4j-java",
    "rdf4j-model": "librdf4j-java",
    "rdf4j-model-vocabulary": "librdf4j-java",
    "rdf4j-rio-api": "librdf4j-java",
    "rdf4j-util": "librdf4j-java",
}

#: The OWL 2 datatype map (OWL 2 Structural Specification, section 4).  HermiT
#: and the OWL API's DL profile check accept literals of these types only;
#: notably xsd:date, xsd:gYear and xsd:gYearMonth are *not* in it.
OWL2_DATATYPES: frozenset[str] = frozenset(
    ["http://www.w3.org/1999/02/22-rdf-syntax-ns#" + n for n in ("PlainLiteral", "XMLLiteral", "langString")]
    + ["http://www.w3.org/2000/01/rdf-schema#Literal"]
    + ["http://www.w3.org/2002/07/owl#" + n for n in ("real", "rational")]
    + [
        "http://www.w3.org/2001/XMLSchema#" + n
        for n in (
            "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger",
            "positiveInteger", "negativeInteger", "long", "int", "short", "byte",
            "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
            "double", "float", "string", "normalizedString", "token", "language",
            "Name", "NCName", "NMTOKEN", "boolean", "hexBinary", "base64Binary",
            "anyURI", "dateTime", "dateTimeStamp",
        )
    ]
)

# File suffix -> DLProfileCheck --format value.  Forcing the syntax means a
# broken file yields the one relevant parser error instead of a dozen
# messages from every parser the OWL API has (which is what "auto" gives).
_SYNTAX_BY_SUFFIX = {
    ".owl": "rdfxml",
    ".rdf": "rdfxml",
    ".ttl": "turtle",
    ".owx": "owlxml",
    ".ofn": "functional",
    ".omn": "manchester",
}

_RDFLIB_FORMAT_BY_SUFFIX = {".ttl": "turtle", ".nt": "nt", ".n3": "n3", ".jsonld": "json-ld", ".trig": "trig"}

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"


class OwlToolsError(KGError):
    """A problem the build must stop on; the message is one line and says what to do.

    A KGError, so the CLI prints it as one line instead of a traceback.
    """


class JavaNotFoundError(OwlToolsError):
    """``java`` (or ``javac``) is not on PATH; distinct so it is never confused with a bad ontology."""


class UnsupportedDatatypeError(OwlToolsError):
    """HermiT refused a literal whose datatype is outside the OWL 2 datatype map."""

    def __init__(self, message: str, datatypes: list[str]):
        super().__init__(message)
        self.datatypes = datatypes


# --------------------------------------------------------------------------
# Java plumbing
# --------------------------------------------------------------------------


def _require_tool(name: str, debian_package: str) -> str:
    """Return the path of a Java tool, or raise JavaNotFoundError saying what to install."""
    found = shutil.which(name)
    if not found:
        raise JavaNotFoundError(f"'{name}' not found on PATH; install Debian package {debian_package}")
    return found


def owlapi_classpath(java_dir: Path = DEFAULT_JAVA_DIR) -> str:
    """Return the class path (``os.pathsep``-joined jars) that runs the OWL API.

    The unversioned Debian symlinks are used so a Debian point release of a
    dependency does not break the build.  Missing jars are reported together
    with the Debian package that provides them, because the usual cause is a
    machine without ``libowlapi-java``.
    """
    java_dir = Path(java_dir)
    if not (java_dir / "owlapi-distribution.jar").is_file():
        raise OwlToolsError(f"OWL API jars not found in {java_dir}; install Debian package libowlapi-java")
    jars = [java_dir / f"{name}.jar" for name in _OWLAPI_JARS]
    missing = [jar for jar in jars if not jar.is_file()]
    if missing:
        packages = sorted({_OWLAPI_JARS[jar.stem] for jar in missing})
        raise OwlToolsError(
            f"OWL API dependencies missing in {java_dir}: {', '.join(j.name for j in missing)}; "
            f"install Debian package(s) {' '.join(packages)} (normally pulled in by libowlapi-java)"
        )
    return os.pathsep.join(str(jar) for jar in jars)


def compile_checker(cache_dir: Path, java_dir: Path = DEFAULT_JAVA_DIR) -> Path:
    """Compile ``DLProfileCheck.java`` into ``cache_dir`` unless an up-to-date class is there.

    Returns the directory to put on the class path.  The class is rebuilt when
    the source is newer than it.  Compilation happens in a private temporary
    directory and the class files are moved in with ``os.replace``, so parallel
    builds or test workers sharing a cache never see a half-written class.
    """
    cache_dir = Path(cache_dir)
    target = cache_dir / f"{CHECKER_CLASS}.class"
    if target.is_file() and target.stat().st_mtime_ns >= CHECKER_SOURCE.stat().st_mtime_ns:
        return cache_dir
    javac = _require_tool("javac", "default-jdk-headless")
    classpath = owlapi_classpath(java_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".javac-") as tmp:
        proc = subprocess.run(
            [javac, "-nowarn", "-encoding", "UTF-8", "-d", tmp, "-cp", classpath, str(CHECKER_SOURCE)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise OwlToolsError(
                f"javac failed on {CHECKER_SOURCE}: {detail[0] if detail else 'exit ' + str(proc.returncode)}"
            )
        # Main class last: its mtime is what marks the cache as fresh.
        classes = sorted(Path(tmp).glob("*.class"), key=lambda p: p.name == target.name)
        for compiled in classes:
            os.replace(compiled, cache_dir / compiled.name)
    return cache_dir


# --------------------------------------------------------------------------
# OWL 2 DL profile check
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DLViolation:
    """One OWL 2 DL profile violation as the OWL API reports it."""

    kind: str  #: simple class name, e.g. ``UseOfUndeclaredDatatype``
    message: str  #: the OWL API's ``toString()`` (names the offending axiom)


@dataclass
class DLReport:
    """What the OWL API made of an ontology document.

    ``unparsed_triples``, ``error_entities`` and ``missing_imports`` matter as
    much as the violations: Protégé shows them to the user as load errors or
    as mysterious classes named ``Error1``.  Unparsed triples come from the
    parser's log, because OWL API 5.1.20 leaves
    ``RDFParserMetaData.getUnparsedTriples()`` empty.
    """

    file: Path
    syntax: str
    document_format: str = ""
    ontology_iri: str = ""
    violations: list[DLViolation] = field(default_factory=list)
    axiom_count: int = 0
    signature: dict[str, int] = field(default_factory=dict)
    unparsed_triples: list[str] = field(default_factory=list)
    error_entities: list[str] = field(default_factory=list)  #: OWL API placeholders (…/error#ErrorN)
    guessed_declarations: list[tuple[str, str]] = field(default_factory=list)
    missing_imports: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  #: OWL API warnings (stderr)
    seconds: float = 0.0

    @property
    def violation_kinds(self) -> Counter[str]:
        """Count of violations per kind, handy for assertions and build summaries."""
        return Counter(v.kind for v in self.violations)

    @property
    def clean(self) -> bool:
        """True when Protégé would load the file without complaint and it is OWL 2 DL."""
        return not (self.violations or self.unparsed_triples or self.error_entities or self.missing_imports)

    def summary(self) -> str:
        """One line for build logs."""
        kinds = ", ".join(f"{k}×{n}" for k, n in sorted(self.violation_kinds.items())) or "none"
        return (
            f"{self.file.name}: {self.axiom_count} axioms, {len(self.violations)} DL violations ({kinds}), "
            f"{len(self.unparsed_triples)} unparsed triples, {len(self.error_entities)} error entities"
        )


def _syntax_for(path: Path) -> str:
    return _SYNTAX_BY_SUFFIX.get(path.suffix.lower(), "auto")


def dl_profile_report(
    owl_file: Path,
    cache_dir: Path,
    syntax: str | None = None,
    java_dir: Path = DEFAULT_JAVA_DIR,
    timeout: float = 600.0,
) -> DLReport:
    """Parse ``owl_file`` with the OWL API and run its OWL 2 DL profile check.

    ``syntax`` is one of ``rdfxml``, ``turtle``, ``owlxml``, ``functional``,
    ``manchester`` or ``auto`` (try every parser, like Protégé).  By default it
    follows the suffix (``.owl``/``.rdf`` are RDF/XML, which is what the build
    writes).  Raises :class:`OwlToolsError` naming the file and quoting the
    parser's message when the document cannot be parsed.
    """
    owl_file = Path(owl_file)
    if not owl_file.is_file():
        raise OwlToolsError(f"{owl_file}: no such file")
    syntax = syntax or _syntax_for(owl_file)
    java = _require_tool("java", "default-jdk-headless")
    class_dir = compile_checker(cache_dir, java_dir)
    classpath = owlapi_classpath(java_dir) + os.pathsep + str(class_dir)
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [java, "-cp", classpath, CHECKER_CLASS, "--format", syntax, str(owl_file)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise OwlToolsError(f"{owl_file}: OWL API check timed out after {timeout:.0f}s") from exc
    seconds = time.monotonic() - started
    lines = [line.split("\t") for line in proc.stdout.splitlines() if line.strip()]
    log = [line for line in proc.stderr.splitlines() if line.strip()]

    if proc.returncode == 2:
        errors = [f"{rec[1]}: {rec[2]}" if len(rec) > 2 else rec[-1] for rec in lines if rec[0] == "PARSE_ERROR"]
        raise OwlToolsError(f"{owl_file}: OWL API could not parse it ({syntax}): " + " | ".join(errors or log[:3]))
    if proc.returncode != 0:
        detail = [" ".join(rec[1:]) for rec in lines if rec[0] == "ERROR"] or log[:3] or [f"exit {proc.returncode}"]
        raise OwlToolsError(f"{owl_file}: OWL API checker failed: {' | '.join(detail)}")

    report = DLReport(file=owl_file, syntax=syntax, log=log, seconds=seconds)
    seen_total: int | None = None
    for rec in lines:
        tag, rest = rec[0], rec[1:]
        if tag == "FORMAT":
            report.document_format = rest[0]
        elif tag == "ONTOLOGY":
            report.ontology_iri = rest[0]
        elif tag == "VIOLATION":
            report.violations.append(DLViolation(rest[0], rest[1] if len(rest) > 1 else ""))
        elif tag == "UNPARSED":
            report.unparsed_triples.append(rest[0])
        elif tag == "ERROR_ENTITY":
            report.error_entities.append(rest[0])
        elif tag == "GUESSED":
            report.guessed_declarations.append((rest[0], rest[1] if len(rest) > 1 else ""))
        elif tag == "MISSING_IMPORT":
            report.missing_imports.append(" ".join(rest))
        elif tag == "SIGNATURE":
            report.signature = {k: int(v) for k, v in (item.split("=", 1) for item in rest[0].split())}
        elif tag == "AXIOMS":
            report.axiom_count = int(rest[0])
        elif tag == "VIOLATIONS":
            seen_total = int(rest[0])
    if seen_total is None or seen_total != len(report.violations):
        # The summary line is the checker's "I finished" marker; without it the
        # output was truncated and the report would under-count.
        raise OwlToolsError(f"{owl_file}: OWL API checker output incomplete (no matching VIOLATIONS line)")
    return report


# --------------------------------------------------------------------------
# HermiT via owlready2
# --------------------------------------------------------------------------


@dataclass
class ReasonerReport:
    """Outcome of one HermiT run.

    ``consistent`` is False only when HermiT proved the ontology inconsistent;
    tool failures are raised instead, so False never means "Java missing".
    """

    file: Path
    consistent: bool
    message: str | None = None  #: why it is inconsistent (None when consistent)
    seconds: float = 0.0  #: wall time of the whole call (load + HermiT + output)
    reasoner_seconds: float = 0.0  #: wall time of the HermiT subprocess alone
    inferred_subclass_of: list[tuple[str, str]] = field(default_factory=list)  #: new (sub, super) named-class edges
    inferred_types: list[tuple[str, str]] = field(default_factory=list)  #: new (individual, class) edges
    unsatisfiable_classes: list[str] = field(default_factory=list)
    ignored_datatypes: dict[str, int] = field(default_factory=dict)  #: non-OWL-2 literal datatypes HermiT skipped
    inferred_out: Path | None = None


def find_non_owl2_datatypes(triples: Iterable[tuple[object, object, object]]) -> dict[str, int]:
    """Count literal datatypes outside the OWL 2 datatype map in rdflib-style triples.

    Exists because both HermiT and the DL profile check reject such literals,
    and the build wants to say *which* datatypes are involved before either runs.
    """
    from rdflib import Literal

    counts: Counter[str] = Counter()
    for _s, _p, obj in triples:
        if isinstance(obj, Literal) and obj.datatype is not None and str(obj.datatype) not in OWL2_DATATYPES:
            counts[str(obj.datatype)] += 1
    return dict(sorted(counts.items()))


def _load_world(world: object, owl_file: Path) -> object:
    """Load ``owl_file`` into ``world``; owlready2 reads RDF/XML, OWL/XML and N-Triples
    natively, anything else rdflib understands is converted to N-Triples first."""
    fmt = _RDFLIB_FORMAT_BY_SUFFIX.get(owl_file.suffix.lower())
    onto = world.get_ontology(owl_file.resolve().as_uri())  # type: ignore[attr-defined]
    if fmt is None or fmt == "nt":
        with owl_file.open("rb") as fh:
            return onto.load(fileobj=fh) if fmt is None else onto.load(fileobj=fh, format="ntriples")
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(owl_file), format=fmt)
    data = graph.serialize(format="nt", encoding="utf-8")
    return onto.load(fileobj=io.BytesIO(data), format="ntriples")


def _exception_text(exc: BaseException) -> str:
    """owlready2 wraps parser messages in nested argument tuples; dig out the text."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, (tuple, list)):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value not in ("error", "warning"):
            texts.append(value)

    walk(exc.args)
    return f"{type(exc).__name__}: {' '.join(texts) or exc}"


def _is_named(term: object) -> bool:
    from rdflib import URIRef

    return isinstance(term, URIRef)


def _is_builtin(iri: str) -> bool:
    return iri.startswith((_OWL, _RDF, _RDFS, _XSD))


def _inferred_ontology_iri(ontology_iri: str) -> str:
    base = ontology_iri.rstrip("#/") or "urn:x-kg:ontology"
    return base + "-inferred"


def _write_inferred(
    out: Path,
    ontology_iri: str,
    subclass_edges: set[tuple[str, str]],
    equivalences: set[tuple[str, str]],
    types: set[tuple[str, str]],
    declared_classes: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Write the class hierarchy + individual types as a standalone OWL 2 DL ontology.

    Self-contained (no owl:imports) so Protégé opens it offline, and every
    entity is declared so the file itself passes the DL profile check.  The
    RDF/XML is written directly, sorted, rather than through rdflib, whose
    output order changes from run to run: a shipped build artefact should be
    byte-identical when nothing changed.  Written to a temporary file next to
    ``out`` and moved into place, so a crash never leaves a half-written file
    where the build ships it.
    """
    from xml.sax.saxutils import escape, quoteattr

    supers: dict[str, set[str]] = {}
    equivs: dict[str, set[str]] = {}
    for sub, sup in subclass_edges:
        supers.setdefault(sub, set()).add(sup)
    for a, b in equivalences:
        equivs.setdefault(a, set()).add(b)
    classes = {c for edge in subclass_edges | equivalences for c in edge} | {c for _, c in types}
    classes = {c for c in classes | set(declared_classes) if not _is_builtin(c)}
    ind_types: dict[str, set[str]] = {}
    for ind, cls in types:
        ind_types.setdefault(ind, set()).add(cls)

    onto = _inferred_ontology_iri(ontology_iri)
    comment = (
        f"Asserted and HermiT-inferred class hierarchy and individual types of <{ontology_iri}>. "
        "Generated by kg.owltools.reason_with_hermit; do not edit."
    )
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<rdf:RDF",
        f'    xmlns:rdf="{_RDF}"',
        f'    xmlns:rdfs="{_RDFS}"',
        f'    xmlns:owl="{_OWL}">',
        f"  <owl:Ontology rdf:about={quoteattr(onto)}>",
        f"    <rdfs:comment>{escape(comment)}</rdfs:comment>",
        "  </owl:Ontology>",
    ]
    for cls in sorted(classes):
        children = [f"    <rdfs:subClassOf rdf:resource={quoteattr(sup)}/>" for sup in sorted(supers.get(cls, ()))]
        children += [f"    <owl:equivalentClass rdf:resource={quoteattr(eq)}/>" for eq in sorted(equivs.get(cls, ()))]
        if children:
            lines += [f"  <owl:Class rdf:about={quoteattr(cls)}>", *children, "  </owl:Class>"]
        else:
            lines.append(f"  <owl:Class rdf:about={quoteattr(cls)}/>")
    for ind in sorted(ind_types):
        lines.append(f"  <owl:NamedIndividual rdf:about={quoteattr(ind)}>")
        lines += [f"    <rdf:type rdf:resource={quoteattr(cls)}/>" for cls in sorted(ind_types[ind])]
        lines.append("  </owl:NamedIndividual>")
    lines.append("</rdf:RDF>")
    data = ("\n".join(lines) + "\n").encode("utf-8")

    out.parent.mkdir(parents=True, exist_ok=True)
    # A plain open(..., "xb") (not mkstemp) so the file gets the usual
    # umask-derived permissions instead of 0600.
    tmp = out.parent / f".{out.name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_NON_INDIVIDUAL_TYPES = frozenset(
    [_OWL + n for n in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "Ontology", "Restriction")]
    + [_RDFS + "Datatype", _RDFS + "Class", _RDF + "Property"]
)

_DATATYPE_IN_MESSAGE = re.compile(r"datatype '([^']+)' is not part of the OWL 2 datatype map")


def reason_with_hermit(
    owl_file: Path,
    inferred_out: Path | None = None,
    *,
    ignore_unsupported_datatypes: bool = False,
    java_exe: str | None = None,
) -> ReasonerReport:
    """Run HermiT (as bundled with owlready2) on ``owl_file``.

    Returns ``consistent=False`` with a message when HermiT proves the ontology
    inconsistent.  Raises :class:`JavaNotFoundError` when Java is missing,
    :class:`UnsupportedDatatypeError` when a literal uses a datatype outside
    the OWL 2 map (xsd:date, xsd:gYear, xsd:gYearMonth ...) and
    ``ignore_unsupported_datatypes`` is False, and :class:`OwlToolsError` for
    any other failure.  ``ignore_unsupported_datatypes=True`` passes HermiT's
    ``--ignoreUnsupportedDatatypes``: axioms using such datatypes are dropped
    from reasoning (this is what Protégé's HermiT plugin does); the report then
    lists the datatypes that were skipped.

    With ``inferred_out`` an RDF/XML ontology is written holding asserted plus
    inferred ``rdfs:subClassOf`` between named classes (HermiT reports direct
    superclasses; the transitive closure is not spelled out), asserted plus
    inferred ``owl:equivalentClass`` between named classes (``owl:Nothing`` marks an
    unsatisfiable class) and asserted plus inferred named ``rdf:type`` of
    individuals.  A fresh ``owlready2.World`` is used and closed on every call,
    so nothing leaks between calls.
    """
    import owlready2
    from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World

    started = time.monotonic()
    owl_file = Path(owl_file)
    if not owl_file.is_file():
        raise OwlToolsError(f"{owl_file}: no such file")
    java = java_exe or owlready2.JAVA_EXE
    java_path = shutil.which(java)
    if not java_path:
        raise JavaNotFoundError(
            f"Java executable '{java}' not found; HermiT needs it (install Debian package default-jdk-headless)"
        )

    world = World()
    try:
        try:
            onto = _load_world(world, owl_file)
        except Exception as exc:  # owlready2 raises several parser-specific types
            raise OwlToolsError(f"{owl_file}: owlready2 could not load it: {_exception_text(exc)}") from exc
        ontology_iri = onto.base_iri.rstrip("#/") if onto.base_iri else ""
        graph = world.as_rdflib_graph()
        unsupported = find_non_owl2_datatypes(graph.triples((None, None, None)))

        # A dedicated ontology receives the inferences, so asserted and inferred
        # triples stay apart (owlready2 only adds triples that were not asserted).
        inferences = world.get_ontology("urn:x-kg-owltools:inferences#")
        previous_java = owlready2.JAVA_EXE
        owlready2.JAVA_EXE = java_path
        reasoner_started = time.monotonic()
        try:
            with inferences:
                owlready2.sync_reasoner_hermit(
                    world,
                    infer_property_values=False,
                    debug=0,
                    ignore_unsupported_datatypes=ignore_unsupported_datatypes,
                )
        except OwlReadyInconsistentOntologyError as exc:
            detail = str(exc).strip()
            return ReasonerReport(
                file=owl_file,
                consistent=False,
                message="HermiT: the ontology is inconsistent" + (f" ({detail})" if detail else ""),
                seconds=time.monotonic() - started,
                reasoner_seconds=time.monotonic() - reasoner_started,
                ignored_datatypes=unsupported if ignore_unsupported_datatypes else {},
            )
        except OwlReadyJavaError as exc:
            text = str(exc)
            if "UnsupportedDatatypeException" in text:
                # HermiT stops at the first one; the literal scan names the rest.
                found = sorted(set(_DATATYPE_IN_MESSAGE.findall(text)) | set(unsupported))
                raise UnsupportedDatatypeError(
                    f"{owl_file}: HermiT does not support datatype(s) {', '.join(found) or '?'} "
                    "(not in the OWL 2 datatype map); use OWL 2 datatypes (e.g. xsd:dateTime, xsd:integer, "
                    "xsd:string) or pass ignore_unsupported_datatypes=True to drop those axioms as Protégé does",
                    found,
                ) from exc
            first = next((ln.strip() for ln in text.splitlines() if "Exception" in ln), text.strip()[:300])
            raise OwlToolsError(f"{owl_file}: HermiT failed: {first}") from exc
        except FileNotFoundError as exc:  # java vanished between the check and the run
            raise JavaNotFoundError(f"Java executable '{java}' not found; HermiT needs it") from exc
        finally:
            owlready2.JAVA_EXE = previous_java
        reasoner_seconds = time.monotonic() - reasoner_started

        inferred_graph = graph.get_context(inferences)
        rdf_type = _RDF + "type"
        sub_class_of = _RDFS + "subClassOf"
        equivalent_class = _OWL + "equivalentClass"
        new_sub: set[tuple[str, str]] = set()
        new_types: set[tuple[str, str]] = set()
        equivalences: set[tuple[str, str]] = set()
        for s, p, o in inferred_graph.triples((None, None, None)):
            if not (_is_named(s) and _is_named(o)):
                continue
            s, p, o = str(s), str(p), str(o)
            if p == sub_class_of and not o.startswith(_OWL):
                new_sub.add((s, o))
            elif p == equivalent_class:
                equivalences.add((s, o))
            elif p == rdf_type and not _is_builtin(o):
                new_types.add((s, o))
        unsatisfiable = sorted({s for s, o in equivalences if o == _OWL + "Nothing"})

        out_path: Path | None = None
        if inferred_out is not None:
            out_path = Path(inferred_out)
            asserted_sub: set[tuple[str, str]] = set()
            asserted_types: set[tuple[str, str]] = set()
            asserted_equiv: set[tuple[str, str]] = set()
            declared_classes: set[str] = set()
            individuals: set[str] = set()
            not_individuals: set[str] = set()
            for s, p, o in graph.triples((None, None, None)):
                if not (_is_named(s) and _is_named(o)):
                    continue
                s, p, o = str(s), str(p), str(o)
                if p == sub_class_of and not _is_builtin(s) and not o.startswith(_OWL):
                    asserted_sub.add((s, o))
                elif p == equivalent_class and not _is_builtin(s):
                    asserted_equiv.add((s, o))
                elif p == rdf_type and o == _OWL + "NamedIndividual":
                    individuals.add(s)
                elif p == rdf_type and o in _NON_INDIVIDUAL_TYPES:
                    not_individuals.add(s)
                    if o == _OWL + "Class" and not _is_builtin(s):
                        declared_classes.add(s)
                elif p == rdf_type and not _is_builtin(o):
                    asserted_types.add((s, o))
            # An rdf:type edge to a named class makes its subject an individual,
            # unless the subject is declared as a class, property, datatype or
            # ontology (metamodelling/punning is not what this file is about).
            typed = {s for s, _ in asserted_types | new_types}
            keep = (typed - not_individuals) | individuals
            types = {(i, c) for i, c in asserted_types | new_types if i in keep}
            _write_inferred(
                out_path, ontology_iri, asserted_sub | new_sub, asserted_equiv | equivalences, types, declared_classes
            )

        return ReasonerReport(
            file=owl_file,
            consistent=True,
            seconds=time.monotonic() - started,
            reasoner_seconds=reasoner_seconds,
            inferred_subclass_of=sorted(new_sub),
            inferred_types=sorted(new_types),
            unsatisfiable_classes=unsatisfiable,
            ignored_datatypes=unsupported if ignore_unsupported_datatypes else {},
            inferred_out=out_path,
        )
    finally:
        world.close()
