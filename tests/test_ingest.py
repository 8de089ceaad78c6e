"""Ingestion: normalised text that maps back exactly to the document's text layer, the
document formats (txt, md, html, pdf), lenient corpus reading and adding a document.
Real corpus text wherever the corpus has the case; generated text for the properties."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from fpdf import FPDF
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kg.add import add_document, next_number, toml_string
from kg.corpus import CORPUS_DIR, PAGE_BREAK, document_paths, read_corpus, read_corpus_lenient, read_document
from kg.errors import InputError
from kg.ingest import CHAR_MAP, DELETED_CHARS, LINE_END_HYPHENS, TYPOS, NormalizedText, normalize
from kg.textspan import find_quote

from .conftest import SIDECAR


@pytest.fixture(scope="module")
def corpus() -> dict[str, NormalizedText]:
    """Normalised text of each shipped document, by the document's number ("002")."""
    return {d.doc_id[:3]: normalize(d.text) for d in read_corpus(CORPUS_DIR)}


def span_of(norm: NormalizedText, phrase: str) -> tuple[int, int]:
    start = norm.text.index(phrase)
    return start, start + len(phrase)


def source_of(norm: NormalizedText, phrase: str) -> str:
    s, e = norm.to_source(*span_of(norm, phrase))
    return norm.source[s:e]


# --- normalisation on the real corpus ------------------------------------------------


def test_hyphenation_joined_where_the_document_spells_the_word_joined(corpus):
    un = corpus["002"]
    assert "to match migration inflows to one country with out-flows from another" in un.text
    assert source_of(un, "migration inflows to") == "migration in-\nflows to"


@pytest.mark.parametrize("source, joined", [
    ("close co-\noperation with", "close co-operation with"),        # the document writes co-operation
    ("the high-\nlevel dialogue", "the high-level dialogue"),
    ("\u201ca non-\nbinding multilateral", '"a non-binding multilateral'),
    ("coordination and inter-\nState cooperation", "coordination and inter-State cooperation"),  # lower-Upper
    ("of the Thailand-\nMyanmar border", "of the Thailand-Myanmar border"),
    ("telephone (212) 963-\n3179 or fax", "telephone (212) 963-3179 or fax"),   # digits
])
def test_hyphen_kept_in_real_compounds(corpus, source, joined):
    un = corpus["002"]
    assert source in un.source
    assert joined in un.text


def test_hyphenation_rules_without_evidence_in_the_document():
    assert normalize("the develop-\nment of").text == "the development of"  # SUFFIX_FRAGMENTS
    assert normalize("Inter-\nnational law. International law.").text == "International law. International law."
    assert normalize("a self-\nstarter").text == "a self-starter"             # KEEP_PREFIXES
    assert normalize("a sex-\nsegregated job").text == "a sex-segregated job"  # unknown: keep, lose no letter
    assert normalize("migra\u00ad\ntion").text == "migration"                # soft hyphen always joins


def test_page_numbers_dropped_at_real_locations(corpus):
    un = corpus["002"]
    assert [(un.line_of(s), un.source[s:e].strip()) for s, e in un.dropped] == [
        (393, "6"), (1435, "40"), (3232, "80"), (3925, "95"), (5964, "140"), (6486, "151")]
    assert "international organizations are uniquely able to implement. These programmes" in un.text
    assert source_of(un, "able to implement") == "able to \n\n\n\n \n\n 80 \n\nimplement"
    assert "issues that became rapidly polarizing. Instead, the dialogue could usefully discuss" in un.text


def test_numbers_in_tables_and_repeated_content_lines_are_kept(corpus):
    assert all(not n.dropped for key, n in corpus.items() if key != "002")
    assert "55,000 43 India (39)" in corpus["004"].text  # an isolated number in a flattened table
    un = corpus["002"]
    # short lines repeated verbatim, but content: affiliations, headings, sentence ends
    assert un.text.count("Department of Economic and Social Affairs United Nations") >= 3
    assert un.text.count("NOTES 1 The Statistics Division") == 1


def test_running_headers_and_footers_dropped_from_a_pdf(tmp_path, corpus):
    paragraph = ("The Global Commission on International Migration (GCIM), a time-bound and independent group "
                 "addressing international migration, was launched by concerned Governments in December 2003. ")
    assert paragraph.strip() in corpus["002"].text
    path = _doc(tmp_path, "report.pdf", _pdf([paragraph * 12] * 4, header="Migration Policy Practice Vol. IV"))
    doc = read_document(path)
    norm = normalize(doc.text)
    assert doc.text.count(PAGE_BREAK) >= 2 and doc.text.count("Migration Policy Practice Vol. IV") >= 3
    assert "Migration Policy Practice" not in norm.text
    assert norm.text == (paragraph * 48).strip()
    assert {doc.text[s:e] for s, e in norm.dropped} >= {"Migration Policy Practice Vol. IV", "1", "2", "3"}


def test_explicit_page_markers_and_roman_numerals():
    text = "Foreword text ends here.\n\nPage 3\n\nNext page starts. \n- 4 -\nAnd on."
    assert normalize(text).text == "Foreword text ends here. Next page starts. And on."
    prose = [f"Line {n} of the preface runs on for more than forty characters." for n in range(3)]
    roman = f"{prose[0]}\n\niii\n\n{prose[1]}\n\n" + "\n" * 10 + f"iv\n\n{prose[2]}"
    assert normalize(roman).text == " ".join(prose)
    assert normalize(roman.replace("iv", "v")).text == " ".join(prose)
    assert normalize(roman.replace("iv", "ii")).text.count(" ii ") == 1  # not increasing: kept


def test_footnote_markers_stripped(corpus):
    un = corpus["002"]
    assert "activities of the Geneva Migration Group, the Berne Initiative" in un.text
    assert source_of(un, "Geneva Migration Group,") == "Geneva Migration Group10,"
    assert "the Treaty of Amsterdam established for the first" in un.text
    assert "Socio-cultural Demographic" in corpus["004"].text


@pytest.mark.parametrize("text", ["A/59/325", "resolution 58/208", "the G77 and China", "ILO Convention No. 97",
                                  "in the 1990s", "in 2003.", "ISSN 2223-5248", "www.site2.org/x", "Mode 4 of GATS"])
def test_numbers_that_are_not_footnote_markers_are_untouched(text):
    assert normalize(text).text == text


def test_smart_quotes_and_spaces_mapped(corpus):
    un = corpus["002"]
    assert "the Secretary General's report" in un.text
    assert source_of(un, "Secretary General's report") == "Secretary General\u2019s report"
    assert 'narrowly focused "brain-drain" issues' in un.text
    assert normalize("a\u00a0b\u2009c \u201cd\u201d \ufb01nal \u200bx").text == 'a b c "d" final x'


def test_typo_fixed_and_mapped_to_the_whole_source_word(corpus):
    un = corpus["002"]
    heading = "HIGH-LEVEL DIALOGUE ON INTERNATIONAL MIGRATION AND DEVELOPMENT"
    assert heading in un.text and "DEVELOPEMNT" not in un.text
    start, end = span_of(un, heading)
    assert un.source[slice(*un.to_source(end - 11, end))] == "DEVELOPEMNT"
    assert un.source[slice(*un.to_source(end - 9, end - 7))] == "DEVELOPEMNT"  # part of the word: all of it
    assert un.source[slice(*un.to_source(start, end))].endswith("DIALOGUE \n\nON INTERNATIONAL MIGRATION AND DEVELOPEMNT")
    assert "William Clark Research Note" in corpus["000"].text
    assert normalize("xDEVELOPEMNT DEVELOPEMNTs").text == "xDEVELOPEMNT DEVELOPEMNTs"  # whole words only


@pytest.mark.parametrize("quote", [
    "established the Commission in December 2003",
    "Global Commission on International Migration",
    "Berne Initiative",
    "High-Level Dialogue on International Migration and Development",
    "the International Labour Organization",
])
def test_to_source_agrees_with_quote_location(corpus, quote):
    """Each occurrence find_quote finds in the document is the source span of an occurrence
    in the normalised text; the normalised text finds more (across hyphens, page numbers)."""
    un = corpus["002"]
    mapped, start = set(), un.text.find(quote)
    while start >= 0:
        mapped.add(un.to_source(start, start + len(quote)))
        start = un.text.find(quote, start + 1)
    found, occurrence = set(), 1
    while (span := find_quote(un.source, quote, occurrence)) is not None:
        found.add((span.start, span.end))
        occurrence += 1
    assert found and found <= mapped


def test_line_of_and_bounds(corpus):
    un = corpus["002"]
    s, _ = un.to_source(*span_of(un, "Geneva Migration Group, the Berne"))
    assert un.line_of(s) == 2994
    assert un.line_of(0) == 1
    with pytest.raises(ValueError):
        un.to_source(5, 4)
    with pytest.raises(ValueError):
        un.to_source(0, len(un.text) + 1)




# --- properties on generated text ---------------------------------------------------

WORDS = ["migration", "Commission", "high", "level", "develop", "ment", "non", "binding", "International",
         "GCIM", "G77", "A/59/325", "No.", "97", "1990s", "\u00e9t\u00e9", "ILO", "co", "operation", "x"]
TOKENS = st.one_of(
    st.sampled_from(WORDS),
    st.tuples(st.sampled_from(WORDS), st.sampled_from(["10", "4,", "18.", "3)"])).map("".join),  # markers
    st.sampled_from(["\u201cquoted\u201d", "it\u2019s", "\ufb01rst", "a\u00adb", "zero\u200bwidth", "(see)2 "]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6),
)
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\t", "\u00a0", "\n", "-\n", "\u00ad\n", "\n\n", " \n \n",
                              "\n\n12\n\n", "\n\n- 7 -\n\n", "\f", "\r\n"])


@st.composite
def documents(draw, typos: bool = True) -> str:
    tokens = draw(st.lists(TOKENS, max_size=40))
    if typos and draw(st.booleans()):
        tokens.append(draw(st.sampled_from(sorted(TYPOS))))
    seps = draw(st.lists(SEPARATORS, min_size=len(tokens), max_size=len(tokens)))
    return "".join(t + s for t, s in zip(tokens, seps))


ANY_TEXT = st.one_of(documents(), st.text(max_size=200))


def runs(norm: NormalizedText) -> list[tuple[int, int]]:
    return list(zip(norm.offsets, norm.ends))


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_offsets_are_a_monotone_map_of_the_right_length(source):
    norm = normalize(source)
    n = len(norm.text)
    assert len(norm.offsets) == n + 1 and len(norm.ends) == n and norm.offsets[n] == len(source)
    for i, (start, end) in enumerate(runs(norm)):
        assert 0 <= start < end <= len(source)
        if i + 1 < n:
            nxt = (norm.offsets[i + 1], norm.ends[i + 1])
            assert (start, end) == nxt or end <= nxt[0]  # equal (one replaced word) or disjoint, in order
    assert norm.text == norm.text.strip(" ") and "  " not in norm.text
    assert all(c == " " or not c.isspace() for c in norm.text)


def _fold(text: str) -> str:
    return "".join(CHAR_MAP.get(c, c) for c in text)


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_every_character_is_explained_by_its_source_run(source):
    norm = normalize(source)
    for i, (start, end) in enumerate(runs(norm)):
        run = source[start:end]
        if norm.text[i] == " ":
            assert run[0].isspace() and run[-1].isspace()
        elif end - start == 1:
            assert norm.text[i] in _fold(run)
        else:
            assert run in TYPOS and norm.text[i] in TYPOS[run]
    covered = bytearray(len(source))
    for start, end in runs(norm):
        covered[start:end] = b"\x01" * (end - start)
    for start, end in norm.dropped:
        covered[start:end] = b"\x01" * (end - start)
    for pos, char in enumerate(source):
        if not covered[pos]:  # removed: only whitespace, hyphens, invisible characters, footnote digits
            assert char.isspace() or char in LINE_END_HYPHENS or char in DELETED_CHARS or char.isdigit(), (pos, char)


def _widened(norm: NormalizedText, a: int, b: int) -> tuple[int, int]:
    """[a, b) grown to whole runs: characters sharing a run with its first or last one."""
    while a > 0 and norm.offsets[a - 1] == norm.offsets[a]:
        a -= 1
    while b < len(norm.text) and norm.offsets[b] == norm.offsets[b - 1]:
        b += 1
    return a, b


def _letters(text: str) -> str:
    return "".join(c for c in _fold(text) if c.isalpha())


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _is_subsequence(part: str, whole: str) -> bool:
    it = iter(whole)
    return all(c in it for c in part)


@settings(max_examples=400, deadline=None)
@given(documents(typos=False), st.data())
def test_a_span_maps_to_source_with_the_same_letters(source, data):
    """The mapping property: for any normalised span [a, b), widened to whole source runs
    (a span may end inside the "fi" of a ligature), the source span it maps to, minus the
    lines dropped as page furniture, has exactly the same letters (quotes and ligatures
    folded as CHAR_MAP does; hyphens, whitespace and invisible characters are not letters),
    and the span's digits in the same order (the source may have more: footnote markers,
    page numbers)."""
    norm = normalize(source)
    assume(norm.text)
    a = data.draw(st.integers(0, len(norm.text) - 1))
    b = data.draw(st.integers(a + 1, len(norm.text)))
    s, e = norm.to_source(a, b)
    assert norm.to_source(a, b) == norm.to_source(*_widened(norm, a, b))
    a, b = _widened(norm, a, b)
    kept = "".join(c for pos, c in enumerate(source[s:e], start=s)
                   if not any(ds <= pos < de for ds, de in norm.dropped))
    assert _letters(norm.text[a:b]) == _letters(kept)
    assert _is_subsequence(_digits(norm.text[a:b]), _digits(source[s:e]))


# --- formats -------------------------------------------------------------------------


def _doc(folder: Path, name: str, data: bytes | str, sidecar: str | None = None) -> Path:
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    stem = path.name.split(".")[0]
    (folder / f"{stem}.meta.toml").write_text(sidecar if sidecar is not None else SIDECAR.format(id=stem))
    return path


def _pdf(paragraphs: list[str], header: str = "", password: str = "") -> bytes:
    class Pdf(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("helvetica", size=9)
                self.cell(0, 8, header, align="C")
                self.ln(12)

        def footer(self) -> None:
            if header:
                self.set_y(-15)
                self.set_font("helvetica", size=9)
                self.cell(0, 8, str(self.page_no()), align="C")

    pdf = Pdf()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


def test_markdown_text_layer_is_the_file(tmp_path):
    text = "# Remittances\n\nThe **Global Commission** met in *Geneva*.\n"
    doc = read_document(_doc(tmp_path, "notes.md", text))
    assert (doc.text, doc.source_format, doc.doc_id) == (text, "md", "notes")


def test_html_text_layer_is_the_visible_text(tmp_path):
    html = ("<!DOCTYPE html><html><head><title>Ignored title</title><style>p {color: red}</style>"
            "<script>var x = '<p>no</p>';</script></head><body>\n<h1>Third Coordination\n Meeting</h1>"
            "<p>The Global Commission on International Migration &amp; the <b>Berne</b> Initiative&nbsp;met.</p>"
            "<ul><li>IOM</li><li>ILO</li></ul><table><tr><td>Country</td><td>2003</td></tr></table>"
            "<pre>keep   this</pre></body></html>")
    path = _doc(tmp_path, "page.html", html)
    doc = read_document(path)
    assert doc.source_format == "html" and doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.text == ("Third Coordination Meeting\n\nThe Global Commission on International Migration & the "
                        "Berne Initiative\u00a0met.\n\nIOM\nILO\n\nCountry\t2003\n\nkeep   this")
    assert "Ignored" not in doc.text and "color" not in doc.text and "var x" not in doc.text
    assert read_document(_doc(tmp_path, "old.htm", "<p>Hello</p>")).text == "Hello"


def test_pdf_text_layer(tmp_path):
    path = _doc(tmp_path, "paper.pdf", _pdf(["The Berne Initiative was launched in 2001.", "Second paragraph."]))
    doc = read_document(path)
    assert doc.source_format == "pdf" and doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert normalize(doc.text).text == "The Berne Initiative was launched in 2001. Second paragraph."


def test_owner_password_only_pdf_is_readable(tmp_path):
    """Encrypted with an empty user password (permissions only): anyone can read it."""
    doc = read_document(_doc(tmp_path, "open.pdf", _pdf(["Readable text."], password="")))
    assert "Readable text." in doc.text


def _one_line_error(path: Path, message: str) -> None:
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value).startswith(str(path)), str(err.value)
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("name, data, message", [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage\n%%EOF", "cannot read PDF: PdfReadError"),
    ("truncated.pdf", None, "cannot read PDF"),
    ("fake.pdf", b"<html>not a pdf</html>", "not a PDF file"),
    ("blank.pdf", "blank", "PDF has no text layer"),
    ("locked.pdf", "locked", "PDF is encrypted and needs a password"),
    ("empty.pdf", b"", "document is empty"),
    ("empty.html", b"<html><head><title>Only a title</title></head><body> <p></p> </body></html>",
     "HTML page has no visible text"),
    ("latin.html", "<p>Espa\u00f1a</p>".encode("latin-1"), "line 1: not valid UTF-8"),
    ("data.docx", b"PK\x03\x04", "unsupported document format '.docx'"),
])
def test_bad_documents_give_one_line_errors(tmp_path, name, data, message):
    if data is None:
        full = _pdf(["Some text."])
        data = full[: len(full) // 2]
    elif data == "blank":
        data = _pdf([])
    elif data == "locked":
        data = _pdf(["Secret text."], password="secret")
    _one_line_error(_doc(tmp_path, name, data), message)


def test_missing_sidecar_names_the_file(tmp_path):
    path = tmp_path / "lonely.pdf"
    path.write_bytes(_pdf(["Text."]))
    _one_line_error(path, "metadata sidecar lonely.meta.toml is missing")


# --- corpus folder: strict and lenient ---------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    _doc(folder, "a.txt", "Plain text.")
    _doc(folder, "b.md", "# Markdown")
    _doc(folder, "c.html", "<p>HTML text</p>")
    _doc(folder, "d.pdf", _pdf(["PDF text."]))
    (folder / "SOURCES.md").write_text("# Notes on the folder, not a document\n")
    return folder


def test_mixed_formats_read_in_id_order(tmp_path):
    docs = read_corpus(_folder(tmp_path))
    assert [(d.doc_id, d.source_format) for d in docs] == [("a", "txt"), ("b", "md"), ("c", "html"), ("d", "pdf")]


@pytest.mark.parametrize("damage, message", [
    (lambda f: (f / "e.meta.toml").write_text(SIDECAR.format(id="e")),
     "e.meta.toml: sidecar without a document (no e.txt or e.md or e.html or e.htm or e.pdf)"),
    (lambda f: (f / "a.pdf").write_bytes(_pdf(["Other."])),
     "a.txt: document id 'a' is also used by a.pdf; keep one file per id"),
    (lambda f: (f / "a.meta.toml").unlink(), "a.txt: metadata sidecar a.meta.toml is missing"),
    (lambda f: (f / "d.pdf").write_bytes(b"%PDF-1.4 junk"), "d.pdf: cannot read PDF"),
])
def test_strict_stops_lenient_skips_and_reports(tmp_path, damage, message):
    folder = _folder(tmp_path)
    damage(folder)
    with pytest.raises(InputError) as err:
        read_corpus(folder)
    assert message in str(err.value)
    docs, problems = read_corpus_lenient(folder)
    assert len(problems) == 1 and message in problems[0] and "\n" not in problems[0]
    assert len(docs) == (4 if "sidecar without" in message else 3)


def test_lenient_reads_the_shipped_corpus_without_problems():
    docs, problems = read_corpus_lenient(CORPUS_DIR)
    assert problems == [] and [d.doc_id for d in docs] == [d.doc_id for d in read_corpus(CORPUS_DIR)]
    assert all(d.source_format == "txt" for d in docs)


def test_lenient_still_needs_a_folder(tmp_path):
    with pytest.raises(InputError, match="corpus folder not found"):
        read_corpus_lenient(tmp_path / "nope")
    with pytest.raises(InputError, match="no documents"):
        read_corpus_lenient(tmp_path)


# --- adding a document ---------------------------------------------------------------------


@pytest.fixture()
def small_corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted(CORPUS_DIR.iterdir())[:4]:  # 000 and 001 with their sidecars
        shutil.copy(path, folder / path.name)
    return folder


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_add_document_creates_a_readable_document(small_corpus, tmp_path):
    src = tmp_path / "Report on Remittances.pdf"
    src.write_bytes(_pdf(["Remittances to Latin America grew in 2004."]))
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    path = add_document(src, small_corpus, title='The "remittance" boom \\ a study', publisher="IOM", date="2004-10",
                        doc_type="Report", publisher_id="iom", creators=("Ann Example", "B\u00e9a Exemple"),
                        description="Line one\nline two", coverage="2000-2004")
    assert path == small_corpus / f"002_{digest[:16]}.pdf"
    doc = read_document(path)
    assert (doc.title, doc.doc_type, doc.date, doc.publisher_id) == ('The "remittance" boom \\ a study', "Report",
                                                                     "2004-10", "iom")
    assert doc.creators == ("Ann Example", "B\u00e9a Exemple") and doc.description == "Line one\nline two"
    assert doc.sha256 == digest and "Remittances to Latin America" in doc.text
    assert [d.doc_id for d in read_corpus(small_corpus)][-1] == path.stem
    assert not [p for p in small_corpus.iterdir() if p.name.startswith(".")]
    assert next_number(small_corpus) == 3


def test_add_refuses_bytes_already_in_the_corpus(small_corpus):
    existing = sorted(small_corpus.glob("*.txt"))[1]
    before = _listing(small_corpus)
    with pytest.raises(InputError) as err:
        add_document(existing, small_corpus, title="Again", publisher="IMI", date="2015")
    assert str(err.value) == f"{existing}: already in the corpus as {existing.stem} (same sha256)"
    assert _listing(small_corpus) == before


@pytest.mark.parametrize("kwargs, name, data, message", [
    ({"date": "October 2004"}, "a.txt", "Some text.", "field 'date': expected a date as YYYY"),
    ({"doc_type": "Pamphlet"}, "a.txt", "Some text.", "field 'type' must be one of"),
    ({"title": "  "}, "a.txt", "Some text.", "field 'title' is empty"),
    ({"publisher_id": "Not A Slug"}, "a.txt", "Some text.", "field 'publisher_id'"),
    ({}, "scan.pdf", "blank", "PDF has no text layer"),
    ({}, "a.txt", b"\xff\xfe bad", "not valid UTF-8"),
    ({}, "a.docx", "x", "unsupported document format"),
])
def test_add_leaves_nothing_behind_on_failure(small_corpus, tmp_path, kwargs, name, data, message):
    src = tmp_path / name
    src.write_bytes(_pdf([]) if data == "blank" else data.encode() if isinstance(data, str) else data)
    before = _listing(small_corpus)
    arguments = {"title": "A title", "publisher": "Someone", "date": "2004"} | kwargs
    with pytest.raises(InputError) as err:
        add_document(src, small_corpus, **arguments)
    assert str(err.value).startswith(str(src)) and message in str(err.value) and "\n" not in str(err.value)
    assert ".add-" not in str(err.value)
    assert _listing(small_corpus) == before


def test_add_numbers_after_the_highest_existing(small_corpus, tmp_path):
    (small_corpus / "041_old.txt").write_text("Old text.")
    (small_corpus / "041_old.meta.toml").write_text(SIDECAR.format(id="041_old"))
    src = tmp_path / "n.md"
    src.write_text("# New")
    assert add_document(src, small_corpus, title="New", publisher="X", date="2020").name.startswith("042_")
    assert len(document_paths(small_corpus)) == 4


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_toml_strings_round_trip(value):
    import tomllib
    assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value
