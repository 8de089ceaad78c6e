"""Bad input gets one clear line naming the file and the line or field, before anything is
built: documents, sidecars, registry files and the ontology."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.build import Sources, assemble
from kg.corpus import read_corpus, read_document
from kg.errors import InputError
from kg.progress import Progress
from kg.registry import load_registry
from kg.vocabulary import Vocabulary, parse_rdf_file

from .conftest import MINI, ROOT, SIDECAR


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


def _doc(tmp_path: Path, data: bytes, sidecar: str | None = None, name: str = "doc") -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    if sidecar is not False:
        (tmp_path / f"{name}.meta.toml").write_text(sidecar if sidecar is not None else SIDECAR.format(id=name))
    return path


def test_reads_shipped_corpus():
    docs = read_corpus(ROOT / "kg" / "corpus")
    assert [d.doc_id for d in docs] == sorted(d.doc_id for d in docs)
    assert len(docs) == 5
    assert all(len(d.sha256) == 64 for d in docs)


@pytest.mark.parametrize("data, message", [
    (b"", "document is empty"),
    (b"  \n\t\n", "document is empty"),
    (b"PK\x03\x04\x00\x00binary", "looks binary"),
    ("Migration\nen Espa\u00f1a".encode("latin-1"), "line 2: not valid UTF-8 (byte 0xf1"),
])
def test_bad_document_bytes(tmp_path, data, message):
    path = _doc(tmp_path, data)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_sidecar(tmp_path):
    path = _doc(tmp_path, b"text", sidecar=False)
    with pytest.raises(InputError, match=r"doc\.txt: metadata sidecar doc\.meta\.toml is missing"):
        read_document(path)


@pytest.mark.parametrize("sidecar, message", [
    (SIDECAR.format(id="doc").replace('title = "A test document"\n', ""), "missing required field 'title'"),
    (SIDECAR.format(id="doc").replace('"2004-10"', '"October 2004"'), "field 'date': expected a date as YYYY"),
    (SIDECAR.format(id="doc").replace('"2004-10"', '"2004-02-30"'), "field 'date'"),
    (SIDECAR.format(id="doc").replace('"Report"', '"Pamphlet"'), "field 'type' must be one of"),
    (SIDECAR.format(id="other"), "field 'id' is 'other' but the document file is doc.txt"),
    (SIDECAR.format(id="doc").replace('language = "en"', "language = 7"), "field 'language' must be a string"),
    (SIDECAR.format(id="doc") + "creators = 'Ann'\n", "field 'creators' must be a list"),
    ('id = "doc"\ntitle = "unterminated\n', "line 2"),
])
def test_bad_sidecar(tmp_path, sidecar, message):
    path = _doc(tmp_path, b"Some text.", sidecar=sidecar)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert "doc.meta.toml" in str(err.value)
    assert message in str(err.value)


def _registry(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "test.toml").write_text(text)
    return folder


ENTITY = """
[[entity]]
id = "gcim"
type = "Commission"
label = "Global Commission on International Migration"
"""


@pytest.mark.parametrize("text, message", [
    ("[[entity]\nid = 'x'\n", "test.toml: "),
    (ENTITY.replace('"Commission"', '"Comission"'), "entity 'gcim': field 'type': 'Comission' is not a class of the ontology"),
    (ENTITY.replace('"Commission"', '"SourceDocument"'), "is not a class registry entities may have"),
    (ENTITY.replace('id = "gcim"', 'id = "GCIM"'), "field 'id' must be a slug"),
    (ENTITY + 'colour = "red"\n', "unknown field(s) colour"),
    (ENTITY + ENTITY, "id defined twice"),
    (ENTITY.replace('label = "Global Commission on International Migration"\n', ""), "field 'label' is required"),
    (ENTITY + 'themes = ["theme:nonsense"]\n', "unknown theme 'theme:nonsense'"),
    (ENTITY + '[[entity.fact]]\nproperty = "foundedOn"\nvalue = "2003"\ndoc = "d"\nquote = "q"\n',
     "entity 'gcim', fact #1: field 'property': 'foundedOn' is not a property of the ontology"),
    (ENTITY + '[[entity.fact]]\nproperty = "establishedOn"\nvalue = "Dec 2003"\ndoc = "d"\nquote = "q"\n',
     "fact #1: field 'value': expected a date as YYYY"),
    (ENTITY + '[[entity.fact]]\nproperty = "establishedBy"\nvalue = "nobody"\ndoc = "d"\nquote = "q"\n',
     "field 'value': unknown entity id 'nobody'"),
    (ENTITY + '[[entity.fact]]\nproperty = "establishedOn"\nvalue = "2003"\ndoc = "d"\n',
     "field 'quote' is required"),
    (ENTITY + '[[entity.fact]]\nproperty = "sessionNumber"\nvalue = "92"\ndoc = "d"\nquote = "q"\n',
     "expected an integer"),
    (ENTITY + '[[entity.fact]]\nproperty = "establishedOn"\nvalue = "2003"\ndoc = "d"\nquote = "q"\nconfidence = 2\n',
     "field 'confidence' must be a number from 0 to 1"),
    ('[[fact]]\nsubject = "nobody"\nproperty = "establishedOn"\nvalue = "2003"\ndoc = "d"\nquote = "q"\n',
     "fact #1: field 'subject': unknown entity id 'nobody'"),
    ('[[thing]]\nid = "x"\n', "unknown top-level table(s) thing"),
])
def test_bad_registry(tmp_path, vocab, text, message):
    folder = _registry(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_registry(vocab, folder)
    assert str(err.value).startswith(str(folder / "test.toml"))
    assert message in str(err.value), str(err.value)


def test_registry_syntax_error_names_line(tmp_path, vocab):
    folder = _registry(tmp_path, ENTITY + "\n[[entity]]\nid = = 'x'\n")
    with pytest.raises(InputError, match=r"test\.toml: .*line 8"):
        load_registry(vocab, folder)


def test_quote_not_found_names_fact(tmp_path):
    shutil.copytree(MINI, tmp_path / "mini")
    reg = tmp_path / "mini" / "registry" / "mini.toml"
    reg.write_text(reg.read_text().replace("established the Commission in December 2003",
                                           "established the Commission in January 2003"))
    sources = Sources(corpus_dir=tmp_path / "mini" / "corpus", registry_dir=tmp_path / "mini" / "registry")
    with pytest.raises(InputError) as err:
        assemble(sources, Progress(quiet=True))
    assert "mini.toml: entity 'gcim', fact #1: field 'quote': not found in a59-325-excerpt" in str(err.value)


def test_unknown_document_names_fact(tmp_path):
    shutil.copytree(MINI, tmp_path / "mini")
    reg = tmp_path / "mini" / "registry" / "mini.toml"
    reg.write_text(reg.read_text().replace('doc = "a59-325-excerpt"', 'doc = "a59-326"', 1))
    sources = Sources(corpus_dir=tmp_path / "mini" / "corpus", registry_dir=tmp_path / "mini" / "registry")
    with pytest.raises(InputError, match=r"field 'doc': unknown document 'a59-326'"):
        assemble(sources, Progress(quiet=True))


def test_unknown_publisher_id_names_sidecar(tmp_path):
    shutil.copytree(MINI, tmp_path / "mini")
    sidecar = tmp_path / "mini" / "corpus" / "a59-325-excerpt.meta.toml"
    sidecar.write_text(sidecar.read_text().replace('"un-population-division"', '"un-popdiv"'))
    sources = Sources(corpus_dir=tmp_path / "mini" / "corpus", registry_dir=tmp_path / "mini" / "registry")
    with pytest.raises(InputError) as err:
        assemble(sources, Progress(quiet=True))
    assert str(err.value) == f"{sidecar}: field 'publisher_id': 'un-popdiv' is not an entity id of the registry"


def test_malformed_ontology_names_file_and_line(tmp_path):
    bad = tmp_path / "migration.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \"open\n")
    with pytest.raises(InputError) as err:
        parse_rdf_file(bad)
    assert str(err.value).startswith(f"{bad}: cannot parse turtle")
    assert "line 3" in str(err.value)
