"""The SPARQL 1.1 Protocol side of `migkg serve`: which requests are refused, how a query runs
within a time limit and a row limit, and how its results are written in the format the client
asks for (content negotiation).

Why worker processes: pyoxigraph cannot cancel a running query (Store.query has no timeout or
cancellation token) and a Python thread cannot be stopped, so a query run in a thread past
its limit keeps a core busy until it ends on its own, long after the client was told it timed
out. A query run in a worker process can really be stopped: the pool kills the worker and
starts a fresh one, which loads the graph from the N-Quads again (about a second for the
shipped graph) while the other workers go on answering. Each worker holds its own in-memory
store (about 100 MB), so a handful of workers is cheap.

Why a token check before running: a store.query() with a SERVICE clause makes Oxigraph send
HTTP requests to the host the query names, so a public endpoint would be an open proxy; and
an update sent as a query would only get the parser's "expected CONSTRUCT". Both are refused
with a clear message, found on the query's tokens with comments, strings and IRIs set aside,
so that the word SERVICE in a literal or a comment is not mistaken for the keyword.

This module imports nothing heavier than pyoxigraph: worker processes start by importing it.
"""

from __future__ import annotations

import json
import multiprocessing.connection
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

DEFAULT_TIMEOUT = 10.0       # seconds a query may run
DEFAULT_MAX_ROWS = 10_000    # rows (or triples) a response may hold; more are cut, and flagged
DEFAULT_WORKERS = 2
MAX_QUERY_CHARS = 200_000    # a longer "query" is not a query someone typed
WORKER_START_TIMEOUT = 120.0

TRUNCATED_HEADER = "X-Result-Truncated"   # "true" when the result was cut at the row limit
LIMIT_HEADER = "X-Result-Limit"

# --- content negotiation -------------------------------------------------------------------

RESULTS_MEDIA_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RESULTS_CONTENT_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
_RESULTS_OX = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
               "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}

RDF_MEDIA_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}
RDF_CONTENT_TYPES: dict[str, str] = {
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
RDF_OX: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}
# format= values (the fallback for clients that cannot set Accept), both kinds of result
FORMAT_NAMES: dict[str, str] = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    "ttl": "turtle", "turtle": "turtle", "nt": "ntriples", "ntriples": "ntriples",
    "n-triples": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld", "rdf": "rdfxml",
    "rdfxml": "rdfxml", "xml-rdf": "rdfxml",
}
GRAPH_FORMAT_ALIASES = {"json": "jsonld", "xml": "rdfxml"}  # format=json on a CONSTRUCT


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values, best first (stable for
    equal q, so the client's own order breaks ties). An absent header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(media, q) for media, q, _ in ranges]


def _matches(media_range: str, offer: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return offer.startswith(media_range[:-1])
    return media_range == offer


def _specificity(media_range: str) -> int:
    return 0 if media_range == "*/*" else 1 if media_range.endswith("/*") else 2


def negotiate(accept: str | None, offers: Iterable[str]) -> str | None:
    """The offer the client prefers: the highest q-value of the most specific range that
    matches it (RFC 9110 §12.5.1), ties going to the server's order of `offers`; None when
    nothing offered is acceptable."""
    ranges = parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen = None
    for position, offer in enumerate(offers):
        matching = [(media, q) for media, q in ranges if _matches(media, offer)]
        if not matching:
            continue
        # the most specific matching range decides this offer's q: text/csv over text/* over */*
        media, q = max(matching, key=lambda m: _specificity(m[0]))
        if q <= 0:
            continue
        key = (q, -position)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


# --- refusing what a read-only endpoint does not do -------------------------------------------

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n\r]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][\w\-.:%\u00B7\u00C0-\uFFFF]*)
  | (?P<space>\s+)
  | (?P<other>.)
''', re.VERBOSE | re.DOTALL)

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY",
                             "MOVE", "ADD", "WITH"})


def keywords(text: str) -> Iterator[str]:
    """The bare words of a query in upper case — keywords and function names — with comments,
    strings, IRIs, variables and prefixed names set aside (SPARQL's own IRIREF and string
    rules), so that a keyword inside a literal or an IRI never counts."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word" and ":" not in match.group():
            yield match.group().upper()


class Refused(Exception):
    """A request this endpoint will not run; carries the HTTP status and the message."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message

    def answer(self) -> "Answer":
        return error_answer(self.status, self.error, self.message)


def check_query(text: str) -> None:
    """Raises Refused for what a public, read-only endpoint must not run: SPARQL Update
    (including LOAD, which fetches a URL) and SERVICE (federation to other hosts)."""
    if not text.strip():
        raise Refused(400, "missing query", "the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise Refused(413, "query too long", f"the query has {len(text)} characters; the limit is {MAX_QUERY_CHARS}")
    words = set(keywords(text))
    update = sorted(words & UPDATE_KEYWORDS)
    if update:
        raise Refused(403, "update refused",
                      f"SPARQL Update ({update[0]}) is not accepted: this endpoint is read-only; "
                      "send SELECT, ASK, CONSTRUCT or DESCRIBE queries")
    if "SERVICE" in words:
        raise Refused(403, "SERVICE refused",
                      "federated queries (SERVICE) are not accepted: this endpoint answers from its "
                      "own graph only and does not query other hosts")


# --- answers -------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueryRequest:
    """What a worker needs to run one query and write its answer (picklable)."""
    query: str
    accept: str | None = None
    format: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = DEFAULT_MAX_ROWS


@dataclass(frozen=True)
class Answer:
    """An HTTP answer, ready to send (picklable, so that workers can return it)."""
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def error_answer(status: int, error: str, message: str) -> Answer:
    """Errors as a small JSON document that names the problem in a sentence: YASGUI and
    scripts show the body, so the message is what a person reads."""
    body = json.dumps({"error": error, "message": message, "status": status}, ensure_ascii=False)
    return Answer(status, "application/json", (body + "\n").encode("utf-8"))


def results_format(accept: str | None, format_param: str | None, graph: bool) -> str:
    """The serialisation to write: format= first (an explicit choice), then the Accept header;
    raises Refused (406) when neither names a format this endpoint writes."""
    if format_param:
        name = FORMAT_NAMES.get(format_param.strip().lower())
        if name is None and "/" in format_param:
            name = (RDF_MEDIA_TYPES if graph else RESULTS_MEDIA_TYPES).get(format_param.strip().lower())
        if graph and name in GRAPH_FORMAT_ALIASES:
            name = GRAPH_FORMAT_ALIASES[name]
        valid = set(RDF_OX) if graph else set(RESULTS_CONTENT_TYPES)
        if name not in valid:
            names = "ttl, nt, jsonld, rdf" if graph else "json, xml, csv, tsv"
            raise Refused(400, "unknown format", f"format={format_param!r}: use one of {names}")
        return name
    table = RDF_MEDIA_TYPES if graph else RESULTS_MEDIA_TYPES
    offer = negotiate(accept, list(table))
    if offer is None:
        kinds = "graph (CONSTRUCT/DESCRIBE)" if graph else "SELECT/ASK"
        raise Refused(406, "not acceptable",
                      f"no acceptable format for a {kinds} result in Accept: {accept!r}; offered: {', '.join(table)}")
    return table[offer]


def select_answer(result: ox.QuerySolutions, fmt: str, max_rows: int) -> Answer:
    """At most max_rows solutions; one more is read to know whether the result was cut.

    The kept rows are written as SPARQL TSV with each term in its N-Triples form (written by
    pyoxigraph, which escapes tabs and line breaks inside literals), and pyoxigraph's parser
    and serialisers turn that into the format asked for: every format then follows the W3C
    specification exactly, and the per-term work stays in Rust (about a third of the cost of
    building the JSON in Python)."""
    variables = result.variables
    width = len(variables)
    lines = ["\t".join(str(v) for v in variables)]
    truncated = False
    for solution in result:
        if len(lines) > max_rows:
            truncated = True
            break
        lines.append("\t".join("" if solution[i] is None else str(solution[i]) for i in range(width)))
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=_RESULTS_OX[fmt])
    return Answer(200, RESULTS_CONTENT_TYPES[fmt], body, _limit_headers(truncated, max_rows))


def graph_answer(triples: Iterable[ox.Triple], fmt: str, max_rows: int, prefixes: dict[str, str] | None) -> Answer:
    kept: list[ox.Triple] = []
    truncated = False
    for triple in triples:
        if len(kept) >= max_rows:
            truncated = True
            break
        kept.append(triple)
    body = serialize_triples(kept, fmt, prefixes)
    return Answer(200, RDF_CONTENT_TYPES[fmt], body, _limit_headers(truncated, max_rows))


def serialize_triples(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in one of RDF_OX's formats; prefixes only where the format has them."""
    rdf_format = RDF_OX[fmt]
    if fmt in ("turtle", "rdfxml") and prefixes:
        return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""
    return ox.serialize(triples, format=rdf_format) or b""


def _limit_headers(truncated: bool, max_rows: int) -> tuple[tuple[str, str], ...]:
    headers = ((LIMIT_HEADER, str(max_rows)),)
    return headers + ((TRUNCATED_HEADER, "true"),) if truncated else headers


def execute(store: ox.Store, request: QueryRequest, prefixes: dict[str, str] | None = None) -> Answer:
    """Runs one query on the store (default graph: the union of the named graphs, unless the
    request names default graphs) and writes the answer; every failure becomes an error
    answer, never an exception, so a worker survives a bad query."""
    try:
        check_query(request.query)
        kwargs = _dataset_arguments(request)
        result = store.query(request.query, **kwargs)
        if isinstance(result, ox.QueryBoolean):
            fmt = results_format(request.accept, request.format, graph=False)
            body = (b'{"head":{},"boolean":true}' if bool(result) else b'{"head":{},"boolean":false}')
            if fmt != "json":
                body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=_RESULTS_OX[fmt])
            return Answer(200, RESULTS_CONTENT_TYPES[fmt], body)
        if isinstance(result, ox.QueryTriples):
            fmt = results_format(request.accept, request.format, graph=True)
            return graph_answer(result, fmt, request.max_rows, prefixes)
        fmt = results_format(request.accept, request.format, graph=False)
        return select_answer(result, fmt, request.max_rows)
    except Refused as refused:
        return refused.answer()
    except SyntaxError as err:
        return error_answer(400, "invalid query", f"invalid SPARQL query: {_one_line(str(err))}")
    except (OSError, RuntimeError, ValueError) as err:
        return error_answer(500, "query failed", f"the query failed: {_one_line(str(err))}")


def _dataset_arguments(request: QueryRequest) -> dict:
    """The protocol's default-graph-uri / named-graph-uri as store.query arguments."""
    try:
        kwargs: dict = {}
        if request.default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if request.named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
        return kwargs
    except ValueError as err:
        raise Refused(400, "invalid graph IRI", f"default-graph-uri/named-graph-uri: {err}") from err


def _one_line(text: str, limit: int = 600) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- the worker pool -----------------------------------------------------------------------

def load_store(graph_file: Path) -> ox.Store:
    """An in-memory store bulk-loaded from the build's N-Quads (all named graphs)."""
    store = ox.Store()
    store.bulk_load(path=str(graph_file), format=ox.RdfFormat.N_QUADS)
    return store


def worker_main(conn: multiprocessing.connection.Connection, graph_file: str,
                prefixes: dict[str, str]) -> None:
    """A worker process: loads the graph, says "ready", then answers requests until the pipe
    closes. It never raises on a bad query (execute() turns errors into answers)."""
    try:
        store = load_store(Path(graph_file))
    except (OSError, SyntaxError) as err:
        conn.send(("failed", f"{graph_file}: {err}"))
        return
    conn.send(("ready", len(store)))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(execute(store, request, prefixes))


def _worker_command_line(argv: list[str]) -> None:
    """`python -m kg.sparql_endpoint FD GRAPH_FILE PREFIXES_JSON`: the worker's entry point."""
    fd, graph, prefixes = int(argv[0]), argv[1], json.loads(argv[2])
    worker_main(multiprocessing.connection.Connection(fd), graph, prefixes)


class _Worker:
    """One worker process and the parent's end of its socket pair.

    Started as `python -m kg.sparql_endpoint` rather than with multiprocessing's spawn, which
    re-imports the parent's __main__ module in the child (a script without a __main__ guard,
    such as a benchmark, would run again in every worker)."""

    def __init__(self, graph_file: Path, prefixes: dict[str, str]) -> None:
        parent, child = socket.socketpair()
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.sparql_endpoint", str(child.fileno()), str(graph_file), json.dumps(prefixes)],
            pass_fds=[child.fileno()], env=env, stdin=subprocess.DEVNULL)
        child.close()
        self.conn = multiprocessing.connection.Connection(parent.detach())

    def wait_ready(self, timeout: float) -> str | None:
        """None when ready, else why not."""
        if not self.conn.poll(timeout):
            return f"the SPARQL worker did not load the graph within {timeout:g} s"
        try:
            status, detail = self.conn.recv()
        except (EOFError, OSError):
            return f"the SPARQL worker ended while loading the graph (exit status {self.process.poll()})"
        return None if status == "ready" else str(detail)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()


CACHE_HEADER = "X-Cache"                  # "hit" when the answer came from AnswerCache
DEFAULT_CACHE_ENTRIES = 1024
MAX_CACHED_ANSWER_BYTES = 1 << 20          # a larger answer is sent, not kept


class AnswerCache:
    """The answers of recent successful queries, by request (query text, format, graphs,
    limit). The graph a server serves never changes while it runs, so a query asked again
    has the same answer: a dashboard that polls, or many clients asking one simple question,
    get it without a worker round trip (measured: the worker hand-off, not the query, is most
    of a simple query's cost). Least recently used answers go first; errors (timeouts
    included) are never kept, so asking again really runs the query again."""

    def __init__(self, entries: int = DEFAULT_CACHE_ENTRIES) -> None:
        self.entries = entries
        self._answers: OrderedDict[QueryRequest, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, request: QueryRequest) -> Answer | None:
        with self._lock:
            answer = self._answers.get(request)
            if answer is not None:
                self._answers.move_to_end(request)
            return answer

    def put(self, request: QueryRequest, answer: Answer) -> None:
        if self.entries < 1 or answer.status != 200 or len(answer.body) > MAX_CACHED_ANSWER_BYTES:
            return
        with self._lock:
            self._answers[request] = answer
            self._answers.move_to_end(request)
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)


class QueryPool:
    """Worker processes that each hold the graph; run() hands a query to an idle one and waits
    at most `timeout` seconds for its answer. A worker that does not answer in time is killed
    and replaced, so a runaway query never outlives its limit."""

    def __init__(self, graph_file: Path, workers: int = DEFAULT_WORKERS, timeout: float = DEFAULT_TIMEOUT,
                 prefixes: dict[str, str] | None = None) -> None:
        if workers < 1:
            raise ValueError("a query pool needs at least one worker")
        self.graph_file = graph_file
        self.size = workers
        self.timeout = timeout
        self.prefixes = dict(prefixes or {})
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0  # workers killed for running past the limit (or crashing)

    def start(self) -> None:
        """Starts every worker and waits until all have loaded the graph; raises RuntimeError
        naming the problem if one cannot."""
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            problem = worker.wait_ready(WORKER_START_TIMEOUT)
            if problem:
                self.close()
                raise RuntimeError(problem)
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.graph_file, self.prefixes)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kills a worker and starts another in the background: the request that timed out is
        answered at once, and the others keep using the remaining workers meanwhile."""
        with self._lock:
            self._all.discard(worker)
            self.replaced += 1
        worker.stop()
        if self._closed:
            return

        def start_one() -> None:
            fresh = self._spawn()
            if fresh.wait_ready(WORKER_START_TIMEOUT) is None and not self._closed:
                self._idle.put(fresh)
            else:
                with self._lock:
                    self._all.discard(fresh)
                fresh.stop()

        threading.Thread(target=start_one, name="migkg-sparql-respawn", daemon=True).start()

    def run(self, request: QueryRequest) -> Answer:
        """Runs a query in a worker (blocking: call it from a thread). Waits for an idle worker
        for up to max(timeout, 30) seconds, then for the answer for up to `timeout` seconds."""
        if self._closed:
            return error_answer(503, "shutting down", "the server is shutting down")
        try:
            worker = self._idle.get(timeout=max(self.timeout, 30.0))
        except queue.Empty:
            return error_answer(503, "busy", "all SPARQL workers are busy with other queries; try again shortly")
        started = time.monotonic()
        try:
            worker.conn.send(request)
            if worker.conn.poll(self.timeout):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return error_answer(500, "worker failed", "the SPARQL worker ended unexpectedly while running the query")
        self._replace(worker)
        elapsed = time.monotonic() - started
        return error_answer(503, "timeout",
                            f"the query did not finish within the server's time limit of {self.timeout:g} s "
                            f"(stopped after {elapsed:.1f} s); make it more selective, e.g. with LIMIT "
                            "or more specific patterns")

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


if __name__ == "__main__":
    import kg.sparql_endpoint as package_module  # not __main__'s classes: answers must unpickle in the parent

    package_module._worker_command_line(sys.argv[1:])
