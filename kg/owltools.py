"""OWL tooling for the build: an OWL 2 DL profile check and a HermiT run.

Why this module exists: ``build/migration-kg.owl`` is meant to be opened in
Protégé.  rdflib will happily serialise RDF that Protégé then shows with parse
errors, punned/undeclared entities or a reasoner that refuses to start.  The
only reliable way to know what Protégé will see is to ask the library Protégé
is built on, the OWL API, so the DL check runs a small Java program
(``kg/java/DLProfileCheck.java``) against Debian's ``libowlapi-java`` jars.
Reasoning uses HermiT as shipped inside owlready2 (the same reasoner Protégé
offers by default), so the build needs no extra jars; its command line runs in a
JVM of its own that the build starts early and collects late (``start_hermit``),
without owlready2's Python-side copy of the whole graph (which cost more than
HermiT itself).

Everything here runs real Java; nothing is emulated.  Errors that a build
should stop on are raised as :class:`OwlToolsError` (or a subclass) with a
one-line message that names the file and the cause.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable

import pyoxigraph as ox

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
    "start_hermit",
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
# HermiT (the jar bundled with owlready2), run as its own JVM
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


def find_non_owl2_datatypes(triples: Iterable[ox.Triple]) -> dict[str, int]:
    """Count literal datatypes outside the OWL 2 datatype map in pyoxigraph triples.

    Exists because both HermiT and the DL profile check reject such literals,
    and the build wants to say *which* datatypes are involved before either runs.
    """
    counts: Counter[str] = Counter()
    for triple in triples:
        obj = triple.object
        if isinstance(obj, ox.Literal) and not obj.language and obj.datatype.value not in OWL2_DATATYPES:
            counts[obj.datatype.value] += 1
    return dict(sorted(counts.items()))


_OX_FORMAT_BY_SUFFIX = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".n3": ox.RdfFormat.N3,
                        ".jsonld": ox.RdfFormat.JSON_LD, ".trig": ox.RdfFormat.TRIG}


def _read_triples(owl_file: Path) -> list[ox.Triple]:
    """The file's triples (RDF/XML unless the suffix says otherwise; a TriG file's graphs merged);
    a parse error becomes an OwlToolsError naming the file."""
    fmt = _OX_FORMAT_BY_SUFFIX.get(owl_file.suffix.lower(), ox.RdfFormat.RDF_XML)
    try:
        with owl_file.open("rb") as fh:
            return [q.triple for q in ox.parse(fh, format=fmt, base_iri=owl_file.resolve().as_uri())]
    except (SyntaxError, ValueError) as exc:
        raise OwlToolsError(f"{owl_file}: could not parse it as {fmt.name}: {' '.join(str(exc).split())}") from exc


def _hermit_classpath() -> str:
    """owlready2's HermiT: its patched CommandLine classes first, then HermiT.jar (with OWL API 3)."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or not spec.submodule_search_locations:
        raise OwlToolsError("owlready2 (which ships HermiT) is not installed")
    hermit = Path(list(spec.submodule_search_locations)[0]) / "hermit"
    return os.pathsep.join([str(hermit), str(hermit / "HermiT.jar")])


#: HermiT's JVM: 2 GB heap as owlready2 gives it; the client compiler only, because C2's
#: compilation threads took a second core and doubled HermiT's CPU time on the build
#: (about 10 s → 4.5 s of CPU), and the serial collector, which is enough for one thread.
HERMIT_JVM_OPTIONS = ("-Xmx2000M", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
_HERMIT_LINE = re.compile(r"^([A-Za-z]+)\( ((?:<[^>]+>\s*)+) \)$", re.MULTILINE)
_OWL_IMPORTS = ox.NamedNode(_OWL + "imports")
_RDFXML_SUFFIXES = (".owl", ".rdf", ".xml")

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


@dataclass
class _Asserted:
    """What the input asserts, as the inferred ontology needs it (IRIs as strings)."""

    ontology_iri: str = ""
    subclass_of: set[tuple[str, str]] = field(default_factory=set)
    equivalent: set[tuple[str, str]] = field(default_factory=set)
    types: set[tuple[str, str]] = field(default_factory=set)
    declared_classes: set[str] = field(default_factory=set)
    individuals: set[str] = field(default_factory=set)
    not_individuals: set[str] = field(default_factory=set)


def _asserted(triples: Iterable[ox.Triple]) -> _Asserted:
    rdf_type, sub_class_of, equivalent_class = _RDF + "type", _RDFS + "subClassOf", _OWL + "equivalentClass"
    found = _Asserted()
    for t in triples:
        if not (isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)):
            continue
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if p == sub_class_of and not _is_builtin(s) and not o.startswith(_OWL):
            found.subclass_of.add((s, o))
        elif p == equivalent_class and not _is_builtin(s):
            found.equivalent.add((s, o))
        elif p == rdf_type and o == _OWL + "NamedIndividual":
            found.individuals.add(s)
        elif p == rdf_type and o in _NON_INDIVIDUAL_TYPES:
            found.not_individuals.add(s)
            if o == _OWL + "Ontology" and not found.ontology_iri:
                found.ontology_iri = s.rstrip("#/")
            if o == _OWL + "Class" and not _is_builtin(s):
                found.declared_classes.add(s)
        elif p == rdf_type and not _is_builtin(o):
            found.types.add((s, o))
    return found


@dataclass
class _Inferred:
    """HermiT's answer: the named-class hierarchy and the individuals' direct types."""

    subclass_of: set[tuple[str, str]] = field(default_factory=set)
    equivalent: set[tuple[str, str]] = field(default_factory=set)
    types: set[tuple[str, str]] = field(default_factory=set)


def _parse_hermit_output(output: str) -> _Inferred:
    """Read HermiT's `-c -I` output (functional-syntax lines, named entities only) the way
    owlready2 reads it: OWL built-ins are never reparented, and an EquivalentClasses line with
    owl:Nothing makes each of its classes unsatisfiable."""
    found = _Inferred()
    nothing = _OWL + "Nothing"
    for relation, iris in _HERMIT_LINE.findall(output):
        terms = iris.strip()[1:-1].split("> <")
        if relation == "SubClassOf" and not terms[0].startswith(_OWL) and not terms[1].startswith(_OWL):
            found.subclass_of.add((terms[0], terms[1]))
        elif relation == "Type" and not _is_builtin(terms[1]):
            found.types.add((terms[0], terms[1]))
        elif relation == "EquivalentClasses" and nothing in terms:
            found.equivalent |= {(c, nothing) for c in terms if not c.startswith(_OWL)}
        elif relation == "EquivalentClasses":
            found.equivalent |= {(a, b) for a in terms if not a.startswith(_OWL) for b in terms if b != a}
    return found


@dataclass
class HermitRun:
    """HermiT working on one file in its own JVM (so on another core while the caller goes on);
    ``finish`` waits for it and reads the answer, ``cancel`` stops it."""

    file: Path
    process: subprocess.Popen
    output: IO[bytes]  #: HermiT's stdout and stderr (a file: a pipe would stall it until finish)
    triples: list[ox.Triple]
    ignore_unsupported_datatypes: bool
    started: float
    reasoner_started: float
    input_copy: Path | None = None  #: the input without owl:imports, when it had some

    def cancel(self) -> None:
        self.process.kill()
        self.process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        self.output.close()
        if self.input_copy is not None:
            self.input_copy.unlink(missing_ok=True)

    def finish(self, inferred_out: Path | None = None, timeout: float = 600.0) -> ReasonerReport:
        """Wait for HermiT; with inferred_out, write the asserted plus inferred hierarchy and types."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            self.cancel()
            raise OwlToolsError(f"{self.file}: HermiT timed out after {timeout:.0f}s") from exc
        reasoner_seconds = time.monotonic() - self.reasoner_started
        self.output.seek(0)
        text = self.output.read().decode("utf-8", errors="replace")
        self._cleanup()
        ignored = find_non_owl2_datatypes(self.triples) if self.ignore_unsupported_datatypes else {}
        if self.process.returncode == 1 and "Inconsistent ontology" in text:
            return ReasonerReport(file=self.file, consistent=False, message="HermiT: the ontology is inconsistent",
                                  seconds=time.monotonic() - self.started, reasoner_seconds=reasoner_seconds,
                                  ignored_datatypes=ignored)
        if self.process.returncode != 0:
            self._raise_failure(text)
        asserted, inferred = _asserted(self.triples), _parse_hermit_output(text)
        new_sub = inferred.subclass_of - asserted.subclass_of
        new_types = inferred.types - asserted.types
        new_equivalent = inferred.equivalent - asserted.equivalent
        out_path = Path(inferred_out) if inferred_out is not None else None
        if out_path is not None:
            # An rdf:type edge to a named class makes its subject an individual, unless the
            # subject is declared as a class, property, datatype or ontology (metamodelling/
            # punning is not what this file is about).
            typed = {i for i, _ in asserted.types | new_types}
            keep = (typed - asserted.not_individuals) | asserted.individuals
            types = {(i, c) for i, c in asserted.types | new_types if i in keep}
            _write_inferred(out_path, asserted.ontology_iri or self.file.resolve().as_uri(), asserted.subclass_of | new_sub,
                            asserted.equivalent | new_equivalent, types, asserted.declared_classes)
        return ReasonerReport(
            file=self.file,
            consistent=True,
            seconds=time.monotonic() - self.started,
            reasoner_seconds=reasoner_seconds,
            inferred_subclass_of=sorted(new_sub),
            inferred_types=sorted(new_types),
            unsatisfiable_classes=sorted({c for c, o in new_equivalent if o == _OWL + "Nothing"}),
            ignored_datatypes=ignored,
            inferred_out=out_path,
        )

    def _raise_failure(self, text: str) -> None:
        if "UnsupportedDatatypeException" in text:
            # HermiT stops at the first one; the literal scan names the rest.
            found = sorted(set(_DATATYPE_IN_MESSAGE.findall(text)) | set(find_non_owl2_datatypes(self.triples)))
            raise UnsupportedDatatypeError(
                f"{self.file}: HermiT does not support datatype(s) {', '.join(found) or '?'} "
                "(not in the OWL 2 datatype map); use OWL 2 datatypes (e.g. xsd:dateTime, xsd:integer, "
                "xsd:string) or pass ignore_unsupported_datatypes=True to drop those axioms as Protégé does",
                found,
            )
        first = next((ln.strip() for ln in text.splitlines() if "Exception" in ln), text.strip()[:300])
        raise OwlToolsError(f"{self.file}: HermiT failed: {first}")


def _hermit_copy(triples: list[ox.Triple]) -> Path:
    """A temporary N-Triples file for HermiT: no syntax for OWL API 3 to guess (what owlready2
    gave it too). RDF/XML files without owl:imports go to HermiT as they are: it reads that
    fastest (1.5 s against 2.3 s for the build's N-Triples)."""
    fd, name = tempfile.mkstemp(suffix=".nt")
    with os.fdopen(fd, "wb") as fh:
        ox.serialize(triples, fh, format=ox.RdfFormat.N_TRIPLES)
    return Path(name)


def start_hermit(
    owl_file: Path,
    *,
    ignore_unsupported_datatypes: bool = False,
    java_exe: str | None = None,
    triples: list[ox.Triple] | None = None,
) -> HermitRun:
    """Start HermiT (classification and realisation) on ``owl_file`` and return at once.

    The file is read here too (pyoxigraph), for what the inferred ontology repeats from it and
    to name unsupported datatypes, unless the caller passes its triples (the build has them in
    memory); HermiT never fetches owl:imports (they are left out, as owlready2 left them out).
    Raises :class:`JavaNotFoundError` when Java is
    missing and :class:`OwlToolsError` when the file cannot be read.
    """
    started = time.monotonic()
    owl_file = Path(owl_file)
    if not owl_file.is_file():
        raise OwlToolsError(f"{owl_file}: no such file")
    java = java_exe or "java"
    java_path = shutil.which(java)
    if not java_path:
        raise JavaNotFoundError(
            f"Java executable '{java}' not found; HermiT needs it (install Debian package default-jdk-headless)"
        )
    if triples is None:
        triples = _read_triples(owl_file)
    copy = None
    if owl_file.suffix.lower() not in _RDFXML_SUFFIXES or any(t.predicate == _OWL_IMPORTS for t in triples):
        copy = _hermit_copy([t for t in triples if t.predicate != _OWL_IMPORTS])
    command = [java_path, *HERMIT_JVM_OPTIONS, "-cp", _hermit_classpath(), "org.semanticweb.HermiT.cli.CommandLine",
               "-c", "-I", *(["--ignoreUnsupportedDatatypes"] if ignore_unsupported_datatypes else []),
               (copy or owl_file).resolve().as_uri()]
    output = tempfile.TemporaryFile()
    reasoner_started = time.monotonic()
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    return HermitRun(owl_file, process, output, triples, ignore_unsupported_datatypes, started, reasoner_started, copy)


def reason_with_hermit(
    owl_file: Path,
    inferred_out: Path | None = None,
    *,
    ignore_unsupported_datatypes: bool = False,
    java_exe: str | None = None,
) -> ReasonerReport:
    """Run HermiT (as bundled with owlready2) on ``owl_file`` and wait for it.

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
    individuals.  Each call is its own JVM, so nothing leaks between calls.
    """
    return start_hermit(owl_file, ignore_unsupported_datatypes=ignore_unsupported_datatypes,
                        java_exe=java_exe).finish(inferred_out)
