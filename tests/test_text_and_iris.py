"""Quote location, partial dates and IRI minting: the small pure functions every fact's
traceability rests on, tested on real corpus text and with generated input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.namespace import XSD

from kg.corpus import read_corpus
from kg.dates import parse_partial_date
from kg.namespaces import SLUG_RE, entity_iri, evidence_iri, passage_iri
from kg.textspan import context, find_quote

from .conftest import ROOT


@pytest.fixture(scope="module")
def un_report():
    return next(d for d in read_corpus(ROOT / "kg" / "corpus") if d.doc_id.startswith("002_"))


def test_quote_across_line_break_keeps_document_text(un_report):
    span = find_quote(un_report.text, "established the Commission in December 2003")
    exact = un_report.text[span.start:span.end]
    assert exact == "established the Commission in December\n2003"


def test_quote_must_match_punctuation_exactly(un_report):
    assert find_quote(un_report.text, "Secretary General’s report") is not None
    assert find_quote(un_report.text, "Secretary General's report") is None  # straight apostrophe


def test_nth_occurrence(un_report):
    first = find_quote(un_report.text, "Geneva Migration Group")
    second = find_quote(un_report.text, "Geneva Migration Group", occurrence=2)
    assert first.start < second.start
    assert find_quote(un_report.text, "Geneva Migration Group", occurrence=10_000) is None


def test_context_is_prefix_and_suffix(un_report):
    span = find_quote(un_report.text, "Berne Initiative")
    prefix, suffix = context(un_report.text, span, chars=10)
    assert un_report.text[span.start - 10:span.start] == prefix
    assert un_report.text[span.end:span.end + 10] == suffix


words = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(before=st.text(max_size=40), tokens=st.lists(words.filter(lambda w: w.split() == [w]), min_size=1, max_size=5),
       seps=st.lists(st.sampled_from([" ", "\n", "  ", "\t", " \n "]), min_size=5, max_size=5),
       after=st.text(max_size=40))
def test_found_span_is_the_original_text(before, tokens, seps, after):
    body = tokens[0] + "".join(sep + token for sep, token in zip(seps, tokens[1:]))
    original = before + " " + body + " " + after
    quote = " ".join(tokens)
    span = find_quote(original, quote)
    assert span is not None
    exact = original[span.start:span.end]
    assert exact.split() == quote.split()


@pytest.mark.parametrize("text, datatype", [("2003", XSD.gYear), ("2003-12", XSD.gYearMonth), ("2003-12-09", XSD.date)])
def test_partial_dates(text, datatype):
    lit = parse_partial_date(text)
    assert lit.datatype == datatype and str(lit) == text


@pytest.mark.parametrize("text", ["December 2003", "2003-13", "2003-02-30", "03", "2003/12", ""])
def test_bad_dates(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)


@settings(max_examples=200)
@given(st.from_regex(SLUG_RE, fullmatch=True), st.sampled_from(["organization", "instrument", "process", "person"]))
def test_entity_iri_is_stable_and_valid(slug, kind):
    iri = entity_iri(kind, slug)
    assert iri == entity_iri(kind, slug)
    assert re.fullmatch(r"https://w3id\.org/migration-kg/id/[a-z]+/[a-z0-9-]+", iri)


@given(st.from_regex(SLUG_RE, fullmatch=True), st.from_regex(SLUG_RE, fullmatch=True))
def test_entity_iris_do_not_collide(a, b):
    if a != b:
        assert entity_iri("organization", a) != entity_iri("organization", b)


def test_entity_iri_rejects_bad_slugs():
    for bad in ("ILO", "un population", "-x", "x--y", ""):
        with pytest.raises(ValueError):
            entity_iri("organization", bad)
    with pytest.raises(ValueError):
        entity_iri("widget", "x")


@given(st.integers(0, 10**6), st.integers(1, 10**3))
def test_passage_and_evidence_iris_depend_only_on_content(start, length):
    end = start + length
    assert passage_iri("d", start, end) == passage_iri("d", start, end)
    assert str(passage_iri("d", start, end)).endswith(f"/doc/d/passage/{start}-{end}")
    a = evidence_iri("s", "p", "o", "d", start, end)
    assert a == evidence_iri("s", "p", "o", "d", start, end)
    assert a != evidence_iri("s", "p", "o", "d", start, end + 1)
    assert a != evidence_iri("s", "p", "o2", "d", start, end)
