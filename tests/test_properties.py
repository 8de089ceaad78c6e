"""Properties, on generated input, of what every fact's traceability rests on: the normaliser's
offset map (kg.ingest) and IRI minting (kg.namespaces, kg.discovery.entity_key).

What tests/test_ingest.py already checks on token soup (offsets of the right length and
monotone, each character *among* the characters its run could give, the letters of a span
equal to those of its source) is not repeated; this file adds:

* paged documents (form feeds, increasing page numbers in four styles, a running header,
  words hyphenated across lines and pages, footnote markers, smart quotes, ligatures,
  zero-width characters, typos, any Unicode), in which page furniture is really dropped:
  token soup almost never has two increasing page numbers;
* the exact invariant of the module docstring ("character i of `text` came from the source
  run [offsets[i], ends[i])"): every group of characters sharing a run *is* that run
  normalised again, exactly: the CHAR_MAP value, the TYPOS correction, or one space for a
  whitespace run (which may hold dropped lines and invisible characters);
* to_source as a round trip: the normalised characters whose runs lie inside the source span
  a span maps to are exactly that span (widened to whole runs);
* normalising the source of a span again gives the span, for spans at word boundaries of
  text that only the local rules touch. In general it cannot: page numbers and running
  headers are recognised by their repetition across pages, hyphenated words by the
  document's own spellings, and a footnote marker by what follows it ("Group10abc" keeps its
  digits, the span "Group10" alone would lose them);
* IRIs: valid (pyoxigraph's strict IRI parser and an rdflib N-Triples round trip), stable,
  and distinct wherever their inputs are; entity keys are slugs or empty."""

from __future__ import annotations

import re

import pyoxigraph as ox
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.discovery import SPELLING, entity_key
from kg.ingest import CHAR_MAP, DELETED_CHARS, TYPOS, NormalizedText, normalize
from kg.namespaces import (BASE, DOC_ID_RE, KIND_ROOTS, SLUG_RE, document_graph_iri, document_iri, entity_iri,
                           evidence_iri, passage_iri, selector_iri)

from .test_ingest import _widened

SETTINGS = settings(max_examples=200, deadline=None)

# --- generated documents ------------------------------------------------------------------------

LETTERS = st.characters(whitelist_categories=("Lu", "Ll", "Lo"), blacklist_characters="\u00ad")
WORDS = st.one_of(
    st.sampled_from(["migration", "Commission", "International", "Organization", "GCIM", "G77", "A/59/325",
                     "No.", "97", "1990s", "été", "ILO", "remittances", "the", "of", "and"]),
    st.sampled_from(["\u201cquoted\u201d", "it\u2019s", "\ufb01rst", "e\ufb03cient", "zero\u200bwidth",
                     "Group10,", "States4.", "(see)2", "non\u2011binding"]),
    st.sampled_from(sorted(TYPOS)),
    st.text(LETTERS, min_size=1, max_size=8),
)
INLINE_SPACE = st.sampled_from([" ", " ", " ", "  ", "\t", "\u00a0", " \u200b "])
# (end of a line, start of the next): a word broken across the line break
HYPHENATED = st.sampled_from([("develop-", "ment"), ("migra-", "tion"), ("high-", "level"), ("co-", "operation"),
                              ("inter-", "State"), ("migra\u00ad", "tion"), ("963-", "3179"), ("non-", "binding")])
HEADER = "Migration Policy Review"


def _roman(n: int) -> str:
    return {1: "i", 2: "ii", 3: "iii", 4: "iv", 5: "v", 6: "vi", 7: "vii", 8: "viii"}[n]


@st.composite
def paged_documents(draw) -> tuple[str, set[tuple[int, int]]]:
    """A document of 3-5 pages and the (start, end) of the lines that are page furniture.
    Every prose line has a word no other line has (L<n>), so only furniture repeats."""
    style = draw(st.sampled_from(["arabic", "roman", "Page n", "- n -"]))
    header = draw(st.booleans())
    first = draw(st.integers(1, 2))
    pages = draw(st.integers(3, 5))
    parts: list[str] = []
    furniture: set[tuple[int, int]] = set()
    pos = 0

    def line(text: str, is_furniture: bool = False) -> None:
        nonlocal pos
        if is_furniture:
            furniture.add((pos, pos + len(text)))
        parts.append(text + "\n")
        pos += len(text) + 1

    carry, number = "", 0
    for page in range(pages):
        if page:
            parts.append("\f")
            pos += 1
        if header:
            line(HEADER, True)
        lines = draw(st.integers(3, 6))
        for k in range(lines):
            number += 1
            words = draw(st.lists(WORDS, min_size=4, max_size=10))
            spaces = draw(st.lists(INLINE_SPACE, min_size=len(words), max_size=len(words)))
            body = carry + "".join(w + s for w, s in zip(words, spaces)) + f"L{number} of the report"
            carry = ""
            if draw(st.booleans()) and (page + 1 < pages or k + 1 < lines):  # the next line continues it
                end, carry = draw(HYPHENATED)
                body += " " + end
            else:
                body += "."
            line(body)
            if draw(st.booleans()):
                line("")
        line("")
        n = first + page
        line({"arabic": str(n), "roman": _roman(n), "Page n": f"Page {n}", "- n -": f"- {n} -"}[style], True)
    return "".join(parts), furniture


TOKENS = st.one_of(WORDS, st.text(max_size=6))
SEPARATORS = st.sampled_from([" ", "  ", "\t", "\u00a0", "\n", "-\n", "\u00ad\n", "\n\n", "\n\n12\n\n", "\n\n- 7 -\n\n",
                              "\f", "\r\n", " \u200b "])


@st.composite
def token_soup(draw) -> str:
    tokens = draw(st.lists(TOKENS, max_size=30))
    seps = draw(st.lists(SEPARATORS, min_size=len(tokens), max_size=len(tokens)))
    return "".join(t + s for t, s in zip(tokens, seps))


ANY_TEXT = st.one_of(paged_documents().map(lambda d: d[0]), token_soup(), st.text(max_size=300))


def _groups(norm: NormalizedText) -> list[tuple[int, int]]:
    """[i, j) of each run of normalised characters that share one source run."""
    groups, i = [], 0
    while i < len(norm.text):
        j = i + 1
        while j < len(norm.text) and (norm.offsets[j], norm.ends[j]) == (norm.offsets[i], norm.ends[i]):
            j += 1
        groups.append((i, j))
        i = j
    return groups


def _without_dropped(norm: NormalizedText, start: int, end: int) -> str:
    return "".join(c for pos, c in enumerate(norm.source[start:end], start)
                   if not any(s <= pos < e for s, e in norm.dropped))



# --- the normaliser ---------------------------------------------------------------------------------

@SETTINGS
@given(paged_documents())
def test_page_numbers_and_running_headers_are_dropped_and_nothing_else(document):
    source, furniture = document
    norm = normalize(source)
    assert set(norm.dropped) == furniture
    assert HEADER not in norm.text
    assert "L1 of the report" in norm.text


@SETTINGS
@given(ANY_TEXT)
def test_each_character_group_is_its_source_run_normalised_again(source):
    """The module's invariant, exactly: a group of characters sharing a source run is
    CHAR_MAP[run] or the run itself (one character), TYPOS[run] (a word), or one space (a
    whitespace run, with any dropped lines and invisible characters inside it)."""
    norm = normalize(source)
    n = len(norm.text)
    for i, j in _groups(norm):
        start, end = norm.offsets[i], norm.ends[i]
        produced, run = norm.text[i:j], source[start:end]
        if produced == " ":
            kept = _without_dropped(norm, start, end)
            assert kept and all(c.isspace() or c in DELETED_CHARS for c in kept), (run, kept)
            assert any(c.isspace() for c in kept)
            # the whole whitespace run: none left over between it and its neighbours' runs
            before = _without_dropped(norm, norm.ends[i - 1] if i else 0, start)
            after = _without_dropped(norm, end, norm.offsets[i + 1] if i + 1 < n else len(source))
            assert not any(c.isspace() for c in before + after), (before, run, after)
        elif len(run) == 1:
            assert produced == CHAR_MAP.get(run, run), (run, produced)
        else:
            assert produced == TYPOS[run], (run, produced)


@SETTINGS
@given(ANY_TEXT, st.data())
def test_to_source_is_a_monotone_round_trip(source, data):
    """Offsets never decrease and runs are equal or disjoint; and for any span, the normalised
    characters whose runs lie inside the source span it maps to are exactly the span, widened
    to whole runs (a span may end inside the "fi" of a ligature): nothing more, nothing less."""
    norm = normalize(source)
    n = len(norm.text)
    assert len(norm.offsets) == n + 1 and len(norm.ends) == n and norm.offsets[n] == len(source)
    for i in range(n - 1):
        assert norm.offsets[i] <= norm.offsets[i + 1] and norm.ends[i] <= norm.ends[i + 1]
        assert (norm.offsets[i], norm.ends[i]) == (norm.offsets[i + 1], norm.ends[i + 1]) \
            or norm.ends[i] <= norm.offsets[i + 1]
    assume(n)
    a = data.draw(st.integers(0, n - 1))
    b = data.draw(st.integers(a + 1, n))
    s, e = norm.to_source(a, b)
    assert 0 <= s < e <= len(source)
    inside = [k for k in range(n) if s <= norm.offsets[k] and norm.ends[k] <= e]
    wa, wb = _widened(norm, a, b)
    assert inside == list(range(wa, wb))
    assert norm.to_source(wa, wb) == (s, e)
    # and a later span maps to a later (or the same, inside one run) source span
    c = data.draw(st.integers(b, n))
    if c > b:
        s2, e2 = norm.to_source(b, c)
        assert s2 >= s and e2 >= e and (s2 >= e or norm.offsets[b] == norm.offsets[b - 1])


LOCAL_WORDS = st.one_of(
    st.sampled_from(["migration", "Commission", "GCIM", "G77", "A/59/325", "No.", "97", "1990s", "été",
                     "\u201cquoted\u201d", "it\u2019s", "\ufb01rst", "zero\u200bwidth", "Group10,", "States4.",
                     "(see)2", *sorted(TYPOS), "xDEVELOPEMNT", "DEVELOPEMNTs"]),
    st.text(LETTERS, min_size=1, max_size=8),
)
LOCAL_SPACE = st.sampled_from([" ", "  ", "\t", "\u00a0", "\n", "\n\n", " \n \n", "\r\n", " \u200b "])


@st.composite
def local_documents(draw) -> str:
    """Text only the local rules touch: no form feeds, no line ends in a hyphen, and a word
    of its own on each line (W<n>), so that no line is a page number or repeats."""
    words = draw(st.lists(LOCAL_WORDS, min_size=1, max_size=30))
    seps = draw(st.lists(LOCAL_SPACE, min_size=len(words), max_size=len(words)))
    out, line = [], 0
    for word, sep in zip(words, seps):
        out.append(word + sep)
        if "\n" in sep:
            line += 1
            out.append(f"W{line} ")
    return "".join(out)


@SETTINGS
@given(local_documents(), st.data())
def test_the_source_of_a_span_normalised_again_is_the_span(source, data):
    norm = normalize(source)
    starts = [0] + [i + 1 for i, c in enumerate(norm.text) if c == " "]
    ends = [i for i, c in enumerate(norm.text) if c == " "] + [len(norm.text)]
    assume(norm.text)
    a = data.draw(st.sampled_from(starts))
    b = data.draw(st.sampled_from([e for e in ends if e > a]))
    s, e = norm.to_source(a, b)
    assert normalize(source[s:e]).text == norm.text[a:b]


# --- IRIs -----------------------------------------------------------------------------------------

KINDS = st.sampled_from(sorted(KIND_ROOTS.values()))
SLUGS = st.from_regex(SLUG_RE, fullmatch=True)
DOC_IDS = st.from_regex(DOC_ID_RE, fullmatch=True)
OFFSETS = st.integers(0, 10**7)
FORBIDDEN_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')


def valid_iri(iri: URIRef) -> None:
    """Accepted by pyoxigraph's IRI parser (RFC 3987), without characters N-Triples or Turtle
    would have to escape, and unchanged by an rdflib N-Triples round trip."""
    assert isinstance(iri, URIRef) and str(iri).startswith(BASE)
    assert not FORBIDDEN_IN_IRIS.search(iri), iri
    assert ox.NamedNode(str(iri)).value == str(iri)
    graph = Graph()
    graph.add((iri, RDFS.label, Literal("x")))
    parsed = Graph().parse(data=graph.serialize(format="nt"), format="nt")
    assert set(parsed.subjects()) == {iri}


@SETTINGS
@given(KINDS, SLUGS, KINDS, SLUGS)
def test_entity_iris_are_valid_stable_and_distinct_for_every_kind(kind, slug, other_kind, other_slug):
    iri = entity_iri(kind, slug)
    valid_iri(iri)
    assert iri == entity_iri(kind, slug)
    assert re.fullmatch(rf"{re.escape(BASE)}id/([a-z]+)/(.+)", iri).groups() == (kind, slug)  # decodes back
    assert (iri == entity_iri(other_kind, other_slug)) == ((kind, slug) == (other_kind, other_slug))


@SETTINGS
@given(DOC_IDS, OFFSETS, OFFSETS, DOC_IDS, OFFSETS, OFFSETS)
def test_document_and_passage_iris_are_valid_stable_and_distinct(doc, start, length, other_doc, other_start, other_length):
    end, other_end = start + length, other_start + other_length
    passage = passage_iri(doc, start, end)
    for iri in (document_iri(doc), document_graph_iri(doc), passage,
                selector_iri(passage, "quote"), selector_iri(passage, "position")):
        valid_iri(iri)
    assert passage == passage_iri(doc, start, end)
    assert re.fullmatch(rf"{re.escape(BASE)}doc/([^/]+)/passage/(\d+)-(\d+)", passage).groups() == \
        (doc, str(start), str(end))
    same = (doc, start, end) == (other_doc, other_start, other_end)
    assert (passage == passage_iri(other_doc, other_start, other_end)) == same
    assert (document_iri(doc) == document_iri(other_doc)) == (doc == other_doc)
    assert len({document_iri(doc), passage, selector_iri(passage, "quote"), selector_iri(passage, "position")}) == 4


TERMS = st.one_of(st.builds(entity_iri, KINDS, SLUGS), st.sampled_from([str(p) for p in (RDFS.label, RDFS.comment)]))
OBJECTS = st.one_of(  # as EvidencedFact passes them: the object's N3 form, any text inside a literal
    st.builds(lambda k, s: URIRef(entity_iri(k, s)).n3(), KINDS, SLUGS),
    st.text().map(lambda t: Literal(t).n3()),
    st.text(alphabet=st.sampled_from("ab\x1f-\n\"")).map(lambda t: Literal(t, lang="en").n3()),
)


@st.composite
def evidence_inputs(draw) -> tuple:
    return (str(draw(TERMS)), str(draw(TERMS)), draw(OBJECTS), draw(DOC_IDS), draw(OFFSETS), draw(OFFSETS))


@SETTINGS
@given(evidence_inputs(), st.integers(0, 5), st.data())
def test_evidence_iris_are_valid_stable_and_differ_when_any_part_differs(parts, field, data):
    iri = evidence_iri(*parts)
    valid_iri(iri)
    assert iri == evidence_iri(*parts)
    assert re.fullmatch(rf"{re.escape(BASE)}evidence/[0-9a-f]{{16}}", iri)
    changed = list(parts)
    changed[field] = data.draw(evidence_inputs())[field]
    assume(tuple(changed) != parts)
    assert evidence_iri(*changed) != iri


def test_evidence_iris_separate_their_parts():
    """A separator inside the object literal cannot move text into a neighbouring part."""
    s, p = str(entity_iri("organization", "gcim")), str(RDFS.label)
    assert evidence_iri(s, p, '"a\x1fd"', "d", 1, 2) != evidence_iri(s, p, '"a"', "d", 1, 2)
    assert evidence_iri(s, p, "o", "d1", 23, 4) != evidence_iri(s, p, "o", "d12", 3, 4)
    assert evidence_iri(s, p, "o", "d", 12, 3) != evidence_iri(s, p, "o", "d", 1, 23)


NAMES = st.one_of(st.text(max_size=40), st.lists(st.sampled_from(
    ["The", "the", "International", "Labour", "Organisation", "Centre", "for", "Migration", "Programme", "’s",
     "UN-Habitat", "Ñandú", "Ἀθηνᾶ", "2003", "(IOM)", "  ", "\n"]), max_size=6).map(" ".join))


@SETTINGS
@given(NAMES)
def test_entity_keys_are_slugs_or_empty_and_stable(name):
    key = entity_key(name)
    assert key == entity_key(name)
    assert key == "" or SLUG_RE.match(key), key
    if any(c.isalpha() for c in name):
        assert key, name  # a name with letters, in any script, has a key
    assert entity_key(key) == key  # a key is its own key: merging twice changes nothing
    if key:
        valid_iri(entity_iri("organization", key))
    american = name
    for british, us in SPELLING:
        american = american.replace(british, us).replace(british.capitalize(), us.capitalize())
    assert entity_key(american) == key  # spelling variants share a key, by design


def test_names_in_other_scripts_get_distinct_keys():
    """Accents fold; letters with no ASCII spelling keep the key distinct through a digest."""
    assert entity_key("Ödül Bozkurt") == "odul-bozkurt" and entity_key("Cécile Riallant") == "cecile-riallant"
    greek = {entity_key("Ζωή Παππά"), entity_key("Ζωή Ιωάννου"), entity_key("Μουσείο Μετανάστευσης Centre")}
    assert len(greek) == 3 and all(SLUG_RE.match(k) for k in greek), greek
    assert entity_key("Μουσείο Μετανάστευσης Centre") == entity_key("Μουσείο Μετανάστευσης Center")
