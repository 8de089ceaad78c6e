"""Every SHACL shape, shown to fire: each case takes the conforming mini graph, breaks one
thing, validates with pySHACL and asserts the finding of that shape (focus node, path,
message). A last test checks that no shape in ontology/shapes.ttl is left without a case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

from kg.namespaces import ID, MKG, OA, THEME, THEME_SCHEME, document_iri
from kg.validate import load_shapes, short_name, validate_graph

SHAPES_NS = "https://w3id.org/migration-kg/shapes#"
HELPER_SHAPES = {"PartialDate"}  # used through sh:node by DatedShape, not targeted itself

GCIM = ID["organization/gcim"]
DESA = ID["organization/desa"]
POPDIV = ID["organization/un-population-division"]
ILO = ID["organization/ilo"]
SWEDEN = ID["place/sweden"]
STOCKHOLM = ID["place/stockholm"]
GENEVA = ID["place/geneva"]
JENNY = ID["person/rolf-jenny"]
POST = ID["post/executive-director-gcim-secretariat"]
MEMBERSHIP = ID["membership/gmg-ilo-membership"]
UNTOC = ID["instrument/untoc"]
PROTOCOL = ID["instrument/trafficking-protocol"]
PARTICIPATION = ID["participation/ilo-c097-parties-a59-325"]
BUDAPEST = ID["process/budapest-process"]
MEETING = ID["event/gcim-first-meeting"]
REPORT = ID["publication/a59-325"]
PROJECT = ID["project/cooperation-projects"]
STAT = ID["statistic/remittances-developing-2003"]
DOC = document_iri("a59-325-excerpt")
REMITTANCES = THEME["remittances"]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def base(mini_kg) -> Graph:
    return mini_kg.union


def _one(g: Graph, s=None, p=None, o=None):
    found = list(g.triples((s, p, o)))
    assert found, f"fixture lacks {s} {p} {o}"
    return found[0]


def _selector(g: Graph, kind: URIRef) -> URIRef:
    passages = sorted(g.subjects(RDF.type, MKG.Passage))
    return next(s for s in g.objects(passages[0], OA.hasSelector) if (s, RDF.type, kind) in g)


def _axiom_of(g: Graph, s, p, o):
    return next(ax for ax in g.subjects(OWL.annotatedSource, s)
                if (ax, OWL.annotatedProperty, p) in g and (ax, OWL.annotatedTarget, o) in g)


def _replace(g: Graph, s, p, new) -> None:
    g.remove((s, p, None))
    g.add((s, p, new))


def _new_entity(g: Graph, iri: URIRef, cls: URIRef) -> None:
    g.add((iri, RDF.type, cls))
    g.add((iri, RDF.type, OWL.NamedIndividual))
    g.add((iri, RDFS.label, Literal("Test entity", lang="en")))
    g.add((iri, SKOS.prefLabel, Literal("Test entity", lang="en")))
    g.add((iri, SKOS.definition, Literal("An entity made by a test.", lang="en")))
    g.add((iri, MKG.curationStatus, MKG.curated))


@dataclass(frozen=True)
class Case:
    shape: str
    break_graph: Callable[[Graph], None]
    focus: URIRef | None
    message: str
    path: URIRef | None = None
    severity: str = "Violation"  # claims that may legitimately disagree are warnings


def _cycle_broader(g: Graph) -> None:
    g.add((THEME["migration-and-development"], SKOS.broader, REMITTANCES))


def _orphan_broader(g: Graph) -> None:
    other = URIRef("https://example.org/scheme")
    stray = URIRef("https://example.org/concept")
    g.add((stray, RDF.type, SKOS.Concept))
    g.add((stray, SKOS.inScheme, other))
    g.add((REMITTANCES, SKOS.broader, stray))


CASES = [
    Case("OntologyTermShape", lambda g: g.add((MKG.Undocumented, RDF.type, OWL.Class)),
         MKG.Undocumented, "no rdfs:label in English", RDFS.label),
    Case("OntologyTermShape", lambda g: g.remove((MKG.Commission, SKOS.definition, None)),
         MKG.Commission, "no skos:definition in English", SKOS.definition),
    Case("NamedIndividualShape", lambda g: g.remove((GCIM, RDFS.label, None)), GCIM,
         "exactly one rdfs:label", RDFS.label),
    Case("NamedIndividualShape", lambda g: g.add((GCIM, RDFS.label, Literal("Commission mondiale", lang="fr"))), GCIM,
         "exactly one rdfs:label", RDFS.label),
    Case("EntityShape", lambda g: g.add((GCIM, SKOS.prefLabel, Literal("GCIM", lang="en"))), GCIM,
         "exactly one English skos:prefLabel", SKOS.prefLabel),
    Case("EntityShape", lambda g: g.remove((GCIM, MKG.curationStatus, None)), GCIM,
         "exactly one curation status", MKG.curationStatus),
    Case("EntityShape", lambda g: g.add((GCIM, MKG.acronym, Literal("GCIM"))), GCIM,
         "Acronyms are language-tagged", MKG.acronym),
    Case("OrganizationIRIShape", lambda g: _new_entity(g, ID["person/not-an-org"], MKG.Commission),
         ID["person/not-an-org"], "Organization IRI must be"),
    Case("PersonIRIShape", lambda g: _new_entity(g, ID["organization/not-a-person"], MKG.Person),
         ID["organization/not-a-person"], "Person IRI must be"),
    Case("InstrumentIRIShape", lambda g: _new_entity(g, ID["event/not-an-instrument"], MKG.Treaty),
         ID["event/not-an-instrument"], "Instrument IRI must be"),
    Case("ProcessIRIShape", lambda g: _new_entity(g, ID["event/not-a-process"], MKG.GlobalInitiative),
         ID["event/not-a-process"], "Cooperation process IRI must be"),
    Case("EventIRIShape", lambda g: _new_entity(g, ID["process/not-an-event"], MKG.Hearing),
         ID["process/not-an-event"], "Event IRI must be"),
    Case("PlaceIRIShape", lambda g: _new_entity(g, URIRef("https://w3id.org/migration-kg/id/Place/Oslo"), MKG.City),
         URIRef("https://w3id.org/migration-kg/id/Place/Oslo"), "Place IRI must be"),
    Case("DatedShape", lambda g: g.add((GCIM, MKG.establishedOn, Literal("December 2003"))), GCIM,
         "mkg:establishedOn must be an xsd:date", MKG.establishedOn),
    Case("DatedShape", lambda g: g.add((PROTOCOL, MKG.adoptedOn, Literal("2000-11-15T00:00:00", datatype=XSD.dateTime))), PROTOCOL,
         "mkg:adoptedOn must be an xsd:date", MKG.adoptedOn),
    Case("StartBeforeEndShape", lambda g: _replace(g, MEETING, MKG.endDate, Literal("2004-02-20", datatype=XSD.date)), MEETING,
         "is after mkg:endDate", None, "Warning"),
    Case("OrganizationShape", lambda g: g.add((GCIM, MKG.headquarteredIn, UNTOC)), GCIM,
         "mkg:headquarteredIn must point to a place", MKG.headquarteredIn),
    Case("OrganizationShape", lambda g: g.add((ILO, MKG.supports, SWEDEN)), ILO,
         "mkg:supports must point to a process", MKG.supports),
    Case("NoSelfPartShape", lambda g: g.add((DESA, MKG.subOrganizationOf, POPDIV)), DESA,
         "sub-organization of itself"),
    Case("PersonShape", lambda g: g.add((JENNY, MKG.affiliatedWith, SWEDEN)), JENNY,
         "mkg:affiliatedWith must point to an organization", MKG.affiliatedWith),
    Case("PostShape", lambda g: g.remove((POST, MKG.postIn, None)), POST,
         "exactly one organization", MKG.postIn),
    Case("PostShape", lambda g: g.add((POST, MKG.heldBy, GCIM)), POST,
         "mkg:heldBy must point to a person", MKG.heldBy),
    Case("MembershipShape", lambda g: g.remove((MEMBERSHIP, MKG.member, None)), MEMBERSHIP,
         "exactly one member", MKG.member),
    Case("MembershipShape", lambda g: g.add((MEMBERSHIP, MKG.membershipIn, SWEDEN)), MEMBERSHIP,
         "exactly one organization or process", MKG.membershipIn),
    Case("PlaceShape", lambda g: g.add((STOCKHOLM, MKG.locatedIn, GCIM)), STOCKHOLM,
         "must point to a place", MKG.locatedIn),
    Case("InstrumentShape", lambda g: g.add((PROTOCOL, MKG.supplements, GCIM)), PROTOCOL,
         "mkg:supplements must point to an instrument", MKG.supplements),
    Case("InstrumentShape", lambda g: g.add((UNTOC, MKG.unSymbol, Literal("A-59-325"))), UNTOC,
         "A UN symbol looks like", MKG.unSymbol),
    Case("InstrumentShape", lambda g: g.add((UNTOC, MKG.iloConventionNumber, Literal("97"))), UNTOC,
         "at most one ILO number", MKG.iloConventionNumber),
    Case("NoSelfSupplementShape", lambda g: g.add((UNTOC, MKG.supplements, UNTOC)), UNTOC,
         "supplements itself"),
    Case("TreatyParticipationShape", lambda g: g.remove((PARTICIPATION, MKG.numberOfParties, None)), PARTICIPATION,
         "who (mkg:party) or how many"),
    Case("TreatyParticipationShape", lambda g: _replace(g, PARTICIPATION, MKG.consentType, MKG.curated), PARTICIPATION,
         "exactly one consent type", MKG.consentType),
    Case("TreatyParticipationShape", lambda g: g.add((PARTICIPATION, MKG.numberOfParties, Literal(-3, datatype=XSD.integer))), PARTICIPATION,
         "one xsd:nonNegativeInteger", MKG.numberOfParties),
    Case("ProcessShape", lambda g: g.add((BUDAPEST, MKG.establishedAt, GCIM)), BUDAPEST,
         "mkg:establishedAt must point to a place", MKG.establishedAt),
    Case("EventShape", lambda g: g.add((MEETING, MKG.heldIn, UNTOC)), MEETING,
         "mkg:heldIn must point to a place", MKG.heldIn),
    Case("EventShape", lambda g: g.add((MEETING, MKG.startDate, Literal("2004-02", datatype=XSD.gYearMonth))), MEETING,
         "at most one start date", MKG.startDate, "Warning"),
    Case("PublicationShape", lambda g: g.add((REPORT, MKG.issn, Literal("2223-524"))), REPORT,
         "An ISSN looks like", MKG.issn),
    Case("PublicationShape", lambda g: g.add((REPORT, MKG.authoredBy, UNTOC)), REPORT,
         "mkg:authoredBy must point to an agent", MKG.authoredBy),
    Case("AddressesThemeShape", lambda g: g.add((GCIM, MKG.addresses, SWEDEN)), GCIM,
         "must point to a theme", MKG.addresses),
    Case("ProjectShape", lambda g: g.add((PROJECT, MKG.fundedBy, UNTOC)), PROJECT,
         "mkg:fundedBy must point to an agent", MKG.fundedBy),
    Case("StatisticalObservationShape", lambda g: g.remove((STAT, MKG.measures, None)), STAT,
         "should say which theme it measures", MKG.measures, severity="Warning"),
    Case("StatisticalObservationShape", lambda g: _replace(g, STAT, MKG.measures, ID["place/morocco"]), STAT,
         "must point to a theme", MKG.measures),
    Case("StatisticalObservationShape", lambda g: g.remove((STAT, MKG.unitOfMeasure, None)), STAT,
         "exactly one unit of measure", MKG.unitOfMeasure),
    Case("StatisticalObservationShape", lambda g: _replace(g, STAT, MKG.observedValue, Literal("93 billion")), STAT,
         "exactly one xsd:decimal value", MKG.observedValue),
    Case("ThemeShape", lambda g: g.add((REMITTANCES, SKOS.altLabel, _one(g, REMITTANCES, SKOS.prefLabel)[2])), REMITTANCES,
         "altLabel repeats its prefLabel", SKOS.altLabel),
    Case("ThemeShape", lambda g: g.remove((REMITTANCES, SKOS.inScheme, None)), REMITTANCES,
         "Every theme is in the migration theme scheme", SKOS.inScheme),
    Case("ThemeShape", lambda g: g.remove((REMITTANCES, SKOS.definition, None)), REMITTANCES,
         "English skos:definition", SKOS.definition),
    Case("BroaderInSchemeShape", _orphan_broader, REMITTANCES, "not in the same concept scheme"),
    Case("BroaderInSchemeShape", _cycle_broader, REMITTANCES, "skos:broader cycle"),
    Case("UniqueThemeLabelShape", lambda g: g.add((THEME["brain-drain"], SKOS.altLabel, Literal("Remittances", lang="en"))),
         REMITTANCES, "shares the label"),
    Case("ConceptSchemeShape", lambda g: g.remove((THEME_SCHEME, SKOS.hasTopConcept, None)), THEME_SCHEME,
         "has top concepts", SKOS.hasTopConcept),
    Case("TopConceptShape", lambda g: g.add((THEME["migration-and-development"], SKOS.broader, THEME["labour-migration"])),
         THEME["migration-and-development"], "A top concept has no broader concept", SKOS.broader),
    Case("SourceDocumentShape", lambda g: _replace(g, DOC, MKG.sha256, Literal("not-a-digest")), DOC,
         "SHA-256", MKG.sha256),
    Case("SourceDocumentShape", lambda g: g.remove((DOC, MKG.characterCount, None)), DOC,
         "exactly one character count", MKG.characterCount),
    Case("EvidenceShape", lambda g: [_replace(g, ev, MKG.confidence, Literal("1.5", datatype=XSD.decimal))
                                     for ev in sorted(g.subjects(RDF.type, MKG.Evidence))[:1]],
         None, "confidence between 0 and 1", MKG.confidence),
    Case("EvidenceShape", lambda g: [g.remove((ev, OA.hasTarget, None)) for ev in sorted(g.subjects(RDF.type, MKG.Evidence))[:1]],
         None, "targets exactly one passage", OA.hasTarget),
    Case("PassageShape", lambda g: [g.remove((p, OA.hasSource, None)) for p in sorted(g.subjects(RDF.type, MKG.Passage))[:1]],
         None, "exactly one source document", OA.hasSource),
    Case("PassageShape", lambda g: [g.remove((p, OA.hasSelector, _selector(g, OA.TextQuoteSelector)))
                                    for p in sorted(g.subjects(RDF.type, MKG.Passage))[:1]],
         None, "exactly one text quote selector", OA.hasSelector),
    Case("PassageOffsetsShape", lambda g: (lambda sel: _replace(g, sel, OA.end, Literal(int(g.value(sel, OA.end)) + 1, datatype=XSD.nonNegativeInteger)))(_selector(g, OA.TextPositionSelector)),
         None, "does not match offsets"),
    Case("PassageOffsetsShape", lambda g: _replace(g, DOC, MKG.characterCount, Literal(10, datatype=XSD.nonNegativeInteger)),
         None, "beyond the end of its document"),
    Case("TextQuoteSelectorShape", lambda g: _replace(g, _selector(g, OA.TextQuoteSelector), OA.exact, Literal("   ")),
         None, "non-empty exact quote", OA.exact),
    Case("TextPositionSelectorShape", lambda g: (lambda sel: _replace(g, sel, OA.start, g.value(sel, OA.end)))(_selector(g, OA.TextPositionSelector)),
         None, "less than end", OA.start),
    Case("AnnotatedAxiomShape", lambda g: g.remove((_axiom_of(g, GCIM, MKG.headquarteredIn, GENEVA), MKG.sourceQuote, None)),
         None, "repeats its source quote once", MKG.sourceQuote),
    Case("AnnotatedAxiomShape", lambda g: g.remove((_axiom_of(g, GCIM, MKG.headquarteredIn, GENEVA), MKG.hasEvidence, None)),
         None, "points to its evidence", MKG.hasEvidence),
    Case("DanglingAxiomShape", lambda g: g.remove((GCIM, MKG.headquarteredIn, GENEVA)), None,
         "dangling owl:Axiom"),
    Case("MentionShape", lambda g: g.remove((_one(g, None, RDF.type, MKG.Mention)[0], OA.hasBody, None)),
         None, "names exactly one entity", OA.hasBody),
    Case("MentionShape", lambda g: g.set((_one(g, None, RDF.type, MKG.Mention)[0], MKG.confidence,
                                          Literal(Decimal("1.5"), datatype=XSD.decimal))),
         None, "one confidence between 0 and 1", MKG.confidence),
    Case("FactHasEvidenceShape", lambda g: g.add((GCIM, MKG.headquarteredIn, STOCKHOLM)), GCIM,
         "has no evidence"),
]


def test_mini_graph_conforms(base, shapes):
    result = validate_graph(base, shapes)
    assert result.conforms, result.report_text()
    assert not result.violations


@pytest.mark.parametrize("case", CASES, ids=[f"{c.shape}-{i}" for i, c in enumerate(CASES)])
def test_shape_reports_violation(case: Case, base, shapes):
    graph = Graph()
    graph += base
    case.break_graph(graph)
    result = validate_graph(graph, shapes)
    if case.severity == "Violation":
        assert not result.conforms
    mine = [f for f in result.findings if f.shape == SHAPES_NS + case.shape and f.severity == case.severity]
    assert mine, f"{case.shape} did not fire; findings:\n{result.report_text()}"
    matching = [f for f in mine if case.message in f.message]
    assert matching, f"{case.shape} fired with other messages: {[f.message for f in mine]}"
    if case.focus is not None:
        assert short_name(case.focus) in {f.focus for f in matching}
    if case.path is not None:
        assert {f.path for f in matching} == {short_name(case.path)}


def test_every_shape_has_a_violation_case(shapes):
    declared = {str(s)[len(SHAPES_NS):] for s in shapes.subjects(RDF.type, SH.NodeShape)
                if str(s).startswith(SHAPES_NS)}
    covered = {c.shape for c in CASES}
    assert declared - HELPER_SHAPES - covered == set()
    assert covered <= declared
