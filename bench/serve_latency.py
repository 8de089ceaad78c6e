"""Latency of the query library through `migkg serve`: starts the server on a free loopback
port, runs each library query (queries/*.rq, default parameters bound, as on the /query page)
N times over HTTP on one keep-alive connection, and prints a markdown table of the median
and 95th-percentile latency next to the same query run in-process on pyoxigraph (the engine
alone), so that the server's own cost — HTTP, the worker round trip, serialisation — shows
as the difference. Also times a few linked-data pages.

    .venv/bin/python bench/serve_latency.py [--build-dir build] [-n 20]

Traffic goes to 127.0.0.1 only; the loop is bounded by -n.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.server import RunningServer, ServerConfig, library_entries  # noqa: E402
from kg.sparql_endpoint import load_store  # noqa: E402

PAGES = (("entity page (HTML)", "/migration-kg/id/organization/gcim", "text/html"),
         ("entity description (Turtle)", "/migration-kg/id/organization/gcim", "text/turtle"),
         ("passage page (HTML)", "/migration-kg/doc/002_cdd899cb68d944b6/passage/395381-395527", "text/html"),
         ("/health", "/health", "application/json"))


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed_http(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None,
               headers: dict[str, str]) -> tuple[float, int, int]:
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return time.perf_counter() - start, response.status, len(data)


def timed_local(store, text: str) -> float:
    start = time.perf_counter()
    result = store.query(text, use_default_graph_as_union=True)
    if hasattr(result, "__iter__"):
        for _ in result:
            pass
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("-n", type=int, default=20, help="runs per query (default 20)")
    args = parser.parse_args()

    entries = library_entries()
    store = load_store(args.build_dir / "migration-kg.nq")
    config = ServerConfig(build_dir=args.build_dir, port=0, query_timeout=30.0)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    with RunningServer(config) as server:
        address = urllib.parse.urlparse(server.url)
        rows = []
        for entry in entries:
            # one keep-alive connection per query, then the engine alone right after it, so that
            # both see the same load on the machine (an idle connection would be closed after 5 s)
            conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
            body = urllib.parse.urlencode({"query": entry["text"]}).encode("utf-8")
            timed_http(conn, "POST", "/sparql", body, headers)  # warm-up
            samples, status, size = [], 0, 0
            for _ in range(args.n):
                elapsed, status, size = timed_http(conn, "POST", "/sparql", body, headers)
                samples.append(elapsed)
            conn.close()
            local = [timed_local(store, entry["text"]) for _ in range(args.n)]
            rows.append((entry["name"], status, size, samples, local))
        pages = []
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        for name, path, accept in PAGES:
            timed_http(conn, "GET", path, None, {"Accept": accept})
            samples = []
            for _ in range(args.n):
                elapsed, status, size = timed_http(conn, "GET", path, None, {"Accept": accept})
                samples.append(elapsed)
            pages.append((name, status, size, samples))
        conn.close()

    ms = 1000.0
    print(f"`migkg serve`, {args.n} runs per query over HTTP/1.1 keep-alive on 127.0.0.1; "
          "engine = the same query in-process on pyoxigraph\n")
    print("| query | status | bytes | median ms | p95 ms | engine median ms | server overhead ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    overheads = []
    for name, status, size, samples, local in rows:
        median, engine = statistics.median(samples) * ms, statistics.median(local) * ms
        overheads.append(median - engine)
        print(f"| {name} | {status} | {size:,} | {median:.1f} | {percentile(samples, 95) * ms:.1f} | "
              f"{engine:.1f} | {median - engine:.1f} |")
    all_medians = [statistics.median(r[3]) * ms for r in rows]
    print(f"\nLibrary: {len(rows)} queries; median of medians {statistics.median(all_medians):.1f} ms; "
          f"{sum(m < 100 for m in all_medians)} of {len(rows)} under 100 ms; "
          f"median server overhead {statistics.median(overheads):.1f} ms.\n")
    print("| page | status | bytes | median ms | p95 ms |")
    print("|---|---:|---:|---:|---:|")
    for name, status, size, samples in pages:
        print(f"| {name} | {status} | {size:,} | {statistics.median(samples) * ms:.1f} | "
              f"{percentile(samples, 95) * ms:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
