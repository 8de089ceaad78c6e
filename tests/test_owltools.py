"""Tests for kg.owltools against the real OWL API (Debian libowlapi-java) and
the real HermiT bundled with owlready2.  Nothing is mocked: these tests are the
evidence that the build's output opens cleanly in Protégé-like tooling.

The calendar-datatype tests pin down behaviour the build depends on (OWL API
5.1.20 / HermiT 1.4.x): if a library upgrade changes it, they fail loudly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS

from kg import owltools
from kg.owltools import (
    JavaNotFoundError,
    OwlToolsError,
    UnsupportedDatatypeError,
    compile_checker,
    dl_profile_report,
    owlapi_classpath,
    reason_with_hermit,
)

FIXTURES = Path(__file__).parent / "fixtures" / "owl"
XSD = "http://www.w3.org/2001/XMLSchema#"
CALENDAR_TYPES = {XSD + "date", XSD + "gYear", XSD + "gYearMonth"}

# Deliberately no skip when Java or the OWL API is missing: a skipped check
# would let a machine without them pass CI.  `make setup` installs both.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("owltools-cache")


def _to_rdfxml(src: Path, dest: Path) -> Path:
    """Serialise a fixture with rdflib's RDF/XML writer, the way the build writes its .owl."""
    graph = rdflib.Graph()
    graph.parse(src)
    graph.serialize(destination=dest, format="xml")
    return dest


# --------------------------------------------------------------------------
# class path and compilation
# --------------------------------------------------------------------------


def test_classpath_jars_exist() -> None:
    entries = owlapi_classpath().split(os.pathsep)
    assert Path(entries[0]).name == "owlapi-distribution.jar"
    assert all(Path(e).is_file() for e in entries)
    names = {Path(e).stem for e in entries}
    assert {"guava", "caffeine", "commons-rdf-api", "rdf4j-rio-api", "slf4j-api"} <= names


def test_classpath_without_owlapi_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(OwlToolsError) as err:
        owlapi_classpath(tmp_path)
    assert str(err.value) == (
        f"OWL API jars not found in {tmp_path}; install Debian package libowlapi-java"
    )


def test_classpath_with_missing_dependency_names_jar_and_package(tmp_path: Path) -> None:
    (tmp_path / "owlapi-distribution.jar").write_bytes(b"")
    with pytest.raises(OwlToolsError) as err:
        owlapi_classpath(tmp_path)
    message = str(err.value)
    assert "guava.jar" in message and "libguava-java" in message
    assert "\n" not in message


def test_compile_checker_caches_and_recompiles_when_source_is_newer(tmp_path: Path) -> None:
    class_dir = compile_checker(tmp_path)
    class_file = class_dir / "DLProfileCheck.class"
    assert class_file.is_file()
    first = class_file.stat().st_mtime_ns
    assert compile_checker(tmp_path) == class_dir
    assert class_file.stat().st_mtime_ns == first  # cached, not rebuilt

    source_mtime = owltools.CHECKER_SOURCE.stat().st_mtime
    os.utime(class_file, (source_mtime - 100, source_mtime - 100))
    compile_checker(tmp_path)
    assert class_file.stat().st_mtime > source_mtime - 100  # rebuilt
    assert not list(tmp_path.glob(".javac-*"))  # no temporary directories left


# --------------------------------------------------------------------------
# OWL 2 DL profile check
# --------------------------------------------------------------------------


def test_dl_clean_fixture_has_no_violations(cache_dir: Path) -> None:
    report = dl_profile_report(FIXTURES / "dl_clean.owl", cache_dir)
    assert report.violations == []
    assert report.clean
    assert report.document_format == "RDF/XML Syntax"
    assert report.ontology_iri == "http://example.org/clean"
    assert report.signature == {
        "classes": 3,
        "objectProperties": 1,
        "dataProperties": 2,
        # dcterms:title, dcterms:license, ex:source, rdfs:label, rdfs:comment, owl:versionInfo
        "annotationProperties": 6,
        "individuals": 3,
        "datatypes": 3,
    }
    assert report.axiom_count == 24
    assert report.unparsed_triples == [] and report.error_entities == []


def test_dl_clean_survives_rdflib_rdfxml_round_trip(cache_dir: Path, tmp_path: Path) -> None:
    """The build writes RDF/XML with rdflib: its owl:Axiom blank nodes must still parse."""
    out = _to_rdfxml(FIXTURES / "dl_clean.owl", tmp_path / "roundtrip.owl")
    report = dl_profile_report(out, cache_dir)
    assert report.clean, report.violations
    assert report.axiom_count == 24


def test_non_dl_fixture_reports_specific_violations(cache_dir: Path) -> None:
    report = dl_profile_report(FIXTURES / "non_dl.ttl", cache_dir)
    assert report.document_format == "Turtle Syntax"
    assert dict(report.violation_kinds) == {
        "UseOfNonSimplePropertyInCardinalityRestriction": 1,
        "IllegalPunning": 1,
        "UseOfUndeclaredAnnotationProperty": 1,
    }
    assert not report.clean
    punning = next(v for v in report.violations if v.kind == "IllegalPunning")
    assert "http://example.org/nondl#code" in punning.message
    # The OWL API also warns on stderr about the redeclaration; it is kept.
    assert any("Illegal redeclarations" in line for line in report.log)


def test_unparseable_file_raises_with_file_name_and_parser_message(cache_dir: Path) -> None:
    with pytest.raises(OwlToolsError) as err:
        dl_profile_report(FIXTURES / "unparseable.owl", cache_dir)
    message = str(err.value)
    assert "unparseable.owl" in message
    assert "must be terminated by the matching end-tag" in message
    assert "\n" not in message


def test_unparseable_file_in_auto_mode_lists_every_parser(cache_dir: Path) -> None:
    with pytest.raises(OwlToolsError) as err:
        dl_profile_report(FIXTURES / "unparseable.owl", cache_dir, syntax="auto")
    assert "RDFXMLParser" in str(err.value) and "TurtleOntologyParser" in str(err.value)
    assert "UnsupportedRDFormatException" not in str(err.value)


def test_missing_file_is_an_error(cache_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(OwlToolsError, match="nope.owl: no such file"):
        dl_profile_report(tmp_path / "nope.owl", cache_dir)


def test_unparsed_triples_and_error_entities_are_reported(cache_dir: Path) -> None:
    report = dl_profile_report(FIXTURES / "unparsed_triples.ttl", cache_dir)
    assert len(report.unparsed_triples) == 2
    assert any(
        t == "http://example.org/unparsed#A -> http://www.w3.org/2002/07/owl#someValuesFrom -> "
        "http://example.org/unparsed#A"
        for t in report.unparsed_triples
    )
    assert report.error_entities == ["http://org.semanticweb.owlapi/error#Error1"]
    assert dict(report.violation_kinds) == {"UseOfUndeclaredClass": 1}
    assert not report.clean


@pytest.mark.parametrize("as_rdfxml", [False, True], ids=["turtle", "rdfxml"])
def test_calendar_datatypes_are_not_owl2_dl(cache_dir: Path, tmp_path: Path, as_rdfxml: bool) -> None:
    """xsd:date/gYear/gYearMonth literals: each yields UseOfUndeclaredDatatype and
    UseOfDefinedDatatypeInLiteral, also when the property has no rdfs:range."""
    src = FIXTURES / "calendar_datatypes.ttl"
    if as_rdfxml:
        src = _to_rdfxml(src, tmp_path / "calendar.owl")
    report = dl_profile_report(src, cache_dir)
    assert dict(report.violation_kinds) == {"UseOfUndeclaredDatatype": 3, "UseOfDefinedDatatypeInLiteral": 3}
    undeclared = {v.message.split("Use of undeclared datatype: ")[1].split(" ")[0]
                  for v in report.violations if v.kind == "UseOfUndeclaredDatatype"}
    assert undeclared == {"xsd:date", "xsd:gYear", "xsd:gYearMonth"}


@pytest.mark.parametrize("as_rdfxml", [False, True], ids=["turtle", "rdfxml"])
def test_declaring_calendar_datatypes_removes_only_the_undeclared_violation(
    cache_dir: Path, tmp_path: Path, as_rdfxml: bool
) -> None:
    src = FIXTURES / "calendar_datatypes_declared.ttl"
    if as_rdfxml:
        src = _to_rdfxml(src, tmp_path / "calendar_declared.owl")
    report = dl_profile_report(src, cache_dir)
    assert dict(report.violation_kinds) == {"UseOfDefinedDatatypeInLiteral": 3}


def test_declared_calendar_datatype_as_range_only_is_dl(cache_dir: Path) -> None:
    report = dl_profile_report(FIXTURES / "calendar_range_only.ttl", cache_dir)
    assert report.clean, report.violations


def test_dl_check_without_java_is_a_java_error(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(JavaNotFoundError, match="'java' not found"):
        dl_profile_report(FIXTURES / "dl_clean.owl", cache_dir)


# --------------------------------------------------------------------------
# HermiT
# --------------------------------------------------------------------------

CONS = "http://example.org/consistent#"


def test_consistent_ontology_and_inferred_hierarchy(cache_dir: Path, tmp_path: Path) -> None:
    src = FIXTURES / "consistent.owl"
    out = tmp_path / "build" / "consistent-inferred.owl"
    report = reason_with_hermit(src, out)
    assert report.consistent is True
    assert report.message is None
    assert report.inferred_out == out
    assert report.seconds >= report.reasoner_seconds > 0
    assert (CONS + "Refugee", CONS + "ForcedMigrant") in report.inferred_subclass_of
    assert (CONS + "amina", CONS + "ForcedMigrant") in report.inferred_types

    asserted = rdflib.Graph().parse(src)
    inferred = rdflib.Graph().parse(out)
    refugee, forced = rdflib.URIRef(CONS + "Refugee"), rdflib.URIRef(CONS + "ForcedMigrant")
    # An inferred subClassOf that was not asserted ...
    assert (refugee, RDFS.subClassOf, forced) not in asserted
    assert (refugee, RDFS.subClassOf, forced) in inferred
    # ... next to the asserted one and the inferred individual type.
    assert (refugee, RDFS.subClassOf, rdflib.URIRef(CONS + "Migrant")) in inferred
    assert (rdflib.URIRef(CONS + "amina"), RDF.type, forced) in inferred
    assert (rdflib.URIRef(CONS + "amina"), RDF.type, forced) not in asserted
    # Every declared class is there, also one without sub/superclasses or members.
    assert (rdflib.URIRef(CONS + "Treaty"), RDF.type, rdflib.OWL.Class) in inferred
    # Only named classes: no restriction blank nodes leak into the hierarchy.
    assert all(isinstance(o, rdflib.URIRef) for o in inferred.objects(None, RDFS.subClassOf))
    assert not list(tmp_path.joinpath("build").glob(".*.tmp"))

    # The shipped file must itself open cleanly (OWL 2 DL, nothing unparsed).
    dl = dl_profile_report(out, cache_dir)
    assert dl.clean, dl.violations
    assert dl.ontology_iri == "http://example.org/consistent-inferred"


def test_inferred_output_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.owl", tmp_path / "b.owl"
    reason_with_hermit(FIXTURES / "consistent.owl", a)
    reason_with_hermit(FIXTURES / "consistent.owl", b)
    assert a.read_bytes() == b.read_bytes()


def test_inconsistent_ontology_reports_false(tmp_path: Path) -> None:
    out = tmp_path / "never.owl"
    report = reason_with_hermit(FIXTURES / "inconsistent.ttl", out)
    assert report.consistent is False
    assert report.message and "inconsistent" in report.message
    assert report.inferred_out is None
    assert not out.exists()


def test_unsatisfiable_class_is_reported_and_written(cache_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "unsat-inferred.owl"
    report = reason_with_hermit(FIXTURES / "unsatisfiable.ttl", out)
    assert report.consistent is True
    assert report.unsatisfiable_classes == ["http://example.org/unsat#StatelessCitizen"]
    inferred = rdflib.Graph().parse(out)
    assert (
        rdflib.URIRef("http://example.org/unsat#StatelessCitizen"),
        rdflib.OWL.equivalentClass,
        rdflib.OWL.Nothing,
    ) in inferred
    # asserted named equivalence is kept
    assert (
        rdflib.URIRef("http://example.org/unsat#Person"),
        rdflib.OWL.equivalentClass,
        rdflib.URIRef("http://example.org/unsat#Human"),
    ) in inferred
    assert dl_profile_report(out, cache_dir).clean


def test_no_state_leaks_between_calls() -> None:
    import owlready2

    java_before = owlready2.JAVA_EXE
    ontologies_before = dict(owlready2.default_world.ontologies)
    first = reason_with_hermit(FIXTURES / "consistent.owl")
    assert reason_with_hermit(FIXTURES / "inconsistent.ttl").consistent is False
    again = reason_with_hermit(FIXTURES / "consistent.owl")
    assert again.consistent is True
    assert again.inferred_subclass_of == first.inferred_subclass_of
    assert owlready2.JAVA_EXE == java_before
    assert dict(owlready2.default_world.ontologies) == ontologies_before


def test_hermit_rejects_calendar_datatypes_by_default() -> None:
    with pytest.raises(UnsupportedDatatypeError) as err:
        reason_with_hermit(FIXTURES / "calendar_datatypes.ttl")
    assert set(err.value.datatypes) == CALENDAR_TYPES
    assert "calendar_datatypes.ttl" in str(err.value)


def test_declaring_calendar_datatypes_does_not_satisfy_hermit() -> None:
    with pytest.raises(UnsupportedDatatypeError):
        reason_with_hermit(FIXTURES / "calendar_datatypes_declared.ttl")


def test_hermit_rejects_calendar_datatype_even_as_declared_range() -> None:
    with pytest.raises(UnsupportedDatatypeError) as err:
        reason_with_hermit(FIXTURES / "calendar_range_only.ttl")
    assert err.value.datatypes == [XSD + "gYear"]


def test_hermit_can_ignore_calendar_datatypes_like_protege(tmp_path: Path) -> None:
    report = reason_with_hermit(
        FIXTURES / "calendar_datatypes.ttl", tmp_path / "cal-inferred.owl", ignore_unsupported_datatypes=True
    )
    assert report.consistent is True
    assert report.ignored_datatypes == {t: 1 for t in sorted(CALENDAR_TYPES)}
    inferred = rdflib.Graph().parse(tmp_path / "cal-inferred.owl")
    assert (
        rdflib.URIRef("http://example.org/calendar#gcim"),
        RDF.type,
        rdflib.URIRef("http://example.org/calendar#Organisation"),
    ) in inferred


def test_missing_java_is_its_own_error() -> None:
    with pytest.raises(JavaNotFoundError, match="not found"):
        reason_with_hermit(FIXTURES / "consistent.owl", java_exe="/nonexistent/bin/java")


def test_hermit_on_unparseable_file_names_the_file() -> None:
    with pytest.raises(OwlToolsError) as err:
        reason_with_hermit(FIXTURES / "unparseable.owl")
    assert not isinstance(err.value, JavaNotFoundError)
    assert "unparseable.owl" in str(err.value)


def test_hermit_on_non_dl_input_is_a_tool_error_not_inconsistency() -> None:
    with pytest.raises(OwlToolsError, match="Non-simple property"):
        reason_with_hermit(FIXTURES / "non_dl.ttl")
