"""`migkg serve` over real HTTP: a server on a free port of the loopback, answering from the
session's full build. SPARQL 1.1 Protocol (GET, POST form, POST body; JSON/XML/CSV/TSV by
Accept or format=; graphs as Turtle/N-Triples/JSON-LD/RDF-XML), what a read-only endpoint
refuses (update, LOAD, SERVICE), the time and row limits, CORS, and linked data: entity,
passage, document and ontology pages, RDF by content negotiation, VoID, 404s."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from html import unescape

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.server import RunningServer, ServerConfig
from kg.sparql_endpoint import check_query, keywords, negotiate, Refused

from .conftest import ROOT

pytestmark = pytest.mark.slow

GCIM = "https://w3id.org/migration-kg/id/organization/gcim"
GCIM_PATH = "/migration-kg/id/organization/gcim"
MKG = "https://w3id.org/migration-kg/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LABEL_QUERY = f'SELECT ?label WHERE {{ <{GCIM}> <{RDFS_LABEL}> ?label }}'
# A cross product of the whole graph with itself: ~10^10 rows, never finishes in time.
ENDLESS_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

# never through a proxy: the server is on the loopback
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(url: str, method: str = "GET", headers: dict | None = None, data: bytes | None = None):
    """(status, lower-cased headers, body) of one request, errors included."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def form(**fields) -> bytes:
    return urllib.parse.urlencode(fields).encode("utf-8")


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def server(full_build):
    with RunningServer(ServerConfig(build_dir=full_build.out_dir, port=0)) as running:
        yield running


@pytest.fixture(scope="module")
def strict_server(full_build):
    """Tiny limits, to see them work: 0.5 s per query, 5 rows per result, one worker."""
    config = ServerConfig(build_dir=full_build.out_dir, port=0, query_timeout=0.5, max_rows=5, workers=1)
    with RunningServer(config) as running:
        yield running


def url(server, path: str, **params) -> str:
    return server.url.rstrip("/") + path + ("?" + urllib.parse.urlencode(params) if params else "")


def gcim_label(results: "ox.QuerySolutions") -> list[str]:
    return [row["label"].value for row in results]


# --- health and the SPARQL protocol ---------------------------------------------------------

def test_health_counts_the_triples_of_the_build(server, full_build):
    status, headers, body = http(url(server, "/health"))
    assert status == 200 and headers["content-type"].startswith("application/json")
    answer = json.loads(body)
    assert answer["status"] == "ok"
    assert answer["triples"] == len(full_build.kg.union)


def test_sparql_get_answers_json(server):
    status, headers, body = http(url(server, "/sparql", query=LABEL_QUERY),
                                 headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    assert headers["content-type"].startswith("application/sparql-results+json")
    bindings = json.loads(body)["results"]["bindings"]
    assert [b["label"] for b in bindings] == [{"type": "literal", "value": "Global Commission on International Migration",
                                              "xml:lang": "en"}]


@pytest.mark.parametrize("accept, content_type, fmt", [
    ("application/sparql-results+json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", "text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_sparql_post_form_in_each_results_format(server, accept, content_type, fmt):
    status, headers, body = http(url(server, "/sparql"), "POST", {**FORM, "Accept": accept}, form(query=LABEL_QUERY))
    assert status == 200, body
    assert headers["content-type"].startswith(content_type)
    if fmt == ox.QueryResultsFormat.CSV:  # lossy, so pyoxigraph does not read it: the csv module does
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        assert rows == [["label"], ["Global Commission on International Migration"]]
        return
    assert gcim_label(ox.parse_query_results(body, format=fmt)) == ["Global Commission on International Migration"]


def test_sparql_post_query_body_and_format_parameter(server):
    status, headers, body = http(url(server, "/sparql", format="tsv"), "POST",
                                 {"Content-Type": "application/sparql-query", "Accept": "*/*"},
                                 LABEL_QUERY.encode("utf-8"))
    assert status == 200 and headers["content-type"].startswith("text/tab-separated-values")
    assert body.decode("utf-8").splitlines() == ["?label", '"Global Commission on International Migration"@en']


def test_accept_quality_values_decide(server):
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"
    status, headers, _ = http(url(server, "/sparql", query=LABEL_QUERY), headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+xml")
    status, _, body = http(url(server, "/sparql", query=LABEL_QUERY), headers={"Accept": "image/png"})
    assert status == 406 and b"no acceptable format" in body


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_in_each_rdf_format(server, accept, fmt):
    query = f"CONSTRUCT {{ <{GCIM}> ?p ?o }} WHERE {{ <{GCIM}> ?p ?o }}"
    status, headers, body = http(url(server, "/sparql", query=query), headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(accept)
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in ox.parse(body, format=fmt)}
    assert (GCIM, MKG + "establishedOn", "2003-12") in triples
    assert (GCIM, RDFS_LABEL, "Global Commission on International Migration") in triples


def test_ask_query(server):
    status, _, body = http(url(server, "/sparql", query=f"ASK {{ <{GCIM}> ?p ?o }}"))
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("method, headers, data, query", [
    ("POST", FORM, form(update=f"INSERT DATA {{ <{GCIM}> <{RDFS_LABEL}> \"x\" }}"), None),
    ("POST", {"Content-Type": "application/sparql-update"}, b"DELETE WHERE { ?s ?p ?o }", None),
    ("POST", FORM, form(query=f"INSERT DATA {{ <{GCIM}> <{RDFS_LABEL}> \"x\" }}"), None),
    ("GET", {}, None, "LOAD <http://example.org/data.ttl>"),
    ("GET", {}, None, "CLEAR ALL"),
])
def test_updates_are_refused(server, method, headers, data, query):
    target = url(server, "/sparql", query=query) if query else url(server, "/sparql")
    status, response_headers, body = http(target, method, headers, data)
    assert status == 403
    answer = json.loads(body)
    assert answer["error"] == "update refused" and "read-only" in answer["message"]
    _, _, body = http(url(server, "/sparql", query=LABEL_QUERY))
    assert [b["label"]["value"] for b in json.loads(body)["results"]["bindings"]] == \
        ["Global Commission on International Migration"]  # nothing was changed


def test_service_is_refused(server):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _, body = http(url(server, "/sparql"), "POST", FORM, form(query=query))
    assert status == 403
    assert "SERVICE" in json.loads(body)["message"] and "other hosts" in json.loads(body)["message"]
    status, _, _ = http(url(server, "/sparql", query="select * where { service silent ?endpoint { ?s ?p ?o } }"))
    assert status == 403


def test_keywords_in_strings_comments_and_iris_are_not_keywords(server):
    query = ('# SERVICE in a comment; INSERT too\n'
             'SELECT ?s WHERE { ?s <http://example.org/SERVICE> "SERVICE <http://evil/> { }" . '
             'FILTER(?s != <urn:DELETE>) } LIMIT 1')
    status, _, body = http(url(server, "/sparql", query=query))
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"] == []


def test_syntax_error_is_a_clear_400(server):
    status, headers, body = http(url(server, "/sparql", query="SELECT ?s WHERE { ?s ?p "))
    assert status == 400 and headers["content-type"].startswith("application/json")
    message = json.loads(body)["message"]
    assert message.startswith("invalid SPARQL query: error at 1:")


def test_missing_query(server):
    status, _, body = http(url(server, "/sparql"), headers={"Accept": "application/sparql-results+json"})
    assert status == 400 and "query" in json.loads(body)["message"]


def test_a_query_over_the_time_limit_is_stopped(strict_server):
    status, headers, body = http(url(strict_server, "/sparql", query=ENDLESS_QUERY))
    assert status == 503 and headers["content-type"].startswith("application/json")
    answer = json.loads(body)
    assert answer["error"] == "timeout"
    assert "time limit of 0.5 s" in answer["message"]
    # the stopped worker was replaced: the endpoint answers the next query
    status, _, body = http(url(strict_server, "/sparql", query=LABEL_QUERY))
    assert status == 200 and b"Global Commission" in body


def test_results_are_cut_at_the_row_limit_and_flagged(strict_server):
    status, headers, body = http(url(strict_server, "/sparql", query="SELECT ?s WHERE { ?s ?p ?o } LIMIT 20"),
                                 headers={"Accept": "text/csv"})
    assert status == 200
    assert headers["x-result-truncated"] == "true" and headers["x-result-limit"] == "5"
    assert len(body.decode("utf-8").strip().splitlines()) == 1 + 5
    status, headers, _ = http(url(strict_server, "/sparql", query="SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"))
    assert status == 200 and "x-result-truncated" not in headers


def test_a_repeated_query_is_answered_from_the_cache(server):
    query = LABEL_QUERY + " # asked twice"
    first = http(url(server, "/sparql", query=query), headers={"Accept": "text/csv"})
    again = http(url(server, "/sparql", query=query), headers={"Accept": "text/csv"})
    as_json = http(url(server, "/sparql", query=query), headers={"Accept": "application/sparql-results+json"})
    assert first[0] == again[0] == as_json[0] == 200
    assert (first[1]["x-cache"], again[1]["x-cache"], as_json[1]["x-cache"]) == ("miss", "hit", "miss")
    assert again[2] == first[2] and b"Global Commission" in again[2]


def test_errors_are_not_cached(strict_server):
    for _ in range(2):  # a timeout is asked again, not remembered
        status, headers, _ = http(url(strict_server, "/sparql", query=ENDLESS_QUERY + " # twice"))
        assert status == 503 and headers["x-cache"] == "miss"


def test_cors_headers_and_preflight(server):
    status, headers, _ = http(url(server, "/sparql", query=LABEL_QUERY), headers={"Origin": "http://example.org"})
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert "x-result-truncated" in headers["access-control-expose-headers"].lower()
    status, headers, _ = http(url(server, "/sparql"), "OPTIONS", {
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()


# --- linked data ---------------------------------------------------------------------------

def test_entity_page_shows_facts_with_their_evidence(server):
    status, headers, body = http(url(server, GCIM_PATH), headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    html = body.decode("utf-8")
    assert "<h1>Global Commission on International Migration</h1>" in html
    quotes = [unescape(q) for q in re.findall(r'<blockquote class="quote">(.*?)</blockquote>', html, re.S)]
    assert any("December" in q and "established the Commission" in q for q in quotes)
    passages = re.findall(r'href="(/migration-kg/doc/[^"/]+/passage/\d+-\d+)"', html)
    assert passages, "facts link to the passage in the source document"
    assert 'href="/migration-kg/id/place/geneva"' in html  # values link to their own pages here


def test_entity_in_turtle_has_its_triples_and_their_evidence(server):
    status, headers, body = http(url(server, GCIM_PATH), headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert "accept" in headers["vary"].lower()
    triples = [(t.subject, t.predicate, t.object) for t in ox.parse(body, format=ox.RdfFormat.TURTLE)]
    values = {(s.value, p.value, o.value) for s, p, o in triples}
    assert (GCIM, RDFS_LABEL, "Global Commission on International Migration") in values
    assert (GCIM, MKG + "establishedOn", "2003-12") in values
    quotes = [o.value for s, p, o in triples if p.value == MKG + "sourceQuote"]
    assert any("December 2003" in q for q in quotes)
    exact = [o.value for s, p, o in triples if p.value == "http://www.w3.org/ns/oa#exact"]
    assert any("December" in q for q in exact), "the passages' quote selectors are included"


@pytest.mark.parametrize("accept, fmt", [("application/ld+json", ox.RdfFormat.JSON_LD),
                                         ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                         ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_entity_in_other_rdf_formats_is_the_same_description(server, accept, fmt):
    _, _, turtle = http(url(server, GCIM_PATH, format="ttl"))
    status, headers, body = http(url(server, GCIM_PATH), headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(accept)
    ground = {str(t) for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE) if not isinstance(t.subject, ox.BlankNode)}
    other = {str(t) for t in ox.parse(body, format=fmt) if not isinstance(t.subject, ox.BlankNode)}
    assert ground == other and len(ground) > 50


def test_passage_page_highlights_the_quote_in_its_context(server, full_build):
    fact = next(f for f in full_build.kg.facts if str(f.subject) == GCIM and str(f.predicate) == MKG + "establishedOn")
    passage = fact.passage
    path = f"/migration-kg/doc/{passage.doc_id}/passage/{passage.span.start}-{passage.span.end}"
    status, _, body = http(url(server, path))
    assert status == 200
    html = body.decode("utf-8")
    marked = re.search(r'<span class="before">(.*?)</span><mark id="quote">(.*?)</mark><span class="after">(.*?)</span>', html, re.S)
    assert marked, "the quote is highlighted"
    before, exact, after = (unescape(part) for part in marked.groups())
    assert exact == passage.exact and "December" in exact
    text = next(d.text for d in full_build.kg.documents if d.doc_id == passage.doc_id)
    assert text[passage.span.start - len(before):passage.span.start] == before and len(before) > 100
    assert text[passage.span.end:passage.span.end + len(after)] == after and len(after) > 100
    assert "established on" in html  # the facts this passage states


def test_document_page_lists_the_facts_it_states(server, full_build):
    doc = full_build.kg.documents[0]
    status, _, body = http(url(server, f"/migration-kg/doc/{doc.doc_id}"))
    assert status == 200
    html = body.decode("utf-8")
    assert f"<h1>{doc.title}</h1>" in unescape(html)
    stated = sum(1 for f in full_build.kg.facts if f.passage.doc_id == doc.doc_id)
    assert f"Facts this document states ({stated})" in html
    status, headers, text = http(url(server, f"/text/{doc.doc_id}"))
    assert status == 200 and text.decode("utf-8") == doc.text


def test_ontology_page_has_an_anchor_per_term(server):
    status, _, body = http(url(server, "/migration-kg/ontology"))
    html = body.decode("utf-8")
    assert status == 200 and 'id="Commission"' in html and 'id="establishedOn"' in html
    status, headers, body = http(url(server, "/migration-kg/ontology"), headers={"Accept": "text/turtle"})
    classes = {t.subject.value for t in ox.parse(body, format=ox.RdfFormat.TURTLE)
               if t.object.value == "http://www.w3.org/2002/07/owl#Class"}
    assert MKG + "Commission" in classes


def test_unknown_iris_are_404(server):
    for path in ("/migration-kg/id/organization/no-such-thing", "/migration-kg/doc/nope/passage/1-2",
                 "/migration-kg/evidence/0000000000000000", "/no/such/page"):
        status, headers, body = http(url(server, path))
        assert status == 404, path
        assert headers["content-type"].startswith("text/html") and b"Not found" in body
    status, _, _ = http(url(server, "/migration-kg/id/organization/no-such-thing"), headers={"Accept": "text/turtle"})
    assert status == 404


def test_void_description(server, full_build):
    status, headers, body = http(url(server, "/.well-known/void"))
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    dataset = server.url + ".well-known/void#dataset"
    by_predicate: dict[str, list[str]] = {}
    for t in triples:
        if t.subject.value == dataset:
            by_predicate.setdefault(t.predicate.value, []).append(t.object.value)
    void = "http://rdfs.org/ns/void#"
    assert by_predicate[void + "triples"] == [str(len(full_build.kg.union))]
    assert by_predicate[void + "sparqlEndpoint"] == [server.url + "sparql"]
    assert server.url + "download/migration-kg.ttl" in by_predicate[void + "dataDump"]
    assert by_predicate["http://purl.org/dc/terms/license"][0] == "https://creativecommons.org/licenses/by/4.0/"
    partitions = {t.object.value for t in triples if t.predicate.value == void + "class"}
    assert MKG + "Commission" in partitions and len(partitions) == len(by_predicate[void + "classPartition"])
    status, _, dump = http(url(server, "/download/migration-kg.ttl"))
    assert status == 200 and dump == (full_build.out_dir / "migration-kg.ttl").read_bytes()
    status, headers, body = http(url(server, "/.well-known/void"), headers={"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html") and b"SPARQL endpoint" in body


def test_query_page_offers_every_library_query(server):
    status, _, body = http(url(server, "/query"))
    html = body.decode("utf-8")
    assert status == 200
    assert '<script src="/static/yasgui/yasgui.min.js"></script>' in html
    names = set(re.findall(r'data-name="([^"]+)"', html))
    assert names == {p.stem for p in (ROOT / "queries").glob("*.rq")}
    library = json.loads(re.search(r'<script id="library-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert "VALUES (?group)" in library["group-members"]  # the default parameter is bound
    status, headers, _ = http(url(server, "/static/yasgui/yasgui.min.js"))
    assert status == 200 and "javascript" in headers["content-type"]


def test_search_finds_by_acronym(server):
    status, _, body = http(url(server, "/search", q="GCIM"))
    assert status == 200 and f'href="{GCIM_PATH}"' in body.decode("utf-8")


def test_html_escapes_what_it_shows(server):
    status, _, body = http(url(server, "/search", q='<script>alert("x")</script>'))
    assert status == 200
    assert b'<script>alert("x")</script>' not in body and b"&lt;script&gt;" in body


# --- units and the command line ------------------------------------------------------------

def test_keywords_ignore_strings_iris_comments_and_prefixed_names():
    text = 'PREFIX ex: <http://x/SERVICE#> # DELETE\nSELECT * { ?s ex:insert "LOAD" ; ex:p \'\'\'SERVICE\'\'\' }'
    assert list(keywords(text)) == ["PREFIX", "SELECT"]
    with pytest.raises(Refused) as refused:
        check_query("select * { ?s ?p ?o . SERVICE<http://x/>{ ?s ?p ?o } }")
    assert refused.value.status == 403


def test_negotiate_prefers_specific_ranges_and_quality():
    offers = ["text/html", "text/turtle", "application/ld+json"]
    assert negotiate(None, offers) == "text/html"
    assert negotiate("text/turtle", offers) == "text/turtle"
    assert negotiate("text/*;q=0.5, application/ld+json", offers) == "application/ld+json"
    assert negotiate("*/*;q=0.1, text/turtle;q=0.9", offers) == "text/turtle"
    assert negotiate("text/html;q=0, */*", offers) == "text/turtle"
    assert negotiate("image/png", offers) is None


def test_serve_with_a_bad_build_dir_is_one_line(tmp_path, capsys):
    missing = tmp_path / "no-build"
    assert main(["serve", "--build-dir", str(missing), "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(missing) in err
