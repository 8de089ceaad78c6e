"""The SPARQL query library (queries/*.rq) and `migkg query` give the answers the documents
state, bind parameters safely, and fail with one clear line.

Expected answers come from the curated registry (kg/registry/*.toml) and the corpus text
(kg/corpus/*.txt), so they hold while the extraction rules change; extracted facts and
mentions are checked by containment or against an independent computation, never by count."""

from __future__ import annotations

import csv
import hashlib
from decimal import Decimal
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF, RDFS

from kg.cli import main
from kg.corpus import CORPUS_DIR
from kg.namespaces import MKG as MKG_NS, OA as OA_NS
from kg.query import (QUERIES_DIR, USER_AGENT, apply_bindings, bind_parameters, library_queries, load_query,
                      parse_query_text, query_form, run_local)

from .conftest import ROOT

pytestmark = pytest.mark.slow

ID = "https://w3id.org/migration-kg/id/"
MKG = "https://w3id.org/migration-kg/ontology#"
THEME = "https://w3id.org/migration-kg/theme/"
DOC = "https://w3id.org/migration-kg/doc/"
PROCEEDINGS = "002_cdd899cb68d944b6"  # Proceedings of the Third Coordination Meeting (UN, 2005)
MPP = "003_f6556852c2324d99"          # Migration Policy Practice, IOM, 2014
GMG_SIX = {ID + f"organization/{o}" for o in ("ilo", "iom", "ohchr", "unhcr", "unctad", "unodc")}


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.fixture(scope="module")
def store(full_build) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(full_build.out_dir / "migration-kg.nq"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def texts(full_build) -> dict[str, str]:
    return {d.doc_id: d.text for d in full_build.kg.documents}


@pytest.fixture(scope="module")
def run(store):
    """run(name, param=value, …) -> rows as dicts of plain strings (IRI or literal text)."""
    def run(name: str, **params: str) -> list[dict[str, str | None]]:
        query = load_query(name)
        result = run_local(store, query, bind_parameters(query, params))
        names = [v.value for v in result.variables]
        return [{n: (None if s[n] is None else s[n].value) for n in names} for s in result]
    return run


def in_text(texts: dict[str, str], row: dict, document: str = "document", start: str = "start",
            end: str = "end", quote: str = "quote") -> bool:
    """The row's quote is exactly the document's text at its offsets."""
    doc_id = row[document].rsplit("/", 1)[-1]
    return texts[doc_id][int(row[start]):int(row[end])] == row[quote]


# --- every query answers what the documents say ---------------------------------------------

def test_where_does_it_say_so(run, texts, full_build):
    rows = run("where-does-it-say-so")
    assert len(rows) == len({f.evidence_iri for f in full_build.kg.facts})
    gcim = [r for r in rows if r["subject"] == ID + "organization/gcim" and r["property"] == MKG + "establishedOn"]
    assert {r["object"] for r in gcim} == {"2003-12"}
    assert any("established the Commission in December 2003" in norm(r["quote"]) for r in gcim)
    assert all(in_text(texts, r) for r in rows)


def test_organizations_supporting_regional_processes(run, texts):
    rows = run("organizations-supporting-regional-processes")
    found = {(r["process"].rsplit("/", 1)[-1], r["organization"].rsplit("/", 1)[-1], r["relation"].split("#")[1]) for r in rows}
    # processes.toml: ICMPD serves as the Budapest Process's secretariat; IOM mediates the 5+5
    # dialogue; organizations.toml: CELADE participates in the Puebla Process.
    assert {("budapest-process", "icmpd", "coordinatedBy"), ("budapest-process", "icmpd", "supports"),
            ("five-plus-five-dialogue", "iom", "coordinatedBy"), ("puebla-process", "celade", "participantIn")} <= found
    icmpd = next(r for r in rows if r["organization"].endswith("/icmpd") and r["relation"] == MKG + "coordinatedBy")
    assert "International Centre for Migration Policy Development (ICMPD) serves as Secretariat" in norm(icmpd["quote"])
    assert all(in_text(texts, r) for r in rows)
    only = run("organizations-supporting-regional-processes", process="id:process/budapest-process")
    assert only and {r["process"] for r in only} == {ID + "process/budapest-process"}


def test_group_members_geneva_migration_group(run):
    rows = run("group-members")  # default ?group: the Geneva Migration Group
    assert {r["group"] for r in rows} == {ID + "organization/geneva-migration-group"}
    assert {r["member"] for r in rows} == GMG_SIX
    by_member = {r["member"].rsplit("/", 1)[-1]: r for r in rows}
    assert by_member["ilo"]["role"] == "co-founder" and by_member["ilo"]["since"] == "2003"
    assert by_member["iom"]["role"] == "joint initiator"
    assert all("hasMember" in r["statedBy"] for r in rows)
    assert "established the Geneva Migration Group" in norm(by_member["unodc"]["quote"])
    campaign = run("group-members", group=ID + "process/global-campaign-for-ratification")
    assert {r["member"].rsplit("/", 1)[-1] for r in campaign} >= {"unesco", "ilo", "iom", "ohchr"}


def test_founders_and_founding_dates(run, texts):
    rows = run("founders-and-founding-dates", entity="id:organization/gcim")
    founders = {r["value"].rsplit("/", 1)[-1] for r in rows if r["property"] == MKG + "establishedBy"}
    assert founders >= {"sweden", "switzerland", "brazil", "morocco", "philippines"}
    dates = [r for r in rows if r["property"] == MKG + "establishedOn"]
    assert {r["value"] for r in dates} == {"2003-12"}
    assert any("established the Commission in December 2003" in norm(r["quote"]) for r in dates)
    assert all(in_text(texts, r) for r in rows)
    berne = {(r["property"].split("#")[1], r["value"].rsplit("/", 1)[-1]) for r in run("founders-and-founding-dates", entity="id:process/berne-initiative")}
    assert {("establishedBy", "switzerland"), ("establishedAt", "berne"), ("establishedOn", "2001-06"),
            ("establishedDuring", "berne-symposium-2001")} <= berne
    everything = run("founders-and-founding-dates")
    assert ("puebla-process", "puebla") in {(r["entity"].rsplit("/", 1)[-1], r["value"].rsplit("/", 1)[-1])
                                            for r in everything if r["property"] == MKG + "establishedAt"}


def test_instrument_adoption_and_entry_into_force(run, texts):
    rows = run("instrument-adoption-and-entry-into-force", instrument="id:instrument/icrmw")
    facts = {(r["property"].split("#")[1], r["value"]) for r in rows}
    assert {("adoptedOn", "1990"), ("enteredIntoForceOn", "2003-07-01")} <= facts
    force = next(r for r in rows if r["value"] == "2003-07-01")
    assert "entered into force on 1 July 2003" in norm(force["quote"])
    assert all(in_text(texts, r) for r in rows)
    smuggling = run("instrument-adoption-and-entry-into-force", instrument="id:instrument/smuggling-protocol")
    assert ("adoptedOn", "2000-11") in {(r["property"].split("#")[1], r["value"]) for r in smuggling}


def test_ratification_counts_as_of_with_quotes(run, texts):
    c097 = [r for r in run("ratification-counts", instrument="id:instrument/ilo-c097") if r["status"] == "curated"]
    assert [(r["numberOfParties"], r["consent"], r["asOf"]) for r in c097] == [("42", "ratification", None)]
    assert "ratified, respectively, by 42 and 18 States" in norm(c097[0]["quote"])  # no "as of" date in the text
    c182 = [r for r in run("ratification-counts", instrument="id:instrument/ilo-c182") if r["status"] == "curated"]
    assert {(r["numberOfParties"], r["asOf"]) for r in c182} == {("150", "2004-05")}
    assert all("ratified by 150 States as of May 2004" in norm(r["quote"]) for r in c182)
    everything = run("ratification-counts")
    eclac = next(r for r in everything if r["participation"].endswith("/icrmw-parties-eclac-2004"))
    assert eclac["numberOfParties"] == "27" and {"Mexico", "Guatemala", "Uruguay"} <= set(eclac["namedParties"].split(", "))
    assert all(in_text(texts, r) for r in everything)


def test_instrument_relations_palermo_protocols_supplement_untoc(run, texts):
    rows = run("instrument-relations", other="id:instrument/untoc")
    curated = {r["instrument"].rsplit("/", 1)[-1] for r in rows
               if r["relation"] == MKG + "supplements" and r["method"] == MKG + "method-curation"}
    assert curated == {"trafficking-protocol", "smuggling-protocol"}
    assert {r["other"] for r in rows} == {ID + "instrument/untoc"}
    assert any("supplementing the United Nations Convention against Transnational Organized Crime" in norm(r["quote"]) for r in rows)
    assert all(in_text(texts, r) for r in rows)
    c143 = run("instrument-relations", instrument="id:instrument/ilo-c143")
    assert (MKG + "complements", ID + "instrument/ilo-c097") in {(r["relation"], r["other"]) for r in c143}


def test_instruments_by_theme(run):
    rows = run("instruments-by-theme", theme="theme:trafficking-in-persons")
    assert ID + "instrument/trafficking-protocol" in {r["instrument"] for r in rows}
    assert {r["theme"] for r in rows} == {THEME + "trafficking-in-persons"}
    rights = run("instruments-by-theme", theme="theme:migrants-rights")  # broader than migrant-workers-rights
    icrmw = [r for r in rights if r["instrument"] == ID + "instrument/icrmw"]
    assert any(r["basis"] == "curator's classification" and r["addressedTheme"] == THEME + "migrant-workers-rights" for r in icrmw)


def test_organizations_by_theme(run, texts):
    rows = run("organizations-by-theme", theme="theme:remittances")
    world_bank = {r["basis"] for r in rows if r["organization"] == ID + "organization/world-bank"}
    assert "curator's classification" in world_bank
    adb = [r for r in rows if r["organization"] == ID + "organization/adb" and r["basis"] == "its publication addresses it"]
    assert adb and adb[0]["publication"] == ID + "publication/paper-adb-2004"
    assert "official remittances by such workers totaled $88 billion" in norm(adb[0]["quote"])
    assert all(in_text(texts, r) for r in rows if r["quote"] is not None)
    broader = run("organizations-by-theme", theme="theme:migration-and-development")
    assert {r["organization"] for r in rows} <= {r["organization"] for r in broader}


def test_organization_paper_themes_ranked(run):
    rows = run("organization-paper-themes-ranked", organization="id:organization/ilo")
    passages = [int(r["passages"]) for r in rows]
    assert passages == sorted(passages, reverse=True)  # ranked, most stated first
    by_theme = {r["theme"].rsplit("/", 1)[-1]: r for r in rows}
    # publications.toml: the ILO's paper addresses labour migration, trade in services (Mode 4,
    # a narrower theme of labour migration) and migrant workers' rights (narrower than migrants' rights)
    assert {"labour-migration", "trade-in-services-mode-4", "migrant-workers-rights", "migrants-rights"} <= set(by_theme)
    assert int(by_theme["labour-migration"]["passages"]) >= int(by_theme["trade-in-services-mode-4"]["passages"]) + 1
    assert "KEY ISSUES FOR THE UNITED NATIONS HIGH-LEVEL DIALOGUE" in by_theme["labour-migration"]["publications"]
    assert float(by_theme["labour-migration"]["sharePercent"]) > float(by_theme["migrants-rights"]["sharePercent"]) > 0


def test_people_and_roles(run, texts):
    rows = run("people-and-roles", organization="id:organization/un-population-division")
    chamie = [r for r in rows if r["person"] == ID + "person/joseph-chamie"]
    assert chamie and chamie[0]["role"] == "Director of the Population Division"
    assert any("Joseph Chamie, Director of the Population Division" in norm(r["quote"]) for r in chamie)
    assert {r["organization"] for r in rows} == {ID + "organization/un-population-division"}
    everyone = run("people-and-roles")
    laczko = {(r["organization"].rsplit("/", 1)[-1], r["role"]) for r in everyone if r["person"] == ID + "person/frank-laczko"}
    assert any(org == "iom-migration-research-division" for org, _ in laczko)
    assert all(in_text(texts, r) for r in everyone)


def test_events_timeline(run):
    rows = run("events-timeline", fromYear="2004", toYear="2004")
    assert rows and all(r["startDate"].startswith("2004") for r in rows)
    assert [r["startDate"] for r in rows] == sorted(r["startDate"] for r in rows)
    meeting = next(r for r in rows if r["event"] == ID + "event/third-coordination-meeting")
    assert meeting["startDate"] == "2004-10-27" and "New York" in meeting["places"]
    assert "Population Division of the Department of Economic and Social Affairs" in meeting["organizers"]
    everything = run("events-timeline")
    assert any(r["event"] == ID + "event/budapest-process-first-meeting" and r["startDate"] == "1991" for r in everything)


def test_timeline_of_dated_facts(run, texts):
    rows = run("timeline-of-dated-facts", entity="id:organization/gcim")
    assert ("2003-12", "established on") in {(r["date"], r["what"]) for r in rows}
    window = run("timeline-of-dated-facts", fromYear="2000", toYear="2001")
    assert window and all(r["date"][:4] in ("2000", "2001") for r in window)
    assert [r["date"] for r in window] == sorted(r["date"] for r in window)
    berne = next(r for r in window if r["entity"] == ID + "process/berne-initiative" and r["date"] == "2001-06")
    assert "held in Berne in June 2001" in norm(berne["quote"]) and in_text(texts, berne)


def test_mentions_of_entity(run, texts):
    rows = run("mentions-of-entity")  # default ?entity: the GCIM
    assert rows and {r["entity"] for r in rows} == {ID + "organization/gcim"}
    exacts = {r["exact"] for r in rows if r["document"] == DOC + PROCEEDINGS}
    assert {"Global Commission on International Migration", "GCIM"} <= exacts
    assert all(in_text(texts, r, quote="exact") for r in rows)
    budapest = run("mentions-of-entity", entity="id:process/budapest-process")
    assert "Budapest Process" in {r["exact"] for r in budapest}


def test_statistics_by_theme_year_and_area(run, texts):
    rows = run("statistics-by-theme-year-and-area", theme="theme:remittances")
    observation = next(r for r in rows if r["observation"] == ID + "statistic/remittances-developing-countries-2003")
    assert (observation["value"], observation["unitLabel"], observation["period"], observation["area"]) == \
        ("93", "billion United States dollars", "2003", ID + "place/developing-countries")
    assert "Remittances received by developing countries are estimated at $93 billion in 2003" in norm(observation["quote"])
    assert all(in_text(texts, r) for r in rows)
    assert {r["measured"] for r in rows} == {THEME + "remittances"}  # a figure without a theme never matches
    broader = run("statistics-by-theme-year-and-area", theme="theme:migration-and-development")
    assert {r["observation"] for r in rows} <= {r["observation"] for r in broader}
    assert all(r["measured"] is not None for r in broader)
    assert len({r["observation"] for r in run("statistics-by-theme-year-and-area")}) >= len({r["observation"] for r in broader})
    in_2003 = run("statistics-by-theme-year-and-area", year="2003")
    assert observation["observation"] in {r["observation"] for r in in_2003}
    assert all(r["referenceYear"] == "2003" for r in in_2003)
    by_area = run("statistics-by-theme-year-and-area", area="id:place/developing-countries")
    assert by_area and {r["area"] for r in by_area} == {ID + "place/developing-countries"}


def _mentioned_documents(graph) -> dict[str, set[str]]:
    """Entity -> documents naming it, computed from the triples without SPARQL."""
    documents: dict[str, set[str]] = {}
    for mention in graph.subjects(RDF.type, MKG_NS.Mention):
        body = graph.value(mention, OA_NS.hasBody)
        doc = graph.value(graph.value(mention, OA_NS.hasTarget), OA_NS.hasSource)
        documents.setdefault(str(body), set()).add(str(doc).rsplit("/", 1)[-1])
    return documents


def test_entities_in_several_documents(run, full_build):
    rows = run("entities-in-several-documents")
    expected = {e for e, docs in _mentioned_documents(full_build.kg.union).items() if len(docs) >= 2}
    assert {r["entity"] for r in rows} == expected
    iom = next(r for r in rows if r["entity"] == ID + "organization/iom")
    assert {PROCEEDINGS, MPP} <= set(iom["documentIds"].split())  # IOM is named in both texts
    three = run("entities-in-several-documents", minDocuments="3")
    assert {r["entity"] for r in three} < {r["entity"] for r in rows}
    assert all(int(r["documents"]) >= 3 for r in three)


def test_conflicting_claims(run, texts):
    rows = run("conflicting-claims", entity="id:instrument/resolution-58-208")
    pairs = {frozenset((r["valueA"], r["valueB"])) for r in rows
             if r["methodA"] == r["methodB"] == MKG + "method-curation"}
    # instruments.toml quotes both "of 23 December 2003" and "of 13 February 2004"
    assert frozenset(("2003-12-23", "2004-02-13")) in pairs
    assert all(r["property"] == MKG + "adoptedOn" for r in rows)
    assert all(in_text(texts, r, "documentA", "startA", "endA", "quoteA") and
               in_text(texts, r, "documentB", "startB", "endB", "quoteB") for r in rows)
    everything = run("conflicting-claims")
    assert {r["about"] for r in rows} == {ID + "instrument/resolution-58-208"}
    icrmw = {frozenset((r["valueA"], r["valueB"])) for r in everything
             if r["about"] == ID + "instrument/icrmw" and r["property"] == MKG + "numberOfParties"}
    # instruments.toml: "has been ratified by 26 States" and "the 27 States having ratified this Convention"
    assert frozenset(("26", "27")) in icrmw
    seen = [(r["quoteA"], r["startA"], r["quoteB"], r["startB"]) for r in everything]
    assert not {(b, sb, a, sa) for a, sa, b, sb in seen} & set(seen)  # each pair once


def test_discovered_entities_for_review(run, full_build, texts):
    rows = run("discovered-entities-for-review")
    graph = full_build.kg.union
    discovered = {str(s) for s in graph.subjects(MKG_NS.curationStatus, MKG_NS.discovered)}
    assert {r["entity"] for r in rows} == discovered
    assert not {r["entity"] for r in rows} & {str(e.iri) for e in full_build.kg.registry.entities}
    assert all(r["entity"].endswith("/" + r["key"]) for r in rows)
    for r in rows:
        if r["firstDocument"] is not None:
            assert texts[r["firstDocument"]][int(r["firstStart"]):].startswith(r["firstExact"])
    instruments = run("discovered-entities-for-review", kind="mkg:Instrument")
    instrument_classes = {str(graph.value(c, RDFS.label)) for c in graph.transitive_subjects(RDFS.subClassOf, MKG_NS.Instrument)}
    assert instruments and {r["classLabel"] for r in instruments} <= instrument_classes
    assert {r["entity"] for r in instruments} < {r["entity"] for r in rows}


def test_entity_search(run):
    gcim = run("entity-search", text="GCIM")
    assert ("Global Commission on International Migration", "acronym") in {(r["label"], r["nameKind"]) for r in gcim}
    puebla = run("entity-search", text="puebla")  # case-insensitive
    assert {ID + "process/puebla-process", ID + "place/puebla"} <= {r["entity"] for r in puebla}
    assert ("Puebla Process", "alternative name") in {(r["matchedName"], r["nameKind"]) for r in puebla}
    assert len(run("entity-search")) > len(puebla)  # unbound: the whole index


def test_acronyms(run):
    assert [(r["abbreviation"], r["entity"]) for r in run("acronyms", acronym="GMG")] == \
        [("GMG", ID + "organization/geneva-migration-group")]
    assert run("acronyms", acronym="IOM")[0]["label"] == "International Organization for Migration"
    assert run("acronyms", acronym="gmg") == []  # as documents write it: case-sensitive
    assert {"GCIM", "GMG", "ILO", "IOM"} <= {r["abbreviation"] for r in run("acronyms")}


def test_un_system_sub_organizations(run):
    rows = run("un-system-sub-organizations", parent="id:organization/desa")
    units = {r["unit"].rsplit("/", 1)[-1] for r in rows}
    assert {"un-population-division", "un-statistics-division", "division-for-the-advancement-of-women",
            "un-population-division-policy-section"} <= units  # the section is below DESA through the Division
    section = {r["directParent"] for r in rows if r["unit"].endswith("/un-population-division-policy-section")}
    assert ID + "organization/un-population-division" in section
    everything = {r["unit"] for r in run("un-system-sub-organizations")}
    assert {ID + "organization/ilo", ID + "organization/desa"} <= everything
    assert ID + "organization/iom" not in everything  # IOM is not part of the UN system in these 2004-2015 texts


def test_events_by_organizer(run, texts):
    rows = run("events-by-organizer", organizer="id:organization/un-population-division")
    assert {ID + "event/first-coordination-meeting", ID + "event/second-coordination-meeting",
            ID + "event/third-coordination-meeting"} <= {r["event"] for r in rows}
    germany = run("events-by-organizer", organizer="id:place/germany")
    convened = [r for r in germany if r["relation"] == MKG + "convenedBy"]
    assert convened and convened[0]["event"] == ID + "event/budapest-process-first-meeting"
    assert "convened by Germany in 1991" in norm(convened[0]["quote"]) and convened[0]["startDate"] == "1991"
    assert all(in_text(texts, r) for r in rows + germany)


def test_low_confidence_facts(run, full_build, texts):
    rows = run("low-confidence-facts")  # default threshold 0.8
    assert all(float(r["confidence"]) < 0.8 for r in rows)
    assert all(r["method"] != MKG + "method-curation" for r in rows)  # curated facts are 0.9 or 1
    assert len(rows) == len({f.evidence_iri for f in full_build.kg.facts if f.confidence < Decimal("0.8")})
    assert [float(r["confidence"]) for r in rows] == sorted(float(r["confidence"]) for r in rows)
    assert all(in_text(texts, r) for r in rows)
    stricter = run("low-confidence-facts", threshold="0.75")
    assert len(stricter) <= len(rows) and all(float(r["confidence"]) < 0.75 for r in stricter)
    everything = run("low-confidence-facts", threshold="1.01")
    assert any(r["subject"] == ID + "organization/gcim" and r["object"] == "2003-12" for r in everything)


def test_documents_overview(run):
    rows = run("documents-overview")
    files = sorted(CORPUS_DIR.glob("*.meta.toml"))
    assert [r["documentId"] for r in rows] == [f.name.removesuffix(".meta.toml") for f in files]
    proceedings = next(r for r in rows if r["documentId"] == PROCEEDINGS)
    assert proceedings["title"] == "Proceedings of the Third Coordination Meeting on International Migration"
    assert proceedings["publisher"] == ID + "organization/un-population-division"
    assert proceedings["genre"] == "report" and proceedings["date"] == "2005"
    text_file = CORPUS_DIR / f"{PROCEEDINGS}.txt"
    assert proceedings["sha256"] == hashlib.sha256(text_file.read_bytes()).hexdigest()
    assert int(proceedings["facts"]) > 0 and int(proceedings["mentions"]) > 0
    one = run("documents-overview", document="doc:" + MPP)
    assert [r["title"] for r in one] == ["Migration Policy Practice, Vol. IV, Number 2, April-June 2014"]


def test_corroborated_facts(run, texts, full_build):
    rows = run("corroborated-facts", subject="id:organization/gcim")
    # organizations.toml quotes two passages for each founding Government of the GCIM
    sweden = next(r for r in rows if r["property"] == MKG + "establishedBy" and r["object"] == ID + "place/sweden")
    assert int(sweden["passages"]) >= 2 and "curation" in sweden["methods"] and sweden["curated"] == "true"
    assert all(int(r["passages"]) >= 2 for r in run("corroborated-facts"))
    assert all(r["subject"] == ID + "organization/gcim" for r in rows)


def test_entity_profile(run, texts):
    rows = run("entity-profile")  # default ?entity: the GCIM
    facts = {(r["direction"], r["property"].split("#")[1], r["other"]) for r in rows}
    assert {("out", "headquarteredIn", ID + "place/geneva"), ("out", "establishedOn", "2003-12"),
            ("in", "authoredBy", ID + "publication/gcim-final-report"),
            ("in", "subOrganizationOf", ID + "organization/gcim-secretariat")} <= facts
    geneva = next(r for r in rows if r["property"] == MKG + "headquarteredIn")
    assert "The Commission is an independent body, based in Geneva" in norm(geneva["quote"])
    assert all(in_text(texts, r) for r in rows)
    icrmw = run("entity-profile", entity="id:instrument/icrmw")
    assert icrmw and {r["entity"] for r in icrmw} == {ID + "instrument/icrmw"}


def test_theme_coverage(run):
    rows = {r["theme"].rsplit("/", 1)[-1]: r for r in run("theme-coverage")}
    assert rows["remittances"]["topConceptLabel"] == "migration and development"
    remittance_figures = {r["observation"] for r in run("statistics-by-theme-year-and-area", theme="theme:remittances")}
    assert int(rows["remittances"]["statistics"]) == len(remittance_figures) >= 3
    columns = ("instruments", "processes", "organizations", "publications", "projects", "events", "statistics")
    for narrower in ("remittances", "diaspora", "brain-drain"):  # a broad theme gathers its narrower ones
        assert all(int(rows["migration-and-development"][c]) >= int(rows[narrower][c]) for c in columns)
    assert int(rows["trafficking-in-persons"]["instruments"]) >= 1
    one = run("theme-coverage", theme="theme:remittances")
    assert len(one) == 1 and one[0]["statistics"] == rows["remittances"]["statistics"]


def test_events_by_place(run, texts):
    rows = run("events-by-place", place="id:place/switzerland")  # Geneva and Berne are in Switzerland
    held = {(r["event"].rsplit("/", 1)[-1], r["heldInLabel"]) for r in rows}
    assert {("ilc-92", "Geneva"), ("berne-symposium-2001", "Berne")} <= held
    assert {r["place"] for r in rows} == {ID + "place/switzerland"}
    assert all(in_text(texts, r) for r in rows)
    geneva = {r["event"] for r in run("events-by-place", place="id:place/geneva")}
    assert ID + "event/ilc-92" in geneva and ID + "event/berne-symposium-2001" not in geneva


def test_publications_by_author(run, texts):
    rows = run("publications-by-author", author="id:person/robert-lucas")
    lucas = next(r for r in rows if r["publication"] == ID + "publication/paper-lucas-2004")
    assert lucas["publicationLabel"] == "INTERNATIONAL MIGRATION REGIMES AND ECONOMIC DEVELOPMENT"
    assert "Proceedings of the Third Coordination Meeting on International Migration" in lucas["publishedIn"]
    assert "Third Coordination Meeting on International Migration" in lucas["presentedAt"]
    ilo = {r["publication"] for r in run("publications-by-author", author="id:organization/ilo")}
    assert {ID + "publication/paper-ilo-2004", ID + "publication/ilo-fair-deal-report-2004"} <= ilo
    assert all(in_text(texts, r) for r in rows)


# --- the library itself ----------------------------------------------------------------------

def test_every_library_query_has_a_test_with_real_answers():
    source = Path(__file__).read_text(encoding="utf-8")
    tested = set(re.findall(r'run\("([a-z0-9-]+)"', source))
    names = {p.stem for p in library_queries()}
    assert len(names) >= 25
    assert names <= tested, f"queries without a test: {sorted(names - tested)}"


@pytest.mark.parametrize("path", library_queries(), ids=lambda p: p.stem)
def test_header_documents_the_query(path, store):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.rq", path.name)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Question: ") and "\n# Parameters:" in text and "\n# A row:" in text
    query = parse_query_text(text, path.stem)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    for param in query.parameters:
        assert re.search(rf"\?{param.name}\b", body), f"?{param.name} is declared but not used"
        assert param.optional or param.default is not None, f"?{param.name} must be optional or have a default"
    # runs with no parameter given, and with every default bound
    result = run_local(store, query, bind_parameters(query, {}))
    assert isinstance(result, ox.QuerySolutions) and list(result)


# --- parameters are bound safely -----------------------------------------------------------

INJECTION = '"> } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'


def test_iri_parameter_forms_are_equivalent(run):
    full = run("group-members", group=ID + "organization/geneva-migration-group")
    assert full == run("group-members", group="id:organization/geneva-migration-group") == \
        run("group-members", group=f"<{ID}organization/geneva-migration-group>")


def test_malicious_iri_value_is_rejected(full_build, capsys):
    for value in (INJECTION, ID + "organization/gcim> } ; DROP ALL ; <x", "not an iri"):
        code = main(["query", "mentions-of-entity", "--build-dir", str(full_build.out_dir), "--param", f"entity={value}"])
        err = capsys.readouterr().err
        assert code == 2
        assert len(err.strip().splitlines()) == 1 and "parameter ?entity" in err and "is not an IRI" in err


def test_malicious_string_value_is_only_a_literal(run, store):
    assert run("entity-search", text=INJECTION) == []
    # would match every entity if pasted into the FILTER instead of bound as one literal
    assert run("entity-search", text='GCIM")) || true || CONTAINS(("x') == []
    query = load_query("entity-search")
    bound = apply_bindings(query.text, bind_parameters(query, {"text": INJECTION}))
    result = store.query(bound.text, use_default_graph_as_union=True)
    assert [v.value for v in result.variables] == ["entity", "label", "matchedName", "nameKind", "classLabel", "status"]
    assert f"VALUES (?text) {{ ({ox.Literal(INJECTION)}) }}" in bound.text  # one escaped literal
    assert bound.text.count("DROP ALL") == 1


def test_bad_parameters_exit_2(full_build, capsys):
    build = ["--build-dir", str(full_build.out_dir)]
    cases = [(["entities-in-several-documents", "--param", "minDocuments=two"], "is not an integer"),
             (["low-confidence-facts", "--param", "threshold=0.8; DROP"], "is not a decimal number"),
             (["group-members", "--param", "members=x"], "unknown parameter ?members"),
             (["group-members", "--param", "group"], "expected NAME=VALUE"),
             (["no-such-query"], "no such query in the library")]
    for args, message in cases:
        assert main(["query", *args, *build]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, args


# --- the command line ----------------------------------------------------------------------

def test_invalid_sparql_exits_2_with_line_and_column(tmp_path, full_build, capsys):
    bad = tmp_path / "bad.rq"
    bad.write_text("# Question: a broken query\n# Parameters:\n#   ?x (IRI, optional) — unused\n"
                   "SELECT ?s WHERE { ?s ?p ?o .\n  FILTER(?s = ) }\n")
    errors = []
    for params in ([], ["--param", "x=id:organization/gcim"]):  # the VALUES block must not shift the position
        assert main(["query", str(bad), "--build-dir", str(full_build.out_dir), *params]) == 2
        errors.append(capsys.readouterr().err)
    assert errors[0] == errors[1] and errors[0].count("\n") == 1
    assert re.fullmatch(rf"migkg: error: {re.escape(str(bad))}:\d+:\d+: invalid SPARQL: expected .*; "
                        rf"rdflib's parser stops at line 5, column 3, found 'FILTER'\n", errors[0])
    same_line = tmp_path / "same-line.rq"
    same_line.write_text("# Question: q\n# Parameters:\n#   ?x (IRI, optional) — x\nSELECT * WHERE { ?s ?p ?o GARBAGE }\n")
    messages = []
    for params in ([], ["--param", "x=id:organization/gcim"]):
        assert main(["query", str(same_line), "--build-dir", str(full_build.out_dir), *params]) == 2
        messages.append(capsys.readouterr().err.strip())
    assert messages[0] == messages[1] and f"{same_line}:4:" in messages[0]
    assert "rdflib's parser stops at line 4, column 27, found 'GARBAGE'" in messages[0]
    prefix = tmp_path / "prefix.rq"
    prefix.write_text("SELECT * WHERE {\n  ?s foo:bar ?o\n}\n")
    assert main(["query", str(prefix), "--build-dir", str(full_build.out_dir)]) == 2
    assert f"{prefix}:2:6: invalid SPARQL: prefix 'foo:' is not declared" in capsys.readouterr().err


def test_csv_and_json_formats(full_build, capsys):
    args = ["query", "ratification-counts", "--param", "instrument=id:instrument/ilo-c182", "--build-dir", str(full_build.out_dir)]
    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    curated = [r for r in rows if r["status"] == "curated"]
    assert curated and all((r["numberOfParties"], r["asOf"]) == ("150", "2004-05") for r in curated)
    assert list(rows[0])[:6] == ["instrument", "instrumentLabel", "participation", "consent", "numberOfParties", "asOf"]
    assert main([*args, "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["head"]["vars"][:3] == ["instrument", "instrumentLabel", "participation"]
    binding = next(b for b in answer["results"]["bindings"] if b["status"]["value"] == "curated")
    assert binding["asOf"] == {"type": "literal", "value": "2004-05", "datatype": "http://www.w3.org/2001/XMLSchema#gYearMonth"}
    assert binding["instrument"] == {"type": "uri", "value": ID + "instrument/ilo-c182"}
    assert main([*args, "--format", "tsv"]) == 0
    tsv = capsys.readouterr().out.splitlines()
    assert tsv[0].startswith("?instrument\t?instrumentLabel") and f"<{ID}instrument/ilo-c182>" in tsv[1]
    assert main(["query", "group-members", "--build-dir", str(full_build.out_dir)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["group", "member", "memberLabel"] and table[-1] == "(6 rows)"
    assert any(line.startswith("id:organization/geneva-migration-group  id:organization/ilo ") for line in table)


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", "query", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_dash_reads_the_query_from_stdin(full_build):
    query = ("PREFIX mkg: <https://w3id.org/migration-kg/ontology#>\n"
             "SELECT ?id WHERE { ?d a mkg:SourceDocument ; mkg:documentId ?id } ORDER BY ?id\n")
    result = run_cli("-", "--format", "csv", "--build-dir", str(full_build.out_dir), stdin=query)
    assert result.returncode == 0, result.stderr
    ids = result.stdout.split()
    assert ids[0] == "id" and ids[1:] == sorted(f.name.removesuffix(".meta.toml") for f in CORPUS_DIR.glob("*.meta.toml"))
    bad = run_cli("-", "--build-dir", str(full_build.out_dir), stdin="SELECT * WHERE { ?s ?p }")
    assert bad.returncode == 2 and bad.stderr.startswith("migkg: error: <stdin>:1:") and "Traceback" not in bad.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_endpoint_on_a_closed_port_is_one_clear_line(full_build):
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_cli("group-members", "--endpoint", endpoint, "--timeout", "5")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"migkg: error: cannot reach SPARQL endpoint {endpoint}: ")
    assert result.stdout == ""


class SparqlEndpoint(BaseHTTPRequestHandler):
    """A SPARQL 1.1 protocol endpoint over the test store; records what clients send."""
    store: ox.Store
    requests: list[dict]
    delay = 0.0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        query = urllib.parse.parse_qs(body)["query"][0]
        self.requests.append({"agent": self.headers.get("User-Agent"), "query": query,
                              "accept": self.headers.get("Accept")})
        time.sleep(self.delay)
        try:
            result = self.store.query(query, use_default_graph_as_union=True)
            data, status, kind = result.serialize(format=ox.QueryResultsFormat.JSON), 200, "application/sparql-results+json"
        except SyntaxError as err:
            data, status, kind = f"Parse error: {err}".encode(), 400, "text/plain"
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def endpoint(store):
    handler = type("Handler", (SparqlEndpoint,), {"store": store, "requests": [], "delay": 0.0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", handler
    server.shutdown()
    server.server_close()


def test_endpoint_gets_bound_query_and_user_agent(endpoint, full_build, capsys):
    url, handler = endpoint
    assert main(["query", "group-members", "--endpoint", url, "--format", "json"]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert main(["query", "group-members", "--build-dir", str(full_build.out_dir), "--format", "json"]) == 0
    local = json.loads(capsys.readouterr().out)
    assert remote == local and {b["member"]["value"] for b in remote["results"]["bindings"]} == GMG_SIX
    (request,) = handler.requests
    assert request["agent"] == USER_AGENT and request["agent"].startswith("migration-kg/")
    assert f"VALUES (?group) {{ (<{ID}organization/geneva-migration-group>) }}" in request["query"]
    assert "application/sparql-results+json" in request["accept"]


def test_endpoint_query_form_ignores_words_in_comments(endpoint, full_build, capsys):
    # the header of founders-and-founding-dates ends "…whose establishment a document describes."
    assert query_form(load_query("founders-and-founding-dates").text) == "SELECT"
    assert query_form('# CONSTRUCT\n#   DESCRIBE it\nPREFIX d: <http://x/describe#>\nASK { ?s <http://x/p> "SELECT" }') == "ASK"
    assert query_form("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }") == "CONSTRUCT"
    url, handler = endpoint
    args = ["query", "founders-and-founding-dates", "--param", "entity=id:organization/gcim", "--format", "json"]
    assert main([*args, "--endpoint", url]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert main([*args, "--build-dir", str(full_build.out_dir)]) == 0
    assert remote == json.loads(capsys.readouterr().out) and remote["results"]["bindings"]
    assert "application/sparql-results+json" in handler.requests[0]["accept"]


def test_endpoint_refusal_and_timeout_are_one_line(endpoint, tmp_path, capsys):
    url, handler = endpoint
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE { ?s ?p }")
    assert main(["query", str(bad), "--endpoint", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"migkg: error: SPARQL endpoint {url} rejected the query as malformed (HTTP 400): Parse error:")
    assert err.count("\n") == 1
    handler.delay = 3.0
    started = time.monotonic()
    assert main(["query", "acronyms", "--endpoint", url, "--timeout", "1"]) == 2
    assert time.monotonic() - started < 2.9
    assert capsys.readouterr().err == f"migkg: error: SPARQL endpoint {url} did not answer within 1 s\n"


class CannedEndpoint(BaseHTTPRequestHandler):
    """Answers every query with the same body, as a remote store would have written it."""
    body: bytes
    content_type: str

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


def canned_answer(body: bytes, content_type: str):
    """run_remote against an endpoint that sends this answer: the parsed result, or the error."""
    from kg.query import EndpointError, run_remote
    handler = type("Handler", (CannedEndpoint,), {"body": body, "content_type": content_type})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        return run_remote(f"http://127.0.0.1:{server.server_address[1]}/sparql",
                          parse_query_text("SELECT ?a ?b WHERE { ?a ?p ?b }", "<canned>"), {}, timeout=10)
    except EndpointError as err:
        return err
    finally:
        server.shutdown()
        server.server_close()


def test_endpoint_blank_nodes_as_virtuoso_writes_them():
    """Virtuoso writes blank nodes of SELECT answers as nodeID://b123, not a blank node label:
    each becomes a blank node, the same node the same one throughout the answer, distinct from
    a node whose label was already valid (b1) — in JSON and in XML."""
    json_answer = json.dumps({"head": {"vars": ["a", "b"]}, "results": {"bindings": [
        {"a": {"type": "bnode", "value": "nodeID://b1"}, "b": {"type": "bnode", "value": "b1"}},
        {"a": {"type": "bnode", "value": "nodeID://b1"}, "b": {"type": "bnode", "value": "nodeID://b2"}},
        {"a": {"type": "uri", "value": "https://example.org/x"}, "b": {"type": "literal", "value": "nodeID://b1"}}]}}).encode()
    xml_answer = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
                  b'<variable name="a"/><variable name="b"/></head><results>'
                  b'<result><binding name="a"><bnode>nodeID://b1</bnode></binding><binding name="b"><bnode>b1</bnode></binding></result>'
                  b'<result><binding name="a"><bnode>nodeID://b1</bnode></binding><binding name="b"><bnode>nodeID://b2</bnode></binding></result>'
                  b'<result><binding name="a"><uri>https://example.org/x</uri></binding><binding name="b"><literal>nodeID://b1</literal></binding></result>'
                  b'</results></sparql>')
    for body, kind in ((json_answer, "application/sparql-results+json"), (xml_answer, "application/sparql-results+xml")):
        rows = [(s["a"], s["b"]) for s in canned_answer(body, kind)]
        (a1, b1), (a2, b2), (a3, b3) = rows
        assert all(isinstance(t, ox.BlankNode) for t in (a1, b1, a2, b2)), kind
        assert a1 == a2 and len({a1, b1, b2}) == 3 and b1 == ox.BlankNode("b1"), kind
        assert a3 == ox.NamedNode("https://example.org/x") and b3 == ox.Literal("nodeID://b1"), kind  # only blank nodes change


def test_endpoint_answer_invalid_in_a_later_row_is_one_line():
    """pyoxigraph parses an answer row by row as it is read: a bad row is still the one-line
    error, not a traceback halfway through the output."""
    body = json.dumps({"head": {"vars": ["a", "b"]}, "results": {"bindings": [
        {"a": {"type": "uri", "value": "https://example.org/x"}},
        {"a": {"type": "literal", "value": "x", "xml:lang": "not a language tag"}}]}}).encode()
    error = canned_answer(body, "application/sparql-results+json")
    assert isinstance(error, Exception), error
    assert str(error).startswith("SPARQL endpoint http://127.0.0.1:") and "sent an answer that is not valid" in str(error)
    assert "\n" not in str(error)


def test_list_shows_every_query_with_its_question(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(library_queries())
    assert any(line.startswith("group-members ") and "Geneva Migration Group" in line and "[?group]" in line for line in out)
    assert QUERIES_DIR == ROOT / "queries"
