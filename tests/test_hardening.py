"""Hardening against bad input and load: what a user sees when an input is broken, huge or
hostile, and what the build, `migkg query` and the SPARQL endpoint do under it. Each test
here is one row (or part of a row) of the table in docs-hardening.md; rows that older tests
already prove name those tests there instead.

Network and file access are observed, not assumed: a Python audit hook records every
`open`, `socket.connect` and `urllib.Request` made while a parser runs, and Oxigraph (whose
HTTP client is Rust, invisible to the hook) is pointed at a listening socket that records
whether anyone connected."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.build import Sources, build
from kg.cli import main
from kg.corpus import MAX_TEXT_CHARS, read_document
from kg.errors import InputError
from kg.export import jsonld
from kg.progress import Progress
from kg.sparql_endpoint import LIMIT_HEADER, TRUNCATED_HEADER, QueryPool, QueryRequest, execute
from kg.vocabulary import parse_rdf_file

from .conftest import MINI, ROOT, SIDECAR

MIGKG = [sys.executable, "-m", "kg.cli"]
MINI_REGISTRY = MINI / "registry"
ENDLESS_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 10^9 rows on 1,000 triples


# --- observing file and network access ------------------------------------------------------

_WATCHED = ("open", "socket.connect", "urllib.Request")
_seen: list[tuple[str, str]] | None = None


def _audit(event: str, args: tuple) -> None:
    if _seen is not None and event in _WATCHED:
        _seen.append((event, repr(args[:2])))


sys.addaudithook(_audit)  # hooks cannot be removed; this one records only inside watching()


@contextmanager
def watching():
    """Records (event, arguments) of every file open, socket connect and urllib request."""
    global _seen
    _seen = seen = []
    try:
        yield seen
    finally:
        _seen = None


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Listener:
    """A loopback TCP listener that records whether anything connected (and what it sent)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received.append(conn.recv(4096))
                except OSError:
                    self.received.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    running = Listener()
    yield running
    running.close()


def _hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, subfolders included."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- bad documents, sidecars, registry and ontology: one exact line, exit 2 -------------------

def _corpus_with(tmp_path: Path, name: str, data: bytes, sidecar: str | None = None) -> Path:
    """The mini corpus plus one more document (and its sidecar)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI / "corpus", corpus)
    (corpus / name).write_bytes(data)
    stem = name.split(".")[0]
    (corpus / f"{stem}.meta.toml").write_text(sidecar if sidecar is not None else SIDECAR.format(id=stem))
    return corpus


def _build_error(capsys, tmp_path: Path, *args: str) -> tuple[int, str]:
    out = tmp_path / "out"
    code = main(["build", "-q", "--no-reason", "--no-docs", "--out", str(out), *args])
    assert not out.exists(), "nothing is published from bad input"
    return code, capsys.readouterr().err


BAD_INPUTS = {
    # case: (file name, bytes, sidecar text or None, the file the message names, the message)
    "empty document": ("doc.txt", b"", None, "doc", "document is empty"),
    "blank document": ("doc.txt", b" \n\t\n", None, "doc", "document is empty"),
    "binary document": ("doc.txt", b"PK\x03\x04\x00\x00\x08\x00binary", None, "doc",
                        "document looks binary (contains NUL bytes); expected UTF-8 text"),
    "non-UTF-8 document": ("doc.txt", "Migration\nen Espa\u00f1a".encode("latin-1"), None, "doc",
                           "line 2: not valid UTF-8 (byte 0xf1 at offset 17)"),
    "PDF that cannot be parsed": ("doc.pdf", b"%PDF-1.4\n1 0 obj garbage\n%%EOF", None, "doc",
                                  "cannot read PDF: PdfReadError: startxref not found"),
    "PDF that is not a PDF": ("doc.pdf", b"<html>not a pdf</html>", None, "doc", "not a PDF file (no %PDF- header)"),
    "sidecar: missing field": ("doc.txt", b"Text.", SIDECAR.format(id="doc").replace('title = "A test document"\n', ""),
                               "sidecar", "missing required field 'title'"),
    "sidecar: malformed date": ("doc.txt", b"Text.", SIDECAR.format(id="doc").replace('"2004-10"', '"2004-02-30"'),
                                "sidecar", "field 'date': day is out of range for month"),
    "sidecar: field of the wrong type": ("doc.txt", b"Text.", SIDECAR.format(id="doc").replace('"en"', "7"),
                                         "sidecar", "field 'language' must be a string, got int"),
    "sidecar: TOML syntax error": ("doc.txt", b"Text.", 'id = "doc"\ntitle = "unterminated\n',
                                   "sidecar", "Illegal character '\\n' (at line 2, column 22)"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_document_or_sidecar_is_one_exact_line(case, tmp_path, capsys):
    name, data, sidecar, named, message = BAD_INPUTS[case]
    corpus = _corpus_with(tmp_path, name, data, sidecar)
    path = corpus / name if named == "doc" else corpus / "doc.meta.toml"
    code, err = _build_error(capsys, tmp_path, "--corpus", str(corpus), "--registry", str(MINI_REGISTRY))
    assert (code, err) == (2, f"migkg: error: {path}: {message}\n")


def test_malformed_registry_toml_names_file_and_line(tmp_path, capsys):
    registry = tmp_path / "registry"
    shutil.copytree(MINI_REGISTRY, registry)
    text = (registry / "mini.toml").read_text() + "\n[[entity]]\nid = = 'x'\n"
    (registry / "mini.toml").write_text(text)
    line = text.splitlines().index("id = = 'x'") + 1
    code, err = _build_error(capsys, tmp_path, "--corpus", str(MINI / "corpus"), "--registry", str(registry))
    assert (code, err) == (2, f"migkg: error: {registry / 'mini.toml'}: Invalid value (at line {line}, column 6)\n")


def test_malformed_ontology_turtle_names_file_and_line(tmp_path, capsys):
    ontology = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", ontology)
    lines = (ontology / "migration.ttl").read_text().splitlines(keepends=True)
    lines.insert(40, 'mkg:Broken a owl:Class ; rdfs:label "unterminated .\n')  # becomes line 41
    (ontology / "migration.ttl").write_text("".join(lines))
    code, err = _build_error(capsys, tmp_path, "--corpus", str(MINI / "corpus"), "--registry", str(MINI_REGISTRY),
                             "--ontology", str(ontology))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"migkg: error: {ontology / 'migration.ttl'}: cannot parse turtle: at line 41 of <>: "
                          "Bad syntax (newline found in string literal)"), err


# --- a 50 MB document ---------------------------------------------------------------------------

def _prose(size: int) -> str:
    """`size` characters of real corpus prose, repeated."""
    text = (ROOT / "kg" / "corpus" / "002_cdd899cb68d944b6.txt").read_text(encoding="utf-8")
    return (text * (size // len(text) + 1))[:size]


def _at_most_3_gb() -> None:
    """In the child: a regression fails with MemoryError instead of taking the machine's memory."""
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def test_50_mb_document_fails_at_once_with_a_clear_message(tmp_path):
    """Measured before the limit existed: normalising 50 MB needs more than 4 GB (MemoryError
    after 22 s under a 4 GB cap); a 5 MB document builds in about 85 s and 1.8 GB. Now the
    file's size is checked before it is read: exit 2 in the time it takes to start, in the
    memory it takes to import the libraries."""
    corpus = _corpus_with(tmp_path, "big.txt", _prose(50 * 1024 * 1024).encode("utf-8"))
    big = corpus / "big.txt"
    size = big.stat().st_size
    assert size >= 50 * 1024 * 1024
    started = time.monotonic()
    with (tmp_path / "stderr").open("wb") as stderr:
        proc = subprocess.Popen([*MIGKG, "build", "--no-reason", "--no-docs", "--corpus", str(corpus),
                                 "--registry", str(MINI_REGISTRY), "--out", str(tmp_path / "out")],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr, preexec_fn=_at_most_3_gb)
        timer = threading.Timer(60, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # the child's own peak memory, not the test's
        finally:
            timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed, peak_mb = time.monotonic() - started, usage.ru_maxrss / 1024
    text = (tmp_path / "stderr").read_text()
    print(f"50 MB document: exit {proc.returncode} after {elapsed:.1f} s, peak memory {peak_mb:.0f} MB")
    assert proc.returncode == 2, text[-2000:]
    assert [line for line in text.splitlines() if line.startswith("migkg:")] == [
        f"migkg: error: {big}: document too large: {size:,} bytes (limits: 20,000,000 bytes for a .txt file, "
        "5,000,000 characters of text); split it into smaller documents"]
    assert "Traceback" not in text
    # No time or memory figure is asserted (those belong in bench/): the 3 GB cap and the 60 s
    # kill above are what stop a regression, which then fails on the exit status.
    assert not (tmp_path / "out").exists()


def test_text_layer_limit_is_exact(tmp_path):
    """Under the byte limit but over the character limit (two-byte characters): refused after
    decoding, with the count; a text of exactly the limit is read."""
    over = tmp_path / "over.txt"
    over.write_text("\u00e9" * (MAX_TEXT_CHARS + 1), encoding="utf-8")
    (tmp_path / "over.meta.toml").write_text(SIDECAR.format(id="over"))
    with pytest.raises(InputError) as err:
        read_document(over)
    assert str(err.value) == (f"{over}: document too large: its text has 5,000,001 characters (limit: 5,000,000, "
                              "about 2,000 pages); split it into smaller documents")
    at_limit = tmp_path / "limit.txt"
    at_limit.write_text("\u00e9" * MAX_TEXT_CHARS, encoding="utf-8")
    (tmp_path / "limit.meta.toml").write_text(SIDECAR.format(id="limit"))
    assert len(read_document(at_limit).text) == MAX_TEXT_CHARS


# --- RDF/XML with external entities (XXE) ---------------------------------------------------------

XXE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY ex "http://example.org/">
  <!ENTITY passwd SYSTEM "file:///etc/passwd">
  <!ENTITY remote SYSTEM "http://127.0.0.1:{port}/entity">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="&ex;a">
    <rdfs:label>&passwd;</rdfs:label>
    <rdfs:comment>&remote;</rdfs:comment>
  </rdf:Description>
</rdf:RDF>
"""


def _no_access(seen: list[tuple[str, str]], path: Path) -> None:
    """Nothing but the file itself (and Python modules) was opened; nothing was connected to."""
    assert not [e for e in seen if e[0] == "open" and "passwd" in e[1]], seen
    assert not [e for e in seen if e[0] in ("socket.connect", "urllib.Request")], seen
    assert all(str(path) in e[1] for e in seen if e[0] == "open" and ".py" not in e[1]), seen


@pytest.mark.parametrize("entities", ["both", "remote only"])
def test_rdfxml_external_entity_is_refused_and_nothing_is_read(tmp_path, entities):
    port = closed_port()
    text = XXE.format(port=port)
    if entities == "remote only":
        text = text.replace('  <!ENTITY passwd SYSTEM "file:///etc/passwd">\n', "").replace("&passwd;", "x")
    evil = tmp_path / "evil.owl"
    evil.write_text(text)
    with watching() as seen, pytest.raises(InputError) as err:
        parse_rdf_file(evil, "xml")
    name, where, line = (("passwd", "file:///etc/passwd", 4) if entities == "both"
                         else ("remote", f"http://127.0.0.1:{port}/entity", 4))
    assert str(err.value) == (f"{evil}: line {line}: external entity '{name}' ({where}) refused: entities that name "
                              "a file or URL are never resolved; write the text into the file")
    _no_access(seen, evil)


def test_validate_of_an_xxe_file_is_one_line(tmp_path, capsys):
    evil = tmp_path / "evil.rdf"
    evil.write_text(XXE.format(port=closed_port()))
    with watching() as seen:
        assert main(["validate", "-q", str(evil)]) == 2
    err = capsys.readouterr().err
    assert err == (f"migkg: error: {evil}: line 4: external entity 'passwd' (file:///etc/passwd) refused: entities "
                   "that name a file or URL are never resolved; write the text into the file\n")
    assert not [e for e in seen if "passwd" in e[1] or e[0] != "open"], seen


def test_rdfxml_internal_entities_still_parse(tmp_path):
    """Protégé writes <!ENTITY owl "http://www.w3.org/2002/07/owl#"> and &owl;Class: fine."""
    ok = tmp_path / "protege.owl"
    ok.write_text(XXE.split("<!ENTITY passwd")[0] + "]>\n" + XXE.split("]>\n", 1)[1]
                  .replace("&passwd;", "A").replace("&remote;", "B"))
    graph = parse_rdf_file(ok, "xml")
    assert set(graph) == {(URIRef("http://example.org/a"), RDFS.label, Literal("A")),
                          (URIRef("http://example.org/a"), RDFS.comment, Literal("B"))}


def test_rdfxml_entity_expansion_bomb_is_refused_at_once(tmp_path):
    """Internal entities that expand exponentially ("billion laughs"). Measured before the
    check: expat's amplification limit starts at 8 MiB, and rdflib joins the expanded text
    quadratically: this 600-byte file (300 KB of text) took 1.7 s, one level more (3 MB)
    ran for minutes."""
    levels = ['<!ENTITY e0 "lol">'] + [f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 6)]
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(levels) + "\n]>\n"
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                    'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
                    '<rdf:Description rdf:about="http://example.org/a"><rdfs:label>&e5;</rdfs:label>'
                    "</rdf:Description></rdf:RDF>\n")
    started = time.monotonic()
    with pytest.raises(InputError) as err:
        parse_rdf_file(bomb, "xml")
    assert time.monotonic() - started < 1
    assert str(err.value) == (f"{bomb}: line 4: entity 'e1' refers to other entities (e0) refused: nested entities "
                              "can expand exponentially; write the text out")


# --- JSON-LD with a remote @context ----------------------------------------------------------------

def _jsonld_file(tmp_path: Path, document: dict, name: str = "data.jsonld") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=1))
    return path


GCIM = "https://w3id.org/migration-kg/id/organization/gcim"


@pytest.mark.parametrize("where", ["top-level @context", "@context list", "node @context", "@import", "other file"])
def test_jsonld_remote_context_is_refused_offline(tmp_path, where):
    url = f"http://127.0.0.1:{closed_port()}/ctx"
    node = {"@id": "id:organization/gcim", "rdfs:label": "GCIM"}
    document = {
        "top-level @context": {"@context": url, **node},
        "@context list": {"@context": ["context.jsonld", url], **node},
        "node @context": {"@context": "context.jsonld", "@graph": [{"@context": url, **node}]},
        "@import": {"@context": {"@import": url, "x": "http://example.org/"}, **node},
        "other file": {"@context": "../secrets.jsonld", **node},
    }[where]
    if where == "other file":
        url = "../secrets.jsonld"
    path = _jsonld_file(tmp_path, document)
    with watching() as seen, pytest.raises(InputError) as err:
        parse_rdf_file(path, "json-ld")
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if url in text)
    assert str(err.value) == (f"{path}: line {line}: JSON-LD context {url!r} refused: contexts are never fetched or "
                              "read from other files; use \"context.jsonld\" (the project's own context) or an inline "
                              "context")
    assert not [e for e in seen if e[0] != "open" or "ctx" in e[1] or "secrets" in e[1]], seen


def test_jsonld_local_context_is_the_shipped_one_without_any_file_beside_it(tmp_path):
    """The build's JSON-LD refers to "context.jsonld"; parsing it uses the project's own
    context even where no such file is beside the document, and opens nothing else."""
    graph = Graph()
    graph.add((URIRef(GCIM), RDFS.label, Literal("Global Commission on International Migration", lang="en")))
    graph.add((URIRef(GCIM), URIRef("https://w3id.org/migration-kg/ontology#acronym"), Literal("GCIM")))
    exported = tmp_path / "kg.jsonld"
    exported.write_bytes(jsonld(graph))
    assert json.loads(exported.read_text())["@context"] == "context.jsonld"
    assert not (tmp_path / "context.jsonld").exists()
    with watching() as seen:
        parsed = parse_rdf_file(exported, "json-ld")
    assert set(parsed) == set(graph)
    assert not [e for e in seen if e[0] != "open"], seen


def test_validate_of_a_remote_context_file_is_one_line(tmp_path, capsys):
    url = f"http://127.0.0.1:{closed_port()}/ctx"
    path = _jsonld_file(tmp_path, {"@context": url, "@id": "id:organization/gcim"}, "remote.json")
    with watching() as seen:
        assert main(["validate", "-q", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"migkg: error: {path}: line 2: JSON-LD context {url!r} refused: contexts are never fetched or read from "
        "other files; use \"context.jsonld\" (the project's own context) or an inline context\n")
    assert not [e for e in seen if e[0] != "open"], seen


# --- `migkg query`: invalid SPARQL --------------------------------------------------------------------

@pytest.fixture
def tiny_build(tmp_path) -> Path:
    """A build folder with a one-quad graph: all `migkg query` needs."""
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "migration-kg.nq").write_text(
        f'<{GCIM}> <{RDFS.label}> "GCIM" <https://w3id.org/migration-kg/graph/entities> .\n')
    return folder


def test_invalid_sparql_exits_2_with_file_line_and_column(tiny_build, tmp_path, capsys):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s\nWHERE { ?s ?p ?o GARBAGE }\n")
    assert main(["query", str(bad), "--build-dir", str(tiny_build)]) == 2
    assert capsys.readouterr().err == (f"migkg: error: {bad}:2:26: invalid SPARQL: expected OPTIONAL (near \"}}\"); "
                                       "rdflib's parser stops at line 2, column 18, found 'GARBAGE'\n")
    good = tmp_path / "good.rq"
    good.write_text("SELECT ?label WHERE { ?s ?p ?label }\n")
    assert main(["query", str(good), "--build-dir", str(tiny_build), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["label", "GCIM"]


# --- the SPARQL endpoint: time limit, row limit, refused operations -----------------------------------

def _quads(n: int) -> list[ox.Quad]:
    graph = ox.NamedNode("https://w3id.org/migration-kg/graph/entities")
    return [ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode(str(RDFS.label)), ox.Literal(f"thing {i}"), graph)
            for i in range(n)]


def test_query_past_the_time_limit_is_stopped_and_its_worker_killed(tmp_path):
    """pyoxigraph cannot cancel a query; the pool kills the worker process that runs it, so
    the runaway query stops using a core at the limit, and a fresh worker takes its place."""
    nq = tmp_path / "migration-kg.nq"
    nq.write_bytes(ox.serialize(_quads(1000), format=ox.RdfFormat.N_QUADS))
    pool = QueryPool(nq, workers=1, timeout=0.5)
    pool.start()
    try:
        (worker,) = pool._all
        started = time.monotonic()
        answer = pool.run(QueryRequest(ENDLESS_QUERY))
        elapsed = time.monotonic() - started
        assert answer.status == 503 and answer.content_type == "application/json"
        message = json.loads(answer.body)
        assert message["error"] == "timeout" and "time limit of 0.5 s" in message["message"]
        assert elapsed < 3, f"answered after {elapsed:.1f} s"
        assert worker.process.poll() is not None, "the worker running the query was killed"
        assert pool.replaced == 1
        answer = pool.run(QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", format="csv"))
        assert answer.status == 200 and answer.body.split() == [b"n", b"1000"]
    finally:
        pool.close()


def test_results_are_cut_at_the_row_limit_for_select_and_construct():
    store = ox.Store()
    store.extend(_quads(20))
    cut = execute(store, QueryRequest("SELECT ?s WHERE { ?s ?p ?o }", format="csv", max_rows=5))
    assert cut.status == 200 and dict(cut.headers) == {LIMIT_HEADER: "5", TRUNCATED_HEADER: "true"}
    assert len(cut.body.decode().strip().splitlines()) == 1 + 5
    graph = execute(store, QueryRequest("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", format="nt", max_rows=5))
    assert graph.status == 200 and dict(graph.headers)[TRUNCATED_HEADER] == "true"
    assert len(list(ox.parse(graph.body, format=ox.RdfFormat.N_TRIPLES))) == 5
    whole = execute(store, QueryRequest("SELECT ?s WHERE { ?s ?p ?o }", format="csv", max_rows=20))
    assert dict(whole.headers) == {LIMIT_HEADER: "20"}


def test_update_load_and_service_are_refused_and_nothing_is_fetched(listener):
    store = ox.Store()
    store.extend(_quads(3))
    target = f"http://127.0.0.1:{listener.port}"
    refused = {
        f"LOAD <{target}/data.ttl>": "update refused",
        f"load silent <{target}/data.ttl> into graph <urn:g>": "update refused",
        'INSERT DATA { <urn:a> <urn:b> "c" }': "update refused",
        "DELETE WHERE { ?s ?p ?o }": "update refused",
        f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}": "SERVICE refused",
        f"# comment\nselect * {{ ?s ?p ?o . service silent <{target}/sparql> {{ ?s ?p ?o }} }}": "SERVICE refused",
    }
    for query, error in refused.items():
        answer = execute(store, QueryRequest(query))
        assert answer.status == 403 and json.loads(answer.body)["error"] == error, query
    time.sleep(0.3)
    assert listener.received == [], "the endpoint connected to another host"
    assert len(store) == 3
    # The check is what stops it: Oxigraph itself would send the query to the other host.
    with pytest.raises(Exception):  # the listener answers nothing
        list(store.query(f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}"))
    deadline = time.monotonic() + 5
    while not listener.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.received and listener.received[0].startswith(b"POST /sparql")


# --- kill -9 in the middle of `migkg build` ---------------------------------------------------------

def test_kill_9_mid_write_leaves_the_previous_build_byte_identical(tmp_path):
    """The previous build is made from the mini corpus; the killed build from a different corpus
    (one more document), so that a half- or fully-published new build would show. The kill
    lands while the new build's files are being written (exports present in its staging folder,
    build-summary.json, the last file, not yet)."""
    out = tmp_path / "build"
    build(Sources(corpus_dir=MINI / "corpus", registry_dir=MINI_REGISTRY), out, Progress(quiet=True),
          reason=False, docs=False)
    target, before = os.readlink(out), _hashes(out)
    corpus = _corpus_with(tmp_path, "extra.txt", b"The Global Commission on International Migration met in Geneva.\n")
    versions = tmp_path / ".build-versions"
    (previous,) = list(versions.iterdir())
    proc = subprocess.Popen([*MIGKG, "build", "-q", "--no-reason", "--corpus", str(corpus), "--registry",
                             str(MINI_REGISTRY), "--out", str(out)], cwd=ROOT, start_new_session=True)
    staging = None
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            fresh = [p for p in versions.iterdir() if p != previous]
            if fresh and (fresh[0] / "migration-kg.ttl").exists():
                staging = fresh[0]
                break
            time.sleep(0.005)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and anything it started
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert staging is not None, "the build never started writing its files"
    assert not (staging / "build-summary.json").exists(), "the kill came after the build had finished writing"
    assert os.readlink(out) == target
    assert _hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".build.link-tmp")) == []
