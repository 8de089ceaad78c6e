"""`make bench`: how the build, SHACL, the query library and the SPARQL server grow with the
corpus, measured in one run, written to bench/RESULTS.md and bench/results/scaling.png.

For each size (multiples of the seed corpus's 0.76 MB of text; bench/scale_corpus.py writes
the corpus, seeded, so every run measures the same documents):

1. build   kg.build.build on the scaled corpus, each run in a fresh process
           (bench/build_once.py): stage times (read generically from BuildResult.timings,
           whatever the stages are called), MB of text per second per stage, peak memory
           (ru_maxrss of that process, from wait4), triples, SHACL time, conformance.
2. queries every query of queries/ on raw pyoxigraph (the floor), kg.query.run_local (the
           path of `migkg query`), oxrdflib and rdflib (bench/query_bench.py): p50/p95 of
           all timed runs pooled, per-query medians.
3. SHACL   pySHACL, Apache Jena SHACL and pyshacl-turbo as commands on the build's
           N-Triples with the project's shapes (bench/shacl_engines.py): wall time including
           start-up and parsing, peak memory, and whether the reports are identical.
4. server  `migkg serve` and Virtuoso (bench/servers.py) on the same graph, each driven by
           wrk with the same simple query (N keep-alive clients for D seconds): requests per
           second, p50/p99 latency, errors.

Sizes run in increasing order. Before each, its build time and peak memory are predicted
from the sizes already measured (power law through the last two, linear from one); a size
whose prediction does not fit the memory limit, the per-build time limit or the remaining
time budget is not started, and RESULTS.md says why (with the prediction). A build that
crosses the memory or time limit anyway is stopped by a watchdog and recorded where it
stopped. Medians are over --runs runs, fewer where one run takes so long that the size's
share of the budget allows fewer (RESULTS.md says how many runs each number is from).

    .venv/bin/python bench/run.py                       # what `make bench` runs
    .venv/bin/python bench/run.py --sizes 1,10 --runs 5 --load-duration 60
    .venv/bin/python bench/run.py --quick               # a few minutes, for development
    .venv/bin/python bench/run.py --report-only         # RESULTS.md and the plot from the saved data

Raw numbers of every run go to bench/results/bench-data.json (RESULTS.md is generated from
it); corpora, builds and server databases to bench/.work/ (kept between runs: a corpus is
generated once per size and seed).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import scale_corpus  # noqa: E402
from measure import Measured, available_kb, run_measured  # noqa: E402

RESULTS_MD = BENCH / "RESULTS.md"
RESULTS_DIR = BENCH / "results"
DATA_JSON = RESULTS_DIR / "bench-data.json"
PLOT_PNG = RESULTS_DIR / "scaling.png"
DEFAULT_WORK = BENCH / ".work"
SHAPES = ROOT / "ontology" / "shapes.ttl"
VENV_BIN = Path(sys.executable).parent
PYTHON = sys.executable
DEFAULT_SIZES = "1,10,100,1000"
PACKAGES = ("rdflib", "pyshacl", "pyshacl-turbo", "pyoxigraph", "oxrdflib", "owlready2", "pylode", "pyahocorasick",
            "starlette", "uvicorn", "matplotlib")
SHACL_ENGINES = ("pyshacl", "jena", "pyshacl-turbo")
ENGINE_NAMES = {"pyshacl": "pySHACL", "jena": "Jena SHACL", "pyshacl-turbo": "pyshacl-turbo"}
MB = 1e6

# The targets (this machine class: 2 cores)
TARGET_SEED_SECONDS = 5.0          # seed corpus → validated graph + all exports
TARGET_LINEAR_RATIO = 12.0         # 10× corpus ≤ 12× the 1× build time
TARGET_QUERY_RATIO = 1.5           # query library p50 within 1.5× of raw pyoxigraph at 100×
TARGET_SERVER_RPS = 1000.0         # ≥ 1,000 simple queries/s, 0 errors, 50 clients, 60 s
TARGET_SIZE = 100.0                # the size the query and SHACL targets are stated for


# --- options -----------------------------------------------------------------------------------

@dataclass
class Options:
    """What to measure and within which limits (see --help)."""
    sizes: list[float]
    runs: int
    load_duration: int
    connections: int
    budget_minutes: float
    max_build_minutes: float
    mem_limit_gb: float
    seed: int
    query_repeat: int
    rdflib_timeout: float
    rdflib_max_quads: int
    pyshacl_max_triples: int
    reason: bool
    docs: bool
    server_sizes: list[float] | None
    work: Path
    quick: bool
    command: str


def parse_sizes(text: str) -> list[float]:
    try:
        sizes = sorted({float(s) for s in text.split(",") if s.strip()})
    except ValueError:
        raise SystemExit(f"run.py: error: --sizes {text!r}: expected numbers separated by commas, e.g. 1,10,100")
    if not sizes or sizes[0] <= 0:
        raise SystemExit(f"run.py: error: --sizes {text!r}: sizes must be positive")
    return sizes


def parse_options(argv: list[str] | None) -> tuple[Options, bool]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"corpus sizes, × the seed corpus (default {DEFAULT_SIZES})")
    parser.add_argument("--runs", type=int, default=5, help="build / SHACL runs per size for the medians (default 5)")
    parser.add_argument("--load-duration", type=int, default=60, help="seconds of wrk load per server (default 60)")
    parser.add_argument("--connections", type=int, default=50, help="concurrent wrk clients (default 50)")
    parser.add_argument("--budget-minutes", type=float, default=55.0,
                        help="stop starting new steps when they would not finish within this (default 55)")
    parser.add_argument("--max-build-minutes", type=float, default=30.0,
                        help="a single build is stopped after this, and not started if predicted longer (default 30)")
    parser.add_argument("--mem-limit-gb", type=float, default=0.0,
                        help="memory a step may use (default: 85%% of the memory available at start)")
    parser.add_argument("--seed", type=int, default=scale_corpus.DEFAULT_SEED, help="corpus generator seed")
    parser.add_argument("--query-repeat", type=int, default=5, help="timed runs per library query (default 5)")
    parser.add_argument("--rdflib-timeout", type=float, default=5.0, help="cap per rdflib query, seconds (default 5)")
    parser.add_argument("--rdflib-max-quads", type=int, default=1_000_000,
                        help="do not load rdflib's store above this many quads (default 1,000,000)")
    parser.add_argument("--pyshacl-max-triples", type=int, default=1_000_000,
                        help="do not run the plain pySHACL command above this many triples (default 1,000,000; "
                             "it took 655 s on the 1.4M triples of 10× in development, against 22 s for Jena)")
    parser.add_argument("--no-reason", action="store_true", help="build without HermiT (default: as `migkg build`)")
    parser.add_argument("--no-docs", action="store_true", help="build without pyLODE docs")
    parser.add_argument("--server-sizes", help="sizes at which to load-test the servers (default: every size built)")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK, help="corpora, builds, databases (default bench/.work)")
    parser.add_argument("--quick", action="store_true",
                        help="development: sizes 1 (unless given), 1 run, 5 s of load, 2 query runs")
    parser.add_argument("--report-only", action="store_true", help="only rewrite RESULTS.md and the plot from the saved data")
    args = parser.parse_args(argv)
    given = set(a.split("=")[0] for a in (argv if argv is not None else sys.argv[1:]))
    if args.quick:
        if "--sizes" not in given:
            args.sizes = "1"
        if "--runs" not in given:
            args.runs = 1
        if "--load-duration" not in given:
            args.load_duration = 5
        if "--query-repeat" not in given:
            args.query_repeat = 2
    mem = args.mem_limit_gb * 1e6 if args.mem_limit_gb > 0 else 0.85 * available_kb()
    command = "make bench" if os.environ.get("MAKELEVEL") else " ".join(
        [".venv/bin/python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])])
    options = Options(sizes=parse_sizes(args.sizes), runs=max(1, args.runs), load_duration=max(1, args.load_duration),
                      connections=args.connections, budget_minutes=args.budget_minutes,
                      max_build_minutes=args.max_build_minutes, mem_limit_gb=mem / 1e6, seed=args.seed,
                      query_repeat=max(1, args.query_repeat), rdflib_timeout=args.rdflib_timeout,
                      rdflib_max_quads=args.rdflib_max_quads, pyshacl_max_triples=args.pyshacl_max_triples,
                      reason=not args.no_reason, docs=not args.no_docs,
                      server_sizes=parse_sizes(args.server_sizes) if args.server_sizes else None,
                      work=args.work_dir.resolve(), quick=args.quick, command=command)
    return options, args.report_only


# --- the machine -------------------------------------------------------------------------------

def command_output(cmd: list[str]) -> str:
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (result.stdout + result.stderr).strip()


def debian_version(package: str) -> str:
    return command_output(["dpkg-query", "-W", "-f", "${Version}", package]) or "not installed"


def machine_info() -> dict:
    """CPU, cores, memory, OS and the versions of everything measured."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    os_name = platform.platform()
    if Path("/etc/os-release").is_file():
        match = re.search(r'^PRETTY_NAME="?([^"\n]*)', Path("/etc/os-release").read_text(), re.MULTILINE)
        os_name = f"{match.group(1)} (Linux {platform.release()})" if match else os_name
    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "not installed"
    java = command_output(["java", "-version"]).splitlines()
    sys.path.insert(0, str(ROOT))
    from shacl_engines import jena_version
    git = command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "-C", str(ROOT), "status", "--porcelain", "--", "kg", "ontology", "queries"])
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_kb / 1e6, "os": os_name,
            "python": platform.python_version(), "packages": packages,
            "java": java[0] if java else "not installed", "jena": jena_version(),
            "wrk": debian_version("wrk"), "virtuoso": debian_version("virtuoso-opensource"),
            "libapache-jena-java": debian_version("libapache-jena-java"),
            "commit": git + (" + uncommitted changes in kg/, ontology/ or queries/" if dirty else ""),
            "load_average_at_start": os.getloadavg()}


def preflight() -> None:
    """One line naming the first missing tool, before anything long starts."""
    from servers import ServerError  # noqa: F401 - the import checks the module
    from shacl_engines import EngineMissing, jena_classpath
    for tool, hint in (("java", ".ci/install-system-deps.sh (default-jdk-headless)"),
                       ("wrk", ".ci/install-bench-deps.sh (Debian wrk)"),
                       ("virtuoso-t", ".ci/install-system-deps.sh (Debian virtuoso-opensource)"),
                       ("isql-vt", ".ci/install-system-deps.sh (Debian virtuoso-opensource)")):
        if shutil.which(tool) is None:
            raise SystemExit(f"run.py: error: {tool} is missing; run {hint}")
    for binary in ("pyshacl", "pyshacl-turbo", "migkg"):
        if not (VENV_BIN / binary).is_file():
            raise SystemExit(f"run.py: error: {VENV_BIN / binary} is missing; run `make bench` (installs '.[bench]')")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise SystemExit("run.py: error: matplotlib is missing; run `make bench` (installs '.[bench]')")
    try:
        jena_classpath(DEFAULT_WORK)
    except EngineMissing as err:
        raise SystemExit(f"run.py: error: {err}")


# --- results -----------------------------------------------------------------------------------

@dataclass
class BuildRun:
    """One build in its own process."""
    seconds: float
    maxrss_kb: int
    sampled_peak_kb: int
    timings: dict[str, float]
    done: dict | None
    failure: str | None = None
    stopped_in: str | None = None


@dataclass
class SizeResult:
    """Everything measured at one size (or why it was not)."""
    factor: float
    text_bytes: int = 0
    documents: int = 0
    corpus_seconds: float = 0.0
    builds: list[BuildRun] = field(default_factory=list)
    queries: dict | None = None
    shacl: dict[str, dict] = field(default_factory=dict)
    shacl_compare: dict[str, str] = field(default_factory=dict)
    server: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None
    prediction: dict | None = None

    @property
    def ok_builds(self) -> list[BuildRun]:
        return [b for b in self.builds if b.failure is None and b.done]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def stage_medians(builds: list[BuildRun]) -> dict[str, float]:
    """Median time of each stage over the runs, stages in the build's own order."""
    order: list[str] = []
    for b in builds:
        for stage in b.timings:
            if stage not in order:
                order.append(stage)
    return {s: statistics.median([b.timings[s] for b in builds if s in b.timings]) for s in order}


def build_total(b: BuildRun) -> float:
    return b.done["seconds"] if b.done else b.seconds


def find_stage(stages: dict[str, float] | list[str], *words: str) -> str | None:
    """The first stage whose title contains one of the words (case-insensitive)."""
    for stage in stages:
        if any(w in stage.lower() for w in words):
            return stage
    return None


def graph_and_exports_seconds(b: BuildRun) -> float:
    """The build without OWL reasoning and HTML documentation: ontology, corpus and registry
    read, extraction, the graph, SHACL validation and every export written."""
    excluded = {s for s in b.timings if any(w in s.lower() for w in ("reason", "hermit", "documentation", "pylode"))}
    return sum(t for s, t in b.timings.items() if s not in excluded)


# --- the steps ---------------------------------------------------------------------------------

class Clock:
    """The time budget of the whole run."""

    def __init__(self, minutes: float) -> None:
        self.start = time.monotonic()
        self.budget = minutes * 60

    @property
    def left(self) -> float:
        return self.budget - (time.monotonic() - self.start)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_corpus(options: Options, factor: float) -> tuple[Path, int, int, float]:
    """The scaled corpus of this size and seed, generated once (cached under the work dir)."""
    name = f"corpus-{factor:g}x-seed{options.seed}-{scale_corpus.input_fingerprint()}"
    path = options.work / "corpora" / name
    marker = path / "SCALE.md"
    started = time.perf_counter()
    if not marker.is_file():
        if path.exists():
            shutil.rmtree(path)
        log(f"{factor:g}×: writing the corpus into {path}")
        scale_corpus.scale(factor, path, options.seed)
    docs = sorted(path.glob("*.txt"))
    return path, sum(p.stat().st_size for p in docs), len(docs), time.perf_counter() - started


def read_events(path: Path) -> tuple[dict[str, float], dict | None, str | None, str | None]:
    """Stage timings, the final record, an error and the stage a killed build was in."""
    timings: dict[str, float] = {}
    done, error, current = None, None, None
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record["event"] == "start":
                current = record["stage"]
            elif record["event"] == "end":
                timings[record["stage"]] = record["seconds"]
                current = None
            elif record["event"] == "done":
                done = record
            elif record["event"] == "error":
                error = record["message"]
    return timings, done, error, current


def run_build(options: Options, corpus: Path, factor: float, index: int) -> BuildRun:
    out = options.work / "builds" / f"{factor:g}x" / "build"
    out.parent.mkdir(parents=True, exist_ok=True)
    events = out.parent / f"events-{index}.jsonl"
    events.unlink(missing_ok=True)
    cmd = [PYTHON, str(BENCH / "build_once.py"), "--corpus", str(corpus), "--out", str(out), "--events", str(events)]
    if not options.reason:
        cmd.append("--no-reason")
    if not options.docs:
        cmd.append("--no-docs")
    measured = run_measured(cmd, cwd=ROOT, timeout=options.max_build_minutes * 60,
                            mem_limit_kb=int(options.mem_limit_gb * 1e6), log_dir=out.parent, name=f"build-{index}")
    timings, done, error, current = read_events(events)
    failure = None
    if measured.stopped:
        failure = f"{measured.stopped}" + (f", in stage “{current}”" if current else "")
    elif error or measured.returncode != 0 or done is None:
        failure = error or measured.one_line_error()
    return BuildRun(measured.seconds, measured.maxrss_kb, measured.sampled_peak_kb, timings, done, failure,
                    current if failure else None)


def predict(results: list[SizeResult], factor: float) -> dict | None:
    """Build seconds and peak memory (KB) at `factor`, from the sizes measured so far: a power
    law through the last two (exponent at least 1 for time), proportional from one."""
    measured = [(r.factor, median([build_total(b) for b in r.ok_builds]), median([b.maxrss_kb for b in r.ok_builds]))
                for r in results if r.ok_builds]
    if not measured:
        return None
    if len(measured) == 1:
        (f1, t1, m1), = measured
        return {"seconds": t1 * factor / f1, "maxrss_kb": m1 * factor / f1, "basis": f"{f1:g}× scaled linearly"}
    (f1, t1, m1), (f2, t2, m2) = measured[-2:]
    k = max(1.0, math.log(t2 / t1) / math.log(f2 / f1))
    slope = (m2 - m1) / (f2 - f1)
    return {"seconds": t2 * (factor / f2) ** k, "maxrss_kb": m2 + slope * (factor - f2),
            "basis": f"time ∝ size^{k:.2f} and memory linear through {f1:g}× and {f2:g}×"}


def run_queries(options: Options, result: SizeResult, nq: Path) -> None:
    out = options.work / "builds" / f"{result.factor:g}x" / "queries.json"
    out.unlink(missing_ok=True)
    cmd = [PYTHON, str(BENCH / "query_bench.py"), "--nq", str(nq), "--out", str(out),
           "--repeat", str(options.query_repeat), "--rdflib-timeout", str(options.rdflib_timeout),
           "--rdflib-max-quads", str(options.rdflib_max_quads)]
    measured = run_measured(cmd, cwd=ROOT, mem_limit_kb=int(options.mem_limit_gb * 1e6), log_dir=out.parent,
                            name="queries", timeout=max(600.0, options.max_build_minutes * 60))
    if measured.ok and out.is_file():
        result.queries = json.loads(out.read_text(encoding="utf-8"))
        result.queries["command"] = " ".join(["python", "bench/query_bench.py", "--nq", "BUILD/migration-kg.nq",
                                              "--repeat", str(options.query_repeat), "--rdflib-timeout",
                                              f"{options.rdflib_timeout:g}", "--rdflib-max-quads",
                                              str(options.rdflib_max_quads)])
        result.queries["peak_kb"] = measured.maxrss_kb
    else:
        result.notes.append(f"query library not measured: {measured.one_line_error()}")


def run_shacl(options: Options, result: SizeResult, nt: Path, triples: int, clock: Clock) -> None:
    from shacl_engines import EngineMissing, compare, run_engine
    work = options.work / "builds" / f"{result.factor:g}x" / "shacl"
    runs_by_engine: dict[str, list] = {}
    stages = stage_medians(result.ok_builds)
    in_build = stages.get(find_stage(stages, "shacl") or "", 0.0)
    for engine in SHACL_ENGINES:
        if engine == "pyshacl" and triples > options.pyshacl_max_triples:
            result.shacl[engine] = {"skipped": f"not run as a command: {triples:,} triples > --pyshacl-max-triples "
                                               f"{options.pyshacl_max_triples:,} (plain pySHACL parses with rdflib and "
                                               "runs the shapes' SPARQL on rdflib's engine: many minutes here); the "
                                               "build's own SHACL stage is pySHACL"}
            continue
        if engine == "pyshacl" and in_build * 1.2 > clock.left / 4:
            result.shacl[engine] = {"skipped": f"not run as a command: the build's pySHACL stage took "
                                               f"{in_build:.0f} s and {clock.left / 60:.0f} min of the budget were left"}
            continue
        runs = []
        timeout = max(120.0, min(options.max_build_minutes * 60, clock.left / 3))
        for i in range(options.runs):
            try:
                run = run_engine(engine, nt, SHAPES, work, VENV_BIN, timeout=timeout,
                                 mem_limit_kb=int(options.mem_limit_gb * 1e6), tag=str(i))
            except EngineMissing as err:
                result.shacl[engine] = {"skipped": str(err)}
                break
            runs.append(run)
            if run.error:
                break
            # fewer runs when one run is long: at most a tenth of what is left of the budget per engine
            if sum(r.measured.seconds for r in runs) * (len(runs) + 1) / len(runs) > clock.left / 10:
                break
        if not runs:
            continue
        runs_by_engine[engine] = runs
        ok = [r for r in runs if not r.error]
        result.shacl[engine] = {
            "command": " ".join(runs[0].command).replace(str(ROOT) + "/", "").replace(str(nt), "BUILD/migration-kg.nt"),
            "runs": [r.measured.seconds for r in ok], "median": median([r.measured.seconds for r in ok]),
            "maxrss_kb": max((r.measured.maxrss_kb for r in ok), default=0),
            "by_severity": ok[0].by_severity if ok else {}, "error": runs[-1].error}
    reference = runs_by_engine.get("pyshacl")
    for engine in ("jena", "pyshacl-turbo"):
        if engine in runs_by_engine:
            if reference:
                result.shacl_compare[engine] = compare(reference[0], runs_by_engine[engine][0])
            elif "jena" in runs_by_engine and engine != "jena":
                result.shacl_compare[engine] = "vs Jena: " + compare(runs_by_engine["jena"][0], runs_by_engine[engine][0])


def run_servers(options: Options, result: SizeResult, build_dir: Path) -> None:
    from servers import ServerError, cache_header, run_wrk, start_migkg, start_virtuoso
    work = options.work / "builds" / f"{result.factor:g}x" / "servers"
    for name, start in (("migkg serve", lambda: start_migkg(build_dir, work / "migkg", VENV_BIN / "migkg")),
                        ("Virtuoso", lambda: start_virtuoso(build_dir / "migration-kg.nq", work / "virtuoso"))):
        log(f"{result.factor:g}×: starting {name}")
        try:
            server = start()
        except (ServerError, OSError) as err:
            result.server.append({"server": name, "failure": str(err)})
            continue
        try:
            log(f"{result.factor:g}×: wrk on {name}, {options.connections} clients, {options.load_duration} s")
            load = run_wrk(server, options.connections, options.load_duration)
            record = asdict(load)
            record["startup_seconds"] = server.load_seconds
            record["x_cache"] = cache_header(server)
            result.server.append(record)
        except ServerError as err:
            result.server.append({"server": name, "failure": str(err)})
        finally:
            server.stop()
    shutil.rmtree(work / "virtuoso", ignore_errors=True)   # the database: as large as the graph


def measure_size(options: Options, factor: float, results: list[SizeResult], clock: Clock) -> SizeResult:
    result = SizeResult(factor)
    prediction = predict(results, factor)
    result.prediction = prediction
    mem_limit_kb = options.mem_limit_gb * 1e6
    if prediction:
        reasons = []
        if prediction["maxrss_kb"] > mem_limit_kb:
            reasons.append(f"predicted peak memory {prediction['maxrss_kb'] / 1e6:.1f} GB > limit "
                           f"{options.mem_limit_gb:.1f} GB")
        if prediction["seconds"] > options.max_build_minutes * 60:
            reasons.append(f"predicted build time {prediction['seconds'] / 60:.0f} min > --max-build-minutes "
                           f"{options.max_build_minutes:g}")
        if prediction["seconds"] > clock.left:
            reasons.append(f"predicted build time {prediction['seconds'] / 60:.0f} min > the {clock.left / 60:.0f} min "
                           "left of the time budget")
        if reasons:
            result.skipped = "; ".join(reasons) + f" ({prediction['basis']})"
            return result
    corpus, result.text_bytes, result.documents, result.corpus_seconds = ensure_corpus(options, factor)
    runs = options.runs
    for index in range(runs):
        log(f"{factor:g}×: build {index + 1}/{runs} ({result.text_bytes / MB:.1f} MB, {result.documents} documents)")
        build = run_build(options, corpus, factor, index)
        result.builds.append(build)
        if build.failure:
            log(f"{factor:g}×: build failed: {build.failure}")
            break
        log(f"{factor:g}×: built in {build_total(build):.1f} s, peak {build.maxrss_kb / 1e6:.2f} GB, "
            f"{build.done['triples']:,} triples")
        # a size gets at most a third of what is left of the budget for its builds
        if index + 1 < runs and build.seconds * (index + 2) > clock.left / 3:
            result.notes.append(f"{index + 1} build run(s) instead of {runs}: one run takes {build.seconds:.0f} s "
                                f"and {clock.left / 60:.0f} min of the budget were left")
            break
    if not result.ok_builds:
        return result
    build_dir = options.work / "builds" / f"{factor:g}x" / "build"
    triples = result.ok_builds[-1].done["triples"]
    log(f"{factor:g}×: query library")
    run_queries(options, result, build_dir / "migration-kg.nq")
    log(f"{factor:g}×: SHACL engines")
    run_shacl(options, result, build_dir / "migration-kg.nt", triples, clock)
    server_sizes = options.server_sizes
    if server_sizes is None or factor in server_sizes:
        needed = 2 * (options.load_duration + 30) + result.ok_builds[-1].seconds / 2
        if needed < clock.left or factor == options.sizes[0]:
            run_servers(options, result, build_dir)
        else:
            result.notes.append(f"server load not run: about {needed / 60:.0f} min needed, "
                                f"{clock.left / 60:.0f} min of the budget left")
    return result


# --- saving and reporting ----------------------------------------------------------------------

def save(data: dict) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    # keys keep their order: stage timings are listed in the order the build ran them
    DATA_JSON.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


def load_results(data: dict) -> list[SizeResult]:
    results = []
    for raw in data["sizes"]:
        builds = [BuildRun(**b) for b in raw.pop("builds")]
        results.append(SizeResult(builds=builds, **raw))
    return results


def main(argv: list[str] | None = None) -> int:
    options, report_only = parse_options(argv)
    if report_only:
        if not DATA_JSON.is_file():
            print(f"run.py: error: {DATA_JSON}: not found; run the benchmark first", file=sys.stderr)
            return 2
        data = json.loads(DATA_JSON.read_text(encoding="utf-8"))
    else:
        preflight()
        options.work.mkdir(parents=True, exist_ok=True)
        clock = Clock(options.budget_minutes)
        data = {"machine": machine_info(), "options": {k: str(v) if isinstance(v, Path) else v
                                                       for k, v in asdict(options).items()},
                "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "seed_bytes": scale_corpus.seed_bytes(), "sizes": []}
        results: list[SizeResult] = []
        stopped = None
        for factor in options.sizes:
            if stopped:
                results.append(SizeResult(factor, skipped=f"not attempted: {stopped}"))
                continue
            result = measure_size(options, factor, results, clock)
            results.append(result)
            if result.skipped or not result.ok_builds:
                stopped = f"{factor:g}× did not run to the end"
            data["sizes"] = [asdict(r) for r in results]
            data["finished"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            data["elapsed_minutes"] = (time.monotonic() - clock.start) / 60
            save(data)
        data["sizes"] = [asdict(r) for r in results]
        data["finished"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        data["elapsed_minutes"] = (time.monotonic() - clock.start) / 60
        save(data)
    results = load_results(json.loads(json.dumps(data, default=str)))
    from report import write_plot, write_results
    write_plot(data, results, PLOT_PNG)
    write_results(data, results, RESULTS_MD, PLOT_PNG)
    log(f"wrote {RESULTS_MD.relative_to(ROOT)} and {PLOT_PNG.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
