"""The query library on one build, on every embedded store, for bench/run.py (one JSON file out).

Engines, all on the same N-Quads (bench/query_stores.py explains how each is set up):
  pyoxigraph   raw pyoxigraph.Store.query on the bound text, rows consumed: the floor
  kg.query     kg.query.run_local, the path `migkg query` takes (binding + pyoxigraph), rows consumed
  oxrdflib     rdflib's API over an Oxigraph store, in a worker process
  rdflib       rdflib's own in-memory store and SPARQL engine, in a worker process, each query
               capped at --rdflib-timeout seconds; not loaded at all above --rdflib-max-quads
               (its parser alone would take many minutes and gigabytes there)

Every query of queries/ runs with its header defaults bound: one warm-up run, then --repeat
timed runs (fewer when a query is slow, see query_stores.timed_runs). The library's p50 and
p95 are percentiles of all timed runs of all queries pooled (each query contributes its
runs), so a few slow queries show in p95 and the typical query in p50.

Why a separate process: a 100× graph takes gigabytes in each store; loading them in
bench/run.py would leave that memory held for the rest of the benchmark.

    .venv/bin/python bench/query_bench.py --nq build/migration-kg.nq --out result.json
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from query_stores import Timing, Worker, load_pyoxigraph, run_pyoxigraph, timed_runs  # noqa: E402

from kg.query import apply_bindings, bind_parameters, library_queries, load_query, run_local  # noqa: E402


def percentile(samples: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no samples."""
    if not samples:
        return None
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def consume(result) -> int:
    if isinstance(result, list):
        return len(result)
    if hasattr(result, "__iter__"):
        return sum(1 for _ in result)
    return 1


def timing_record(timing: Timing) -> dict:
    return {"median": timing.seconds, "rows": timing.rows, "failure": timing.failure, "runs": timing.runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nq", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-timeout", type=float, default=10.0)
    parser.add_argument("--rdflib-max-quads", type=int, default=1_000_000)
    parser.add_argument("--no-oxrdflib", action="store_true")
    args = parser.parse_args(argv)
    if not args.nq.is_file():
        print(f"query_bench: error: {args.nq}: not found", file=sys.stderr)
        return 2

    names = [p.stem for p in library_queries()]
    queries = {name: load_query(name) for name in names}
    bindings = {name: bind_parameters(q, {}) for name, q in queries.items()}
    bound = {name: apply_bindings(q.text, bindings[name]).text for name, q in queries.items()}

    store, ox_load = load_pyoxigraph(args.nq)
    quads = len(store)
    loads: dict[str, dict] = {"pyoxigraph": {"seconds": ox_load, "quads": quads}}
    engines = ["pyoxigraph", "kg.query"]
    workers: dict[str, Worker] = {}
    skipped: dict[str, str] = {}
    if not args.no_oxrdflib:
        workers["oxrdflib"] = Worker(args.nq, "oxrdflib", args.repeat)
    if quads <= args.rdflib_max_quads:
        workers["rdflib"] = Worker(args.nq, "rdflib", args.repeat)
    else:
        skipped["rdflib"] = f"not loaded: {quads:,} quads > --rdflib-max-quads {args.rdflib_max_quads:,}"
    for engine, worker in workers.items():
        engines.append(engine)
        loads[engine] = {"seconds": worker.load_seconds, "quads": worker.quads}

    results: dict[str, dict[str, dict]] = {}
    try:
        for name, query in queries.items():
            text = bound[name]
            by_engine = {
                "pyoxigraph": timing_record(timed_runs(lambda: run_pyoxigraph(store, text), args.repeat)),
                "kg.query": timing_record(timed_runs(lambda: consume(run_local(store, query, bindings[name])),
                                                     args.repeat)),
            }
            if "oxrdflib" in workers:
                by_engine["oxrdflib"] = timing_record(workers["oxrdflib"].run(text, {}, max(args.rdflib_timeout, 60.0)))
            if "rdflib" in workers:
                from kg.query import rdflib_bindings
                by_engine["rdflib"] = timing_record(workers["rdflib"].run(query.text, rdflib_bindings(bindings[name]),
                                                                          args.rdflib_timeout))
            results[name] = by_engine
            print(f"{name:45} " + "  ".join(
                f"{e} {r['failure'] or format(r['median'] * 1000, '.1f') + ' ms'}" for e, r in by_engine.items()),
                file=sys.stderr, flush=True)
    finally:
        for worker in workers.values():
            worker.close()

    summary: dict[str, dict] = {}
    for engine in engines:
        samples = [s for r in results.values() if r[engine]["failure"] is None for s in r[engine]["runs"]]
        finished = sum(1 for r in results.values() if r[engine]["failure"] is None)
        summary[engine] = {"p50": percentile(samples, 50), "p95": percentile(samples, 95), "finished": finished,
                           "queries": len(results),
                           "sum_of_medians": sum(r[engine]["median"] or 0.0 for r in results.values()),
                           "median_of_medians": statistics.median(
                               [r[engine]["median"] for r in results.values() if r[engine]["median"] is not None]
                               or [0.0])}
    rows_differ = sorted(name for name, r in results.items()
                         if len({x["rows"] for x in r.values() if x["rows"] is not None}) > 1)
    out = {"quads": quads, "loads": loads, "engines": engines, "skipped": skipped, "repeat": args.repeat,
           "rdflib_timeout": args.rdflib_timeout, "queries": results, "summary": summary, "rows_differ": rows_differ,
           "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "finished_at": time.time()}
    args.out.write_text(json.dumps(out, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
