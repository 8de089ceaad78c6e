"""The two SPARQL servers under load: `migkg serve` and OpenLink Virtuoso, each started on a
free loopback port with the same graph, then driven by wrk with the same request.

Virtuoso is started the way tests/test_virtuoso.py starts it (virtuoso-t in the foreground
with a generated virtuoso.ini: a temporary database, SQL and HTTP on 127.0.0.1 only), with
two differences for a load test: HTTP threads and connections sized for the 50 clients
(the test's 10 would make Virtuoso queue most of them), and the graph bulk-loaded from the
build's N-Quads with Virtuoso's own loader (ld_dir + rdf_loader_run, as its documentation
recommends for large files) instead of the Graph Store Protocol, which would take far longer
at 100×. Every process is started in a session of its own and stopped by its process group.

Traffic goes to 127.0.0.1 only; each wrk run is bounded by its duration.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SIMPLE_QUERY = ("SELECT ?label WHERE { <https://w3id.org/migration-kg/id/organization/gcim> "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
START_TIMEOUT = 900.0
LUA = Path(__file__).resolve().parent / "wrk_summary.lua"


class ServerError(Exception):
    """A server could not be started or loaded; the message is one line."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running server process (group) and the URL of its SPARQL endpoint."""
    name: str
    process: subprocess.Popen
    sparql: str
    log: Path
    load_seconds: float = 0.0

    def stop(self) -> None:
        """SIGINT (uvicorn / Virtuoso shut down cleanly), then SIGTERM, then SIGKILL, to the group."""
        for sig, wait in ((signal.SIGINT, 15), (signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 5) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return " | ".join(text.strip().splitlines()[-lines:])


def query_url(endpoint: str, query: str = SIMPLE_QUERY) -> str:
    return endpoint + "?" + urllib.parse.urlencode({"query": query})


def wait_for(server: Server, timeout: float = START_TIMEOUT) -> None:
    """Until the endpoint answers the simple query with 200 (or the process dies)."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(query_url(server.sparql), headers={"Accept": "application/sparql-results+json"})
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(f"{server.name} exited with status {server.process.returncode}: {server.log_tail()}")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    server.stop()
    raise ServerError(f"{server.name} did not answer on {server.sparql} within {timeout:.0f} s: {server.log_tail()}")


def start_migkg(build_dir: Path, work: Path, migkg: Path) -> Server:
    """`migkg serve` as a user runs it (default workers and limits), on a free port."""
    if not migkg.is_file():
        raise ServerError(f"{migkg}: missing; run `make setup` first")
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    log = work / "migkg-serve.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen([str(migkg), "serve", "--host", "127.0.0.1", "--port", str(port),
                                    "--build-dir", str(build_dir)], stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server("migkg serve", process, f"http://127.0.0.1:{port}/sparql", log)
    wait_for(server)
    server.load_seconds = time.perf_counter() - started
    return server


def virtuoso_ini(root: Path, sql_port: int, http_port: int, buffers: int = 40_000, clients: int = 10,
                 http_threads: int = 10, keep_alives: int = 0) -> str:
    """A throwaway Virtuoso's configuration (also tests/test_virtuoso.py's, with the defaults):
    database files in `root`, SQL and HTTP on loopback only, on ports that are not Virtuoso's
    defaults (1111, 8890), and SPARQL limits that let the query library run: ResultSetMaxRows is
    10,000 in the packaged virtuoso.ini, which would silently cut long answers
    (where-does-it-say-so has more rows than that once the graph grows). The benchmark sizes
    the buffers to the graph and the connections, threads and keep-alives to its 50 clients."""
    keep_alive = f"MaxKeepAlives      = {keep_alives}\nKeepAliveTimeout   = 10\n" if keep_alives else ""
    return f"""\
[Database]
DatabaseFile       = {root}/virtuoso.db
ErrorLogFile       = {root}/virtuoso.log
LockFile           = {root}/virtuoso.lck
TransactionFile    = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {root}/virtuoso-temp.db
TransactionFile    = {root}/virtuoso-temp.trx
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
MaxClientConnections = {clients}
CheckpointInterval = 60
CaseMode           = 2
DirsAllowed        = {root}
NumberOfBuffers    = {buffers}
MaxDirtyBuffers    = {buffers * 3 // 4}
MaxQueryMem        = 1G

[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = {root}/www
MaxClientConnections = {clients}
ServerThreads      = {http_threads}
{keep_alive}EnabledDavVSP      = 0
Charset            = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = 30
MaxQueryCostEstimationTime = 400
"""


def isql(sql_port: int, statement: str, timeout: float = 3600) -> str:
    client = shutil.which("isql-vt") or shutil.which("isql")
    if client is None:
        raise ServerError("isql-vt is missing; run .ci/install-system-deps.sh (Debian virtuoso-opensource)")
    result = subprocess.run([client, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statement}"],
                            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
        raise ServerError(f"isql {statement[:60]!r}: {' '.join((result.stdout + result.stderr).split())[:300]}")
    return result.stdout


def start_virtuoso(nq: Path, work: Path) -> Server:
    """A throw-away Virtuoso with the graph bulk-loaded from the N-Quads."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise ServerError("virtuoso-t is missing; run .ci/install-system-deps.sh (Debian virtuoso-opensource)")
    if work.exists():
        shutil.rmtree(work)
    (work / "www").mkdir(parents=True)
    os.link(nq, work / nq.name) if nq.stat().st_dev == work.stat().st_dev else shutil.copyfile(nq, work / nq.name)
    quads = max(1, nq.stat().st_size // 240)                 # ~240 bytes per quad in this graph's N-Quads
    buffers = min(1_000_000, max(40_000, quads // 4))        # 8 KB pages; Virtuoso's guide: ~2/3 of free RAM at most
    sql_port, http_port = free_port(), free_port()
    (work / "virtuoso.ini").write_text(virtuoso_ini(work, sql_port, http_port, buffers, clients=100, http_threads=64,
                                                                    keep_alives=100), encoding="utf-8")
    log = work / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(work / "virtuoso.ini")], cwd=work,
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = Server("Virtuoso", process, f"http://127.0.0.1:{http_port}/sparql", log)
    try:
        wait_for(server, 120)
        started = time.perf_counter()
        isql(sql_port, f"ld_dir('{work}', '{nq.name}', 'https://w3id.org/migration-kg/graph/default');")
        isql(sql_port, "rdf_loader_run();")
        isql(sql_port, "checkpoint;")
        errors = isql(sql_port, "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
        if "0 Rows" not in errors:
            raise ServerError(f"Virtuoso bulk load of {nq.name} failed: {' '.join(errors.split())[:300]}")
        server.load_seconds = time.perf_counter() - started
    except BaseException:
        server.stop()
        raise
    return server


def cache_header(server: Server) -> str | None:
    """The X-Cache header of a repeated simple query, if the server sends one (`migkg serve`
    keeps recent answers: under wrk's identical requests it answers from that cache)."""
    request = urllib.request.Request(query_url(server.sparql), headers={"Accept": "application/sparql-results+json"})
    value = None
    for _ in range(2):
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                answer.read()
                value = answer.headers.get("X-Cache")
        except (urllib.error.URLError, OSError):
            return None
    return value


@dataclass
class LoadResult:
    """wrk's numbers for one server."""
    server: str
    command: list[str]
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: dict | None = None
    error_total: int = 0
    failure: str | None = None


def run_wrk(server: Server, connections: int, duration: int, threads: int = 2) -> LoadResult:
    """wrk with `connections` keep-alive clients for `duration` seconds on the simple query."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise ServerError("wrk is missing; run .ci/install-bench-deps.sh (Debian wrk)")
    url = query_url(server.sparql)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", str(LUA), url]
    shown = ["wrk", *command[1:-3], "bench/wrk_summary.lua", url]
    result = LoadResult(server.name, shown)
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60,
                                   stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        result.failure = f"wrk did not finish within {duration + 60} s"
        return result
    line = next((l for l in completed.stdout.splitlines() if l.startswith("WRK_SUMMARY ")), None)
    if completed.returncode != 0 or line is None:
        result.failure = f"wrk failed (status {completed.returncode}): {' '.join(completed.stderr.split())[:200]}"
        return result
    data = json.loads(line.removeprefix("WRK_SUMMARY "))
    result.requests = data["requests"]
    result.seconds = data["duration_us"] / 1e6
    result.rps = result.requests / result.seconds if result.seconds else 0.0
    result.p50_ms = data["latency_us"]["p50"] / 1000
    result.p99_ms = data["latency_us"]["p99"] / 1000
    result.errors = data["errors"]
    result.error_total = sum(data["errors"].values())
    return result
