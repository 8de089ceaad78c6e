"""Pushing the built graph into an external triple store through the SPARQL 1.1 Graph Store
Protocol, for users whose graph outgrows an embedded store (Virtuoso, Fuseki, GraphDB,
Oxigraph server …).

Why it is shaped this way:

- **Idempotent.** Each named graph of `migration-kg.nq` is sent with HTTP PUT, which replaces
  the graph's content, so pushing twice leaves the same triples, never twice as many. Graphs
  of the project's namespace (`…/graph/…`) that the store holds but the build no longer has
  (a document removed from the corpus) are deleted, so the store mirrors the build.
- **Chunked.** Stores limit request sizes and load a request in one transaction; a graph
  larger than `chunk_triples` is sent as one PUT (replace) followed by POSTs (merge). A blank
  node's label is scoped to one request, so triples linked by blank nodes (OWL axiom
  annotations, RDF lists) always travel in the same chunk.
- **Checked.** After the upload the triples of each graph are counted with a SPARQL COUNT on
  the store's query service and compared with what was sent. A store may hold fewer: one
  that stores literals by value merges triples whose literals it considers equal (Virtuoso
  merges "2003-07"^^xsd:gYearMonth with "2003-07-01"^^xsd:date, and "1.0" with "1" as
  xsd:decimal). That is reported, never hidden; more triples than sent means the push did
  not replace the graph, and is an error.
- **Plain HTTP.** urllib from the standard library, with Digest (Virtuoso's
  /sparql-graph-crud-auth) or Basic authentication as the server asks, a User-Agent naming
  this tool, a timeout on every request, and one-line errors that quote the server's own
  message.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .errors import InputError, KGError
from .namespaces import BASE, GRAPH

GRAPH_FILE = "migration-kg.nq"
USER_AGENT = f"migration-kg/{__version__} (+{BASE})"
DEFAULT_TIMEOUT = 300.0
DEFAULT_CHUNK_TRIPLES = 50_000   # about 10 MB of N-Triples: one request, one store transaction
CONTENT_TYPE = "application/n-triples"
PASSWORD_ENV = "MIGKG_PASSWORD"   # so that a password need not appear in `ps` or shell history

# Graph Store endpoint path → the same server's SPARQL query service, for the stores whose
# layout is fixed. Anything else needs --query-endpoint.
QUERY_SERVICE_FOR = (
    (re.compile(r"/sparql-graph-crud(-auth)?/?$"), "/sparql"),  # Virtuoso
    (re.compile(r"/store/?$"), "/query"),                        # Oxigraph server
    (re.compile(r"/data/?$"), "/query"),                         # Apache Jena Fuseki
    (re.compile(r"/rdf-graphs/service/?$"), ""),                 # RDF4J / GraphDB
)

Triple = ox.Triple


class PushError(KGError):
    """The store could not be reached, refused a request, or holds other data than was sent."""


@dataclass(frozen=True)
class GraphUpload:
    """One named graph of the store and the triples to put into it."""
    iri: str
    triples: list[Triple]


@dataclass
class GraphCount:
    iri: str
    sent: int
    stored: int

    @property
    def difference(self) -> int:
        return self.stored - self.sent


@dataclass
class PushReport:
    endpoint: str
    query_endpoint: str
    graphs: list[GraphCount] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def sent(self) -> int:
        return sum(g.sent for g in self.graphs)

    @property
    def stored(self) -> int:
        return sum(g.stored for g in self.graphs)

    def merged(self) -> list[GraphCount]:
        """Graphs where the store holds fewer triples than were sent (merged literals)."""
        return [g for g in self.graphs if g.difference < 0]

    def surplus(self) -> list[GraphCount]:
        """Graphs where the store holds more: the push did not replace what was there."""
        return [g for g in self.graphs if g.difference > 0]


# --- what to send --------------------------------------------------------------------------

def read_graphs(build_dir: Path) -> list[GraphUpload]:
    """The named graphs of the build's N-Quads, in a stable order (by graph IRI), each with its
    triples in file order (the export is sorted, so two pushes send the same requests)."""
    path = build_dir / GRAPH_FILE
    if not path.is_file():
        raise InputError(f"{path}: not found; run `migkg build` first, or give --build-dir")
    by_graph: dict[str, list[Triple]] = defaultdict(list)
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            name = quad.graph_name
            if not isinstance(name, ox.NamedNode):
                raise InputError(f"{path}: a triple outside the named graphs ({quad}); the build puts every "
                                 "triple into a named graph")
            by_graph[name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    except (SyntaxError, OSError) as err:
        raise InputError(f"{path}: cannot read the graph: {_one_line(str(err))}") from err
    return [GraphUpload(iri, by_graph[iri]) for iri in sorted(by_graph)]


def merge_into(graphs: list[GraphUpload], iri: str) -> list[GraphUpload]:
    """--graph: every triple in one named graph. A triple stated in several graphs is sent
    once (blank node labels are global in N-Quads, so equal terms are the same node)."""
    check_graph_iri(iri)
    unique = dict.fromkeys(t for g in graphs for t in g.triples)
    return [GraphUpload(iri, list(unique))]


def check_graph_iri(iri: str) -> str:
    """A graph name must be an absolute IRI; checked before anything is sent."""
    try:
        ox.NamedNode(iri)
    except ValueError as err:
        raise InputError(f"--graph {iri!r}: not an IRI: {err}") from err
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        raise InputError(f"--graph {iri!r}: not an absolute IRI (e.g. {GRAPH}all)")
    return iri


def chunks(triples: list[Triple], size: int) -> list[list[Triple]]:
    """Split into requests of about `size` triples without separating triples that share a
    blank node: each request's blank node labels are new nodes to the store, so a split
    owl:Axiom or RDF list would come apart."""
    if size < 1:
        raise InputError(f"--chunk-triples {size}: must be at least 1")
    if len(triples) <= size:
        return [triples]
    out: list[list[Triple]] = []
    current: list[Triple] = []
    for unit in blank_node_units(triples):
        if current and len(current) + len(unit) > size:
            out.append(current)
            current = []
        current.extend(unit)
    if current:
        out.append(current)
    return out


def blank_node_units(triples: list[Triple]) -> list[list[Triple]]:
    """Triples grouped so that all triples reaching the same blank node are in one group
    (union-find over blank nodes); a triple without blank nodes is a group on its own.
    Groups keep the order of their first triple."""
    parent: dict[str, str] = {}

    def find(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    def blanks(t: Triple) -> list[str]:
        return [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]

    for t in triples:
        labels = blanks(t)
        for other in labels[1:]:
            a, b = find(labels[0]), find(other)
            if a != b:
                parent[b] = a
    groups: dict[object, list[Triple]] = {}
    for index, t in enumerate(triples):
        labels = blanks(t)
        key: object = find(labels[0]) if labels else index
        groups.setdefault(key, []).append(t)
    return list(groups.values())


def ntriples(triples: Iterable[Triple]) -> bytes:
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""


# --- HTTP ----------------------------------------------------------------------------------

@dataclass
class Credentials:
    user: str
    password: str


class HttpClient:
    """Requests with this tool's User-Agent and a timeout, answering the server's 401
    challenge with Digest or Basic authentication. After a service's first challenge its
    Authorization header is sent up front, so a large body is not sent twice per chunk; a
    challenge is only ever answered for the service that sent it."""

    def __init__(self, credentials: Credentials | None, timeout: float) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.requests = 0
        self._auth: dict[str, _Challenge] = {}   # service URL (no query) → its last challenge
        self._probed: set[str] = set()

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """(status, body) of a 2xx answer; PushError with the server's message otherwise."""
        headers = {"User-Agent": USER_AGENT, **(headers or {})}
        service = _endpoint_of(url)
        if body and service not in self._probed:
            self._probe(url, headers)
        challenges = 0
        while True:
            status, data, answer_headers = self._send(method, url, body, {**headers, **self._authorization(method, url)})
            if status != 401:
                break
            challenge = answer_headers.get("WWW-Authenticate", "")
            if self.credentials is None:
                scheme = challenge.split(" ", 1)[0] or "HTTP"
                raise PushError(f"{service} needs a user and password (HTTP 401, {scheme} "
                                f"authentication): give --user and --password (or ${PASSWORD_ENV})")
            stale = re.search(r'stale\s*=\s*"?true', challenge, re.IGNORECASE) is not None
            if challenges and not stale or challenges >= 3:
                raise PushError(f"{service} refused user {self.credentials.user!r} (HTTP 401): "
                                "wrong user or password" + _server_message(data, prefix=": "))
            self._auth[service] = _Challenge.parse(challenge, service)
            challenges += 1
        if not 200 <= status < 300:
            raise PushError(f"{service} answered HTTP {status} to {method}"
                            + _hint(status, data) + _server_message(data, prefix=": "))
        return status, data

    def _probe(self, url: str, headers: dict[str, str]) -> None:
        """A HEAD request to learn the service's challenge before sending a body: a server
        that needs authentication answers 401 and closes the connection without reading the
        body (Virtuoso does), which the client sees as a broken pipe, not as the 401."""
        service = _endpoint_of(url)
        self._probed.add(service)
        status, _, answer_headers = self._send("HEAD", url, None, headers)
        challenge = answer_headers.get("WWW-Authenticate", "")
        if status != 401 or not challenge:
            return
        if self.credentials is None:
            raise PushError(f"{service} needs a user and password (HTTP 401, {challenge.split(' ', 1)[0]} "
                            f"authentication): give --user and --password (or ${PASSWORD_ENV})")
        self._auth[service] = _Challenge.parse(challenge, service)
        # Check the credentials the same cheap way: a server that refuses them also closes the
        # connection before reading a body, and "wrong password" is the message a user needs.
        status, data, answer_headers = self._send("HEAD", url, None, {**headers, **self._authorization("HEAD", url)})
        if status == 401:
            raise PushError(f"{service} refused user {self.credentials.user!r} (HTTP 401): wrong user or password"
                            + _server_message(data, prefix=": "))

    def _send(self, method: str, url: str, body: bytes | None,
              headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        self.requests += 1
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as err:
            with err:
                return err.code, err.read() or b"", dict(err.headers or {})
        except urllib.error.URLError as err:
            if isinstance(err.reason, (socket.timeout, TimeoutError)):
                raise PushError(f"{_endpoint_of(url)} did not answer within {self.timeout:g} s") from err
            raise PushError(f"cannot reach {_endpoint_of(url)}: {_reason(err.reason)}") from err
        except (socket.timeout, TimeoutError) as err:
            raise PushError(f"{_endpoint_of(url)} did not answer within {self.timeout:g} s") from err
        except OSError as err:  # connection reset while sending a large body, …
            raise PushError(f"cannot reach {_endpoint_of(url)}: {_reason(err)}") from err

    def _authorization(self, method: str, url: str) -> dict[str, str]:
        challenge = self._auth.get(_endpoint_of(url))
        if self.credentials is None or challenge is None:
            return {}
        if challenge.scheme == "basic":
            token = base64.b64encode(f"{self.credentials.user}:{self.credentials.password}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        challenge.nonce_count += 1
        return {"Authorization": digest_authorization(challenge.params, self.credentials, method, url,
                                                      challenge.nonce_count, os.urandom(8).hex())}


@dataclass
class _Challenge:
    """A WWW-Authenticate challenge: the scheme, its parameters, and Digest's nonce count."""
    scheme: str
    params: dict[str, str]
    nonce_count: int = 0

    @classmethod
    def parse(cls, header: str, service: str) -> "_Challenge":
        scheme, _, params = header.strip().partition(" ")
        scheme = scheme.lower()
        if scheme not in ("digest", "basic"):
            raise PushError(f"{service} asks for {scheme or 'an unnamed'} authentication; "
                            "only Digest and Basic are supported")
        return cls(scheme, parse_challenge(params))


def parse_challenge(params: str) -> dict[str, str]:
    """`realm="SPARQL", nonce="…", qop="auth"` into a dict (quoted values may hold commas)."""
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
            for m in re.finditer(r'([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))', params)}


def digest_authorization(challenge: dict[str, str], credentials: Credentials, method: str, url: str,
                         nonce_count: int, cnonce: str) -> str:
    """The Authorization header of RFC 7616 (MD5 or SHA-256, qop=auth or none)."""
    algorithm = challenge.get("algorithm", "MD5")
    hashes = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
    if algorithm.upper() not in hashes:
        raise PushError(f"{_endpoint_of(url)}: Digest algorithm {algorithm} is not supported (MD5, SHA-256)")
    hash_fn = hashes[algorithm.upper()]

    def h(text: str) -> str:
        return hash_fn(text.encode("utf-8")).hexdigest()

    parsed = urllib.parse.urlsplit(url)
    uri = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
    ha1 = h(f"{credentials.user}:{realm}:{credentials.password}")
    ha2 = h(f"{method}:{uri}")
    qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    fields = {"username": credentials.user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
    if "auth" in qops:
        nc = f"{nonce_count:08x}"
        fields.update(qop="auth", nc=nc, cnonce=cnonce,
                      response=h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
    else:
        fields["response"] = h(f"{ha1}:{nonce}:{ha2}")
    if "opaque" in challenge:
        fields["opaque"] = challenge["opaque"]
    unquoted = {"qop", "nc", "algorithm"}
    return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{v}"' for k, v in fields.items())


def _reason(reason: object) -> str:
    """'Connection refused', not '[Errno 111] Connection refused'; names unknown hosts."""
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return _one_line(str(reason))


def _endpoint_of(url: str) -> str:
    """The URL without its query string: error messages name the service, not the request."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _server_message(data: bytes, prefix: str = "") -> str:
    """The server's own explanation, on one line: the text of an HTML error page (Virtuoso
    puts it in <xmp>/<pre>), or the plain-text body."""
    text = data.decode("utf-8", "replace")
    block = re.search(r"<(xmp|pre)[^>]*>(.*?)</\1>", text, re.DOTALL | re.IGNORECASE)
    if block:
        text = block.group(2)
    elif re.search(r"<html|<body|<h1", text, re.IGNORECASE):
        text = re.sub(r"<(title|head)[^>]*>.*?</\1>", " ", text, flags=re.DOTALL | re.IGNORECASE)
        text = re.sub(r"<[^>]+>", " ", text)
    text = _one_line(html.unescape(text), 300)
    return f"{prefix}{text}" if text else ""


def _hint(status: int, data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    if status == 403 and "RDF_QUAD" in text:
        return " (the user may not update the store: on Virtuoso use /sparql-graph-crud-auth with " \
               "--user dba, or grant SPARQL_UPDATE to the user)"
    if status == 404:
        return " (is this the Graph Store endpoint? Virtuoso: /sparql-graph-crud-auth, Fuseki: /DATASET/data, " \
               "Oxigraph: /store)"
    return ""


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- the store -----------------------------------------------------------------------------

def check_url(url: str, option: str = "--endpoint") -> str:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(f"{option} {url!r}: not an http(s) URL")
    return url


def query_service(endpoint: str) -> str:
    """The SPARQL query service beside a Graph Store endpoint, for the stores whose layout
    is fixed (Virtuoso, Oxigraph, Fuseki, RDF4J/GraphDB)."""
    parts = urllib.parse.urlsplit(endpoint)
    for pattern, replacement in QUERY_SERVICE_FOR:
        if pattern.search(parts.path):
            path = pattern.sub(replacement, parts.path) or "/"
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    raise InputError(f"--endpoint {endpoint}: cannot tell where its SPARQL query service is; "
                     "give --query-endpoint URL")


def graph_url(endpoint: str, graph_iri: str) -> str:
    """Indirect graph identification of the Graph Store Protocol: ENDPOINT?graph=IRI."""
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{separator}{urllib.parse.urlencode({'graph': graph_iri})}"


def put_graph(client: HttpClient, endpoint: str, upload: GraphUpload, chunk_triples: int) -> None:
    """PUT replaces the graph with the first chunk; POST adds the others to it."""
    url = graph_url(endpoint, upload.iri)
    headers = {"Content-Type": CONTENT_TYPE}
    for index, chunk in enumerate(chunks(upload.triples, chunk_triples)):
        client.request("PUT" if index == 0 else "POST", url, ntriples(chunk), headers)


def delete_graph(client: HttpClient, endpoint: str, graph_iri: str) -> None:
    client.request("DELETE", graph_url(endpoint, graph_iri))


def select(client: HttpClient, query_endpoint: str, query: str) -> list[dict[str, str]]:
    """A SELECT on the query service (SPARQL protocol, POST form), rows as plain values.
    JSON is read with the json module: stores' blank node labels (Virtuoso: nodeID://…) need
    not be valid Turtle labels, and only values are needed here."""
    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    _, data = client.request("POST", query_endpoint, body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    try:
        answer = json.loads(data)
        return [{name: value["value"] for name, value in row.items()} for row in answer["results"]["bindings"]]
    except (ValueError, KeyError, TypeError) as err:
        raise PushError(f"{query_endpoint} sent an answer that is not SPARQL JSON results: "
                        f"{_one_line(data.decode('utf-8', 'replace'), 160)}") from err


def count_triples(client: HttpClient, query_endpoint: str, graph_iri: str) -> int:
    rows = select(client, query_endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
    try:
        return int(rows[0]["n"])
    except (IndexError, KeyError, ValueError) as err:
        raise PushError(f"{query_endpoint}: no count in the answer to the COUNT query ({rows!r:.120})") from err


def project_graphs(client: HttpClient, query_endpoint: str) -> set[str]:
    """The store's graphs in this project's graph namespace (GRAPH ?g with a prefix filter)."""
    rows = select(client, query_endpoint,
                  f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }}')
    return {row["g"] for row in rows if "g" in row}


def push(build_dir: Path, endpoint: str, *, graph: str | None = None, query_endpoint: str | None = None,
         credentials: Credentials | None = None, timeout: float = DEFAULT_TIMEOUT,
         chunk_triples: int = DEFAULT_CHUNK_TRIPLES,
         on_graph: Callable[[GraphCount], None] | None = None) -> PushReport:
    """Upload the build's named graphs (or all triples into `graph`), delete the project's
    graphs the build no longer has (not with `graph`), then count what the store holds."""
    check_url(endpoint)
    query_endpoint = check_url(query_endpoint, "--query-endpoint") if query_endpoint else query_service(endpoint)
    uploads = read_graphs(build_dir)
    if graph is not None:
        uploads = merge_into(uploads, graph)
    client = HttpClient(credentials, timeout)
    report = PushReport(endpoint, query_endpoint)
    for upload in uploads:
        put_graph(client, endpoint, upload, chunk_triples)
    if graph is None:
        sent = {u.iri for u in uploads}
        for stale in sorted(project_graphs(client, query_endpoint) - sent):
            delete_graph(client, endpoint, stale)
            report.removed.append(stale)
    for upload in uploads:
        count = GraphCount(upload.iri, len(upload.triples), count_triples(client, query_endpoint, upload.iri))
        report.graphs.append(count)
        if on_graph is not None:
            on_graph(count)
    report.requests = client.requests
    return report


def iter_report_lines(report: PushReport) -> Iterator[str]:
    """What `migkg push` prints: one line per graph, then the totals."""
    for g in report.graphs:
        note = "" if g.difference == 0 else f"  ({g.difference:+d})"
        yield f"{g.iri}\t{g.sent} sent\t{g.stored} stored{note}"
    for iri in report.removed:
        yield f"{iri}\tremoved (not in this build)"
    yield (f"pushed {len(report.graphs)} graph(s) to {report.endpoint}: {report.sent} triples sent, "
           f"{report.stored} counted by {report.query_endpoint} ({report.requests} requests)")


def resolve_credentials(user: str | None, password: str | None) -> Credentials | None:
    """--user with --password, or the password from $MIGKG_PASSWORD, or asked for on a
    terminal; a password without a user is a usage error."""
    if user is None:
        if password is not None:
            raise InputError("--password needs --user")
        return None
    if password is None:
        password = os.environ.get(PASSWORD_ENV)
    if password is None:
        import getpass
        import sys
        if not sys.stdin.isatty():
            raise InputError(f"--user {user}: give --password or set ${PASSWORD_ENV}")
        password = getpass.getpass(f"password for {user}: ")
    return Credentials(user, password)


def count_problems(report: PushReport) -> tuple[list[str], list[str]]:
    """(warnings, errors) about the counts: fewer triples than sent is the store merging
    literals it treats as equal; more means the graph was added to, not replaced."""
    warnings = [f"{g.iri}: the store holds {-g.difference} triple(s) fewer than were sent: it keeps one of "
                "several literals it considers equal (Virtuoso stores dates and numbers by value, so "
                '"2003-07"^^xsd:gYearMonth and "2003-07-01"^^xsd:date are one value to it)'
                for g in report.merged()]
    errors = [f"{g.iri}: the store holds {g.difference} triple(s) more than were sent: the graph was added to, "
              "not replaced (does the endpoint implement the Graph Store Protocol's PUT?)" for g in report.surplus()]
    return warnings, errors
