"""The built graph opens cleanly in Protégé: checked with the OWL API (the library Protégé is
built on) and HermiT, on the real build of the shipped corpus, nothing mocked."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespaces import ID, MKG
from kg.owltools import dl_profile_report


def test_owl_export_is_owl2_dl_with_no_load_errors(full_build, tmp_path):
    report = dl_profile_report(full_build.out_dir / "migration-kg.owl", tmp_path / "owl-cache")
    assert report.violations == [], report.summary()
    assert report.unparsed_triples == []
    assert report.error_entities == []
    assert report.ontology_iri == "https://w3id.org/migration-kg/ontology"
    assert report.signature["individuals"] >= len(full_build.kg.registry.entities)
    assert report.axiom_count > 10_000


def test_hermit_finds_the_graph_consistent_and_infers(full_build):
    assert full_build.consistent is True
    inferred = Graph().parse(full_build.out_dir / "migration-kg-inferred.owl", format="xml")
    ilo = ID["organization/ilo"]
    # asserted UNSpecializedAgency; HermiT adds the superclasses of the hierarchy
    assert (ilo, RDF.type, MKG.UNSpecializedAgency) in inferred
    assert (MKG.UNSpecializedAgency, RDFS.subClassOf, MKG.UNSystemEntity) in inferred


def test_inferred_export_is_itself_dl(full_build, tmp_path):
    report = dl_profile_report(full_build.out_dir / "migration-kg-inferred.owl", tmp_path / "owl-cache")
    assert report.violations == [], report.summary()


def test_every_class_and_property_has_label_and_definition(full_build):
    g = full_build.kg.union
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in g.subjects(RDF.type, kind):
            if isinstance(term, type(MKG.Organization)):
                assert any(l.language == "en" for l in g.objects(term, RDFS.label)), term
                assert any(d.language == "en" for d in g.objects(term, SKOS.definition)), term


def test_ontology_header(full_build):
    g = full_build.kg.union
    onto = next(g.subjects(RDF.type, OWL.Ontology))
    for prop in (OWL.versionIRI, OWL.versionInfo):
        assert g.value(onto, prop) is not None
    for local in ("title", "description", "license", "creator"):
        assert g.value(onto, g.namespace_manager.expand_curie(f"dcterms:{local}")) is not None, local


def test_every_kind_of_the_ontology_is_populated(full_build):
    """`migkg stats` lists every class the foundation issue names with at least one instance."""
    from kg.stats import compute_stats

    stats = compute_stats(full_build.kg.dataset, full_build.kg.vocab)
    for local in ("Organization", "IntergovernmentalOrganization", "UNDepartment", "UNDivision", "UNSpecializedAgency",
                  "UNFund", "UNProgramme", "UNRegionalCommission", "DevelopmentBank", "ResearchOrganization",
                  "NonGovernmentalOrganization", "Network", "GovernmentAgency", "Commission", "InterAgencyGroup",
                  "Convention", "Protocol", "Treaty", "Resolution", "Declaration", "Recommendation", "ProgrammeOfAction",
                  "PolicyFramework", "TradeAgreement", "Directive", "TreatyParticipation", "RegionalConsultativeProcess",
                  "GlobalInitiative", "Dialogue", "Meeting", "Conference", "Session", "Hearing", "Symposium", "Person",
                  "Post", "Membership", "Report", "Paper", "JournalIssue", "Database", "Survey", "Project", "Country",
                  "City", "WorldRegion", "StatisticalObservation", "UnitOfMeasure", "SourceDocument", "Evidence", "Passage"):
        assert stats.classes.get(MKG[local], 0) >= 1, local
    assert stats.classes[SKOS.Concept] >= 30
