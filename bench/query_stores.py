"""Benchmark: every query of the SPARQL library on three engines, loaded from the same N-Quads.

  pyoxigraph   pyoxigraph.Store, bulk-loaded; the default graph is the union of the named
               graphs (what `migkg query` uses)
  rdflib       rdflib.Dataset(default_union=True) with rdflib's own SPARQL engine; parameters
               bound with initBindings
  oxrdflib     rdflib.Dataset(store="Oxigraph"): the rdflib API over an Oxigraph store, which
               hands the query to Oxigraph; parameters bound with the VALUES block of
               kg.query (oxrdflib maps initBindings to Oxigraph substitutions, which only
               accept variables of the SELECT clause)

Each query runs with its header defaults bound. Times are medians of --repeat runs after one
warm-up run, result rows fully consumed. rdflib runs in a worker process with a per-query time
cap (--timeout): a query that does not finish is reported as ">Ns timeout"; if the worker does
not stop by itself it is killed and a fresh one loads the graph again. The row counts of the
three engines are compared, so the table also shows whether the library is portable.

Usage: .venv/bin/python bench/query_stores.py [--build-dir build] [--timeout 30] [--repeat 5]
       [--only NAME ...] [--no-rdflib] [--no-oxrdflib] [--out bench/results/query_stores.md]
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from kg.query import (GRAPH_FILE, apply_bindings, bind_parameters, library_queries,  # noqa: E402
                      load_query, rdflib_bindings)

DEFAULT_OUT = ROOT / "bench" / "results" / "query_stores.md"


class QueryTimeout(BaseException):
    """Raised by the alarm inside an rdflib run; a BaseException, so that no `except
    Exception` inside rdflib's evaluator can swallow it."""


@dataclass
class Timing:
    """One engine's result for one query: median seconds, rows, or why there is none."""
    seconds: float | None = None
    rows: int | None = None
    failure: str | None = None
    runs: list[float] = field(default_factory=list)

    def cell(self) -> str:
        if self.failure:
            return self.failure
        return format_seconds(self.seconds)


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def timed_runs(run, repeat: int, slow_after: float = 10.0) -> Timing:
    """A warm-up run, then `repeat` timed runs (fewer when one run is slow); median time."""
    rows = run()
    runs: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        rows = run()
        runs.append(time.perf_counter() - started)
        if sum(runs) > slow_after:
            break
    return Timing(statistics.median(runs), rows, None, runs)


# --- pyoxigraph ------------------------------------------------------------------------------

def load_pyoxigraph(path: Path) -> tuple[ox.Store, float]:
    started = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store, time.perf_counter() - started


def run_pyoxigraph(store: ox.Store, text: str) -> int:
    result = store.query(text, use_default_graph_as_union=True)
    return 1 if isinstance(result, ox.QueryBoolean) else sum(1 for _ in result)


# --- rdflib and oxrdflib, in a worker process ------------------------------------------------

def load_rdflib(path: Path, engine: str):
    from rdflib import Dataset
    if engine == "oxrdflib":
        dataset = Dataset(store="Oxigraph", default_union=True)
        dataset.parse(str(path), format="ox-nquads")
    else:
        dataset = Dataset(default_union=True)
        dataset.parse(str(path), format="nquads")
    return dataset


def worker(conn, path: Path, engine: str, repeat: int) -> None:
    """Loads the graph once, then answers (text, initBindings, timeout) requests with a Timing."""
    started = time.perf_counter()
    dataset = load_rdflib(path, engine)
    conn.send((time.perf_counter() - started, len(dataset)))

    def alarm(signum, frame):
        raise QueryTimeout()

    signal.signal(signal.SIGALRM, alarm)
    while True:
        request = conn.recv()
        if request is None:
            return
        text, init_bindings, timeout = request

        def run() -> int:
            signal.setitimer(signal.ITIMER_REAL, timeout)  # the cap applies to each run
            try:
                return sum(1 for _ in dataset.query(text, initBindings=init_bindings))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)

        try:
            timing = timed_runs(run, repeat)
        except QueryTimeout:
            timing = Timing(failure=f">{timeout:g}s timeout")
        except Exception as err:  # a query rdflib cannot run is a result, not a crash
            timing = Timing(failure=f"error: {type(err).__name__}: {str(err)[:60]}")
        conn.send(timing)


class Worker:
    """A worker process for one engine, restarted if it has to be killed."""

    def __init__(self, path: Path, engine: str, repeat: int) -> None:
        self.path, self.engine, self.repeat = path, engine, repeat
        self.load_seconds: float | None = None
        self.quads: int | None = None
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker, args=(child, self.path, self.engine, self.repeat), daemon=True)
        self.process.start()
        load_seconds, quads = self.conn.recv()
        if self.load_seconds is None:
            self.load_seconds, self.quads = load_seconds, quads

    def run(self, text: str, init_bindings: dict, timeout: float) -> Timing:
        self.conn.send((text, init_bindings, timeout))
        # the alarm stops rdflib well before this; the hard cap is for a worker stuck in C code
        if self.conn.poll(timeout * (self.repeat + 1) + 30):
            return self.conn.recv()
        self.process.kill()
        self.process.join()
        self._start()
        return Timing(failure=f">{timeout:g}s timeout (killed)")

    def close(self) -> None:
        if self.process.is_alive():
            self.conn.send(None)
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()


# --- the report ------------------------------------------------------------------------------

def markdown(results: dict[str, dict[str, Timing]], engines: list[str], loads: dict[str, tuple[float, int]],
             args: argparse.Namespace, nq: Path) -> str:
    lines = ["# SPARQL library: query times per store", "",
             f"Graph: `{nq.relative_to(ROOT) if nq.is_relative_to(ROOT) else nq}` "
             f"({nq.stat().st_size / 1e6:.1f} MB N-Quads). {date.today().isoformat()}, Python "
             f"{platform.python_version()}, pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}, "
             f"oxrdflib {version('oxrdflib')}, {platform.machine()}.",
             "",
             f"Median of {args.repeat} runs after a warm-up run (fewer runs when a query is slow), all rows "
             f"consumed, header defaults bound; rdflib capped at {args.timeout:g} s per query. "
             "Reproduce with `.venv/bin/python bench/query_stores.py`.", "",
             "| load | " + " | ".join(engines) + " |",
             "|---|" + "---:|" * len(engines),
             "| parse + load " + GRAPH_FILE + " | " + " | ".join(
                 f"{format_seconds(loads[e][0])} ({loads[e][1]:,} quads)" for e in engines) + " |", "",
             "| query | rows | " + " | ".join(engines) + " |",
             "|---|---:|" + "---:|" * len(engines)]
    totals = {e: 0.0 for e in engines}
    for name, by_engine in results.items():
        counts = {t.rows for t in by_engine.values() if t.rows is not None}
        reference = by_engine[engines[0]].rows
        rows = str(reference) if len(counts) <= 1 else "differ: " + ", ".join(
            f"{e} {by_engine[e].rows}" for e in engines if by_engine[e].rows is not None)
        lines.append(f"| {name} | {rows} | " + " | ".join(by_engine[e].cell() for e in engines) + " |")
        for e in engines:
            totals[e] += by_engine[e].seconds or 0.0
    finished = {e: sum(1 for r in results.values() if r[e].failure is None) for e in engines}
    lines.append("| **sum of medians (finished queries)** | | " + " | ".join(
        f"**{format_seconds(totals[e])}** ({finished[e]}/{len(results)})" for e in engines) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per rdflib query (default 30)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query (default 5)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these library queries")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--no-oxrdflib", action="store_true")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    nq = args.build_dir / GRAPH_FILE
    if not nq.is_file():
        print(f"{nq}: not found; run `migkg build` first", file=sys.stderr)
        return 2
    names = args.only or [p.stem for p in library_queries()]
    queries = {name: load_query(name) for name in names}
    bindings = {name: bind_parameters(q, {}) for name, q in queries.items()}

    store, ox_load = load_pyoxigraph(nq)
    engines = ["pyoxigraph"]
    loads = {"pyoxigraph": (ox_load, len(store))}
    workers: dict[str, Worker] = {}
    if not args.no_rdflib:
        workers["rdflib"] = Worker(nq, "rdflib", args.repeat)
    if not args.no_oxrdflib:
        workers["oxrdflib"] = Worker(nq, "oxrdflib", args.repeat)
    for engine, w in workers.items():
        engines.append(engine)
        loads[engine] = (w.load_seconds, w.quads)
        print(f"loaded {engine}: {format_seconds(w.load_seconds)}", file=sys.stderr)

    results: dict[str, dict[str, Timing]] = {}
    try:
        for name, query in queries.items():
            bound = apply_bindings(query.text, bindings[name]).text
            by_engine = {"pyoxigraph": timed_runs(lambda: run_pyoxigraph(store, bound), args.repeat)}
            if "rdflib" in workers:
                by_engine["rdflib"] = workers["rdflib"].run(query.text, rdflib_bindings(bindings[name]), args.timeout)
            if "oxrdflib" in workers:
                by_engine["oxrdflib"] = workers["oxrdflib"].run(bound, {}, args.timeout)
            results[name] = by_engine
            print(f"{name:45} " + "  ".join(f"{e} {t.cell()}" for e, t in by_engine.items()), file=sys.stderr)
    finally:
        for w in workers.values():
            w.close()

    report = markdown(results, engines, loads, args, nq)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
