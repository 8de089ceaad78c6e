"""bench/RESULTS.md and bench/results/scaling.png from the numbers bench/run.py measured.

Everything in RESULTS.md is computed here from bench/results/bench-data.json: the tables,
each target's measured value and verdict, and the explanation of a miss, which is taken
from the measurements (the stage that dominates, the stage that grows faster than the
corpus, the faster engine measured in the same run). Only the list of remedies per kind of
stage is fixed text, and it is worded as what would close the gap, not as a measurement.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

from run import (ENGINE_NAMES, MB, SHACL_ENGINES, TARGET_LINEAR_RATIO, TARGET_QUERY_RATIO, TARGET_SEED_SECONDS,
                 TARGET_SERVER_RPS, TARGET_SIZE, BuildRun, SizeResult, build_total, find_stage,
                 graph_and_exports_seconds, median, stage_medians)

REMEDIES = (
    (("shacl",), "validate with an engine that evaluates shapes natively: Jena SHACL (Java) and pyshacl-turbo "
                 "(Rust) are measured on the same shapes and data below; or find the shapes whose cost grows "
                 "fastest (pySHACL shape by shape, `--shape IRI`) and rewrite them"),
    (("export", "write"), "every format is already written by pyoxigraph's Rust writers (JSON-LD by kg.export "
                          "from the same sorted quads); what is left in this stage is converting each rdflib term "
                          "to a pyoxigraph term, sorting, JSON-LD in Python and starting HermiT's JVM: build "
                          "pyoxigraph terms directly in kg/graph.py, and write the formats in parallel processes"),
    (("assemble", "graph"), "the graph is built once as tuples of rdflib terms and then copied into rdflib's "
                            "in-memory store for pySHACL: building pyoxigraph terms directly, and an engine that "
                            "validates from Oxigraph or N-Triples (Jena), would remove the rdflib copy and most of "
                            "the memory (10x: 6.1 GB, most of it rdflib)"),
    (("reason", "hermit"), "run HermiT on the ontology plus only the individuals whose types need inference, or only "
                           "when the ontology changes; the OWL reasoner's cost grows with the whole ABox"),
    (("extract", "mention"), "profile the extraction rules (`python -m cProfile bench/build_once.py …`): the "
                             "sentence rules are pure Python per sentence and per mention pair"),
    (("documentation", "pylode"), "cache the ontology documentation: it depends on the ontology only, not on the corpus"),
    (("corpus", "registry", "ontology", "evidence"), "profile this stage; it reads and checks input files"),
)


def remedy(stage: str) -> str:
    for words, text in REMEDIES:
        if any(w in stage.lower() for w in words):
            return text
    return "profile this stage"


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 100:
        return f"{seconds:.2f} s"
    return f"{seconds:,.0f} s"


def fmt_ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f}"


def fmt_gb(kb: float | None) -> str:
    return "–" if kb is None else f"{kb / 1e6:.2f}"


def size_label(result: SizeResult) -> str:
    return f"{result.factor:g}×"


def exponent(t1: float, t2: float, f1: float, f2: float) -> float | None:
    if t1 <= 0 or t2 <= 0 or f1 == f2:
        return None
    return math.log(t2 / t1) / math.log(f2 / f1)


# --- targets -------------------------------------------------------------------------------

def at_size(results: list[SizeResult], factor: float, needs) -> tuple[SizeResult | None, bool]:
    """The result at `factor`, or the largest size below it that has what the target needs
    (second value False then: the target is not measured at the size it names)."""
    exact = next((r for r in results if r.factor == factor and needs(r)), None)
    if exact:
        return exact, True
    smaller = [r for r in results if needs(r) and r.factor < factor]
    return (smaller[-1], False) if smaller else (None, False)


def stage_breakdown(result: SizeResult, top: int = 3) -> str:
    stages = stage_medians(result.ok_builds)
    total = sum(stages.values()) or 1.0
    ranked = sorted(stages.items(), key=lambda kv: -kv[1])[:top]
    return "; ".join(f"“{s}” {fmt_s(t)} ({100 * t / total:.0f} %)" for s, t in ranked)


def target_seed(results: list[SizeResult]) -> dict:
    row = {"target": f"seed corpus (1×) → validated graph + all exports in < {TARGET_SEED_SECONDS:g} s"}
    seed = next((r for r in results if r.factor == 1 and r.ok_builds), None)
    if seed is None:
        return row | {"measured": "not measured (no 1× build)", "verdict": "not measured"}
    core = median([graph_and_exports_seconds(b) for b in seed.ok_builds])
    full = median([build_total(b) for b in seed.ok_builds])
    row["measured"] = (f"{fmt_s(core)} (median of {len(seed.ok_builds)}; the whole `migkg build`, with HermiT and "
                       f"pyLODE: {fmt_s(full)})")
    if core <= TARGET_SEED_SECONDS:
        return row | {"verdict": "pass", "by": f"{TARGET_SEED_SECONDS - core:.2f} s to spare"}
    stages = stage_medians(seed.ok_builds)
    counted = {s: t for s, t in stages.items()
               if not any(w in s.lower() for w in ("reason", "hermit", "documentation", "pylode"))}
    ranked = sorted(counted.items(), key=lambda kv: -kv[1])
    why = "; ".join(f"“{s}” {fmt_s(t)} ({100 * t / core:.0f} %)" for s, t in ranked[:3])
    close = " ".join(f"“{s}”: {remedy(s)}." for s, _ in ranked[:2])
    return row | {"verdict": "miss", "by": f"{core / TARGET_SEED_SECONDS:.1f}× the target ({core - TARGET_SEED_SECONDS:.1f} s over)",
                  "why": f"Where the {fmt_s(core)} go at 1× (medians): {why}.",
                  "close": close}


def target_linear(results: list[SizeResult]) -> dict:
    row = {"target": f"build time linear: 10× corpus ≤ {TARGET_LINEAR_RATIO:g}× the 1× time"}
    one = next((r for r in results if r.factor == 1 and r.ok_builds), None)
    ten = next((r for r in results if r.factor == 10 and r.ok_builds), None)
    if not one or not ten:
        ten_result = next((r for r in results if r.factor == 10), None)
        reason = None
        if ten_result is not None:
            reason = ten_result.skipped or (ten_result.builds[-1].failure if ten_result.builds else None)
        return row | {"measured": f"not measured ({reason or 'sizes 1 and 10 were not both built'})",
                      "verdict": "not measured"}
    t1 = median([build_total(b) for b in one.ok_builds])
    t10 = median([build_total(b) for b in ten.ok_builds])
    ratio = t10 / t1
    row["measured"] = (f"{ratio:.1f}× ({fmt_s(t1)} → {fmt_s(t10)}; medians of {len(one.ok_builds)} and "
                       f"{len(ten.ok_builds)} runs)")
    if ratio <= TARGET_LINEAR_RATIO:
        return row | {"verdict": "pass", "by": f"{TARGET_LINEAR_RATIO - ratio:.1f}× to spare"}
    s1, s10 = stage_medians(one.ok_builds), stage_medians(ten.ok_builds)
    excess = sorted(((s, s10[s] - 10 * s1.get(s, 0.0), s10[s] / s1[s] if s1.get(s) else None) for s in s10),
                    key=lambda x: -x[1])
    grows = [f"“{s}” {fmt_s(s1.get(s))} → {fmt_s(s10[s])} ({r:.1f}×, {e:+.0f} s beyond linear)"
             for s, e, r in excess[:3] if r is not None and e > 0]
    close = " ".join(f"“{s}”: {remedy(s)}." for s, e, r in excess[:2] if e > 0)
    return row | {"verdict": "miss", "by": f"{ratio / TARGET_LINEAR_RATIO:.2f}× the allowed ratio "
                                           f"({ratio:.1f}× vs {TARGET_LINEAR_RATIO:g}×)",
                  "why": "Stages that grow faster than the corpus (1× → 10×, medians): " + "; ".join(grows) + ".",
                  "close": close}


def target_queries(results: list[SizeResult]) -> dict:
    row = {"target": f"query library p50 within {TARGET_QUERY_RATIO:g}× of raw pyoxigraph at {TARGET_SIZE:g}×"}
    result, exact = at_size(results, TARGET_SIZE, lambda r: r.queries is not None)
    if result is None:
        return row | {"measured": "not measured", "verdict": "not measured"}
    summary = result.queries["summary"]
    floor = summary["pyoxigraph"]["p50"]
    lib = summary["kg.query"]["p50"]
    ratio = lib / floor if floor else float("inf")
    ox = summary.get("oxrdflib", {}).get("p50")
    where = size_label(result) if exact else f"{size_label(result)} (largest size measured; {TARGET_SIZE:g}× did not run)"
    row["measured"] = (f"at {where}: kg.query (`migkg query`'s path) p50 {fmt_ms(lib)} ms vs raw pyoxigraph "
                       f"{fmt_ms(floor)} ms = {ratio:.2f}×" + (f"; oxrdflib {fmt_ms(ox)} ms = {ox / floor:.2f}×" if ox else ""))
    verdict = "pass" if ratio <= TARGET_QUERY_RATIO else "miss"
    if not exact:
        verdict += f" at {size_label(result)} (not measured at {TARGET_SIZE:g}×)"
    out = row | {"verdict": verdict, "by": f"{ratio:.2f}× vs {TARGET_QUERY_RATIO:g}× allowed"}
    if ratio > TARGET_QUERY_RATIO:
        worst = sorted(((n, q["kg.query"]["median"] / q["pyoxigraph"]["median"]) for n, q in result.queries["queries"].items()
                        if q["kg.query"]["median"] and q["pyoxigraph"]["median"]), key=lambda x: -x[1])[:3]
        out["why"] = "Largest per-query ratios: " + "; ".join(f"{n} {r:.1f}×" for n, r in worst) + "."
        out["close"] = "bind parameters without re-parsing the query (prepared query + substitutions)."
    return out


def target_shacl(results: list[SizeResult]) -> dict:
    row = {"target": f"SHACL at {TARGET_SIZE:g}× no slower than Jena SHACL"}
    result, exact = at_size(results, TARGET_SIZE,
                            lambda r: r.ok_builds and r.shacl.get("jena", {}).get("median") is not None)
    if result is None:
        return row | {"measured": "not measured", "verdict": "not measured"}
    stage = find_stage(stage_medians(result.ok_builds), "shacl")
    ours = stage_medians(result.ok_builds).get(stage) if stage else None
    jena = result.shacl["jena"]["median"]
    where = size_label(result) if exact else f"{size_label(result)} (largest size measured; {TARGET_SIZE:g}× did not run)"
    if ours is None:
        return row | {"measured": f"at {where}: no SHACL stage found in the build's timings", "verdict": "not measured"}
    py_cmd = result.shacl.get("pyshacl", {}).get("median")
    row["measured"] = (f"at {where}: the build's SHACL stage (pySHACL on the in-memory graph) {fmt_s(ours)} vs Jena "
                       f"SHACL {fmt_s(jena)} (a command: JVM start-up and parsing included)"
                       + (f"; pySHACL as a command {fmt_s(py_cmd)}" if py_cmd else ""))
    ratio = ours / jena
    verdict = "pass" if ours <= jena else "miss"
    if not exact:
        verdict += f" at {size_label(result)} (not measured at {TARGET_SIZE:g}×)"
    out = row | {"verdict": verdict, "by": f"{ratio:.1f}× Jena's time"}
    if ours > jena:
        growth = []
        built = [r for r in results if r.ok_builds and find_stage(stage_medians(r.ok_builds), "shacl")]
        for a, b in zip(built, built[1:]):
            ta = stage_medians(a.ok_builds)[find_stage(stage_medians(a.ok_builds), "shacl")]
            tb = stage_medians(b.ok_builds)[find_stage(stage_medians(b.ok_builds), "shacl")]
            k = exponent(ta, tb, a.factor, b.factor)
            growth.append(f"{size_label(a)} → {size_label(b)}: {fmt_s(ta)} → {fmt_s(tb)} (time ∝ size^{k:.2f})")
            ja, jb = a.shacl.get("jena", {}).get("median"), b.shacl.get("jena", {}).get("median")
            if ja and jb:
                growth[-1] += f", Jena {fmt_s(ja)} → {fmt_s(jb)} (size^{exponent(ja, jb, a.factor, b.factor):.2f})"
        turbo = result.shacl.get("pyshacl-turbo", {}).get("median")
        out["why"] = (f"At {size_label(result)} the build's pySHACL stage takes {ratio:.1f}× Jena's time on the same "
                      "shapes and data" + (" (Jena's time includes JVM start-up and parsing, the stage's does not). "
                      "Growth of both: " + "; ".join(growth) + "." if growth else "."))
        out["close"] = (f"validate with Jena SHACL ({fmt_s(jena)} here, reports "
                        f"{result.shacl_compare.get('jena', 'not compared')})"
                        + (f" or pyshacl-turbo ({fmt_s(turbo)}, reports {result.shacl_compare.get('pyshacl-turbo', 'not compared')})"
                           if turbo else "") + "; or find the shapes whose cost grows super-linearly (run pySHACL "
                        "shape by shape with `--shape`) and rewrite them.")
    return out


def target_server(results: list[SizeResult], options: dict) -> dict:
    row = {"target": f"`migkg serve` ≥ {TARGET_SERVER_RPS:,.0f} simple queries/s, 0 errors, 50 clients, 60 s"}
    measured = [(r, s) for r in results for s in r.server if s.get("server") == "migkg serve" and not s.get("failure")]
    if not measured:
        return row | {"measured": "not measured", "verdict": "not measured"}
    parts, verdicts = [], []
    for r, s in measured:
        virt = next((v for v in r.server if v.get("server") == "Virtuoso" and not v.get("failure")), None)
        parts.append(f"{size_label(r)}: {s['rps']:,.0f} req/s, p99 {s['p99_ms']:.1f} ms, {s['error_total']} errors"
                     + (f" (Virtuoso {virt['rps']:,.0f} req/s, p99 {virt['p99_ms']:.1f} ms, {virt['error_total']} errors)"
                        if virt else ""))
        verdicts.append(s["rps"] >= TARGET_SERVER_RPS and s["error_total"] == 0)
    stated = int(options.get("connections", 50)) == 50 and int(options.get("load_duration", 60)) >= 60
    worst = min((s for _, s in measured), key=lambda s: s["rps"])
    verdict = "pass" if all(verdicts) else "miss"
    if not stated:
        verdict += f" (load was {options.get('connections')} clients for {options.get('load_duration')} s, not as stated)"
    out = row | {"measured": "; ".join(parts), "verdict": verdict,
                 "by": f"lowest {worst['rps']:,.0f} req/s = {worst['rps'] / TARGET_SERVER_RPS:.2f}× the target"}
    if not all(verdicts):
        per_request = 1000 * 50 / worst["rps"] if worst["rps"] else float("inf")
        out["why"] = (f"With 50 clients each waiting for its answer, {worst['rps']:,.0f} req/s means "
                      f"{per_request:.0f} ms per request in the server (p50 {worst['p50_ms']:.1f} ms measured by wrk); "
                      "the Python server shares the 2 cores with wrk and its SPARQL worker processes.")
        out["close"] = ("answer repeated identical queries from a small result cache, run more uvicorn worker "
                        "processes on the same socket, or serve /sparql from a native store behind the same URL.")
    return out


# --- the document ----------------------------------------------------------------------------

def write_results(data: dict, results: list[SizeResult], path: Path, plot: Path) -> None:
    m, o = data["machine"], data["options"]
    lines = ["# Benchmarks: results", "",
             f"Generated by `{o['command']}` (bench/run.py), {data['started']} – {data.get('finished', '?')} "
             f"({data.get('elapsed_minutes', 0):.0f} min). Do not edit: `make bench` rewrites this file from "
             "bench/results/bench-data.json (all runs, raw numbers).", ""]
    lines += ["## Machine", "", "| | |", "|---|---|",
              f"| CPU | {m['cpu']}, {m['cores']} cores |", f"| memory | {m['memory_gb']:.1f} GB |",
              f"| OS | {m['os']} |", f"| Python | {m['python']} |", f"| Java | {m['java']} |",
              f"| Python packages | " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + " |",
              f"| Debian packages | libapache-jena-java {m['libapache-jena-java']} (Jena {m['jena']}), "
              f"virtuoso-opensource {m['virtuoso']}, wrk {m['wrk']} |",
              f"| code | commit {m['commit']} |",
              f"| load average at start | {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])} "
              "(other work on the machine makes every time here longer) |", ""]
    lines += commands_section(data, results)
    lines += targets_section(results, o)
    lines += growth_section(data, results)
    lines += stages_section(results)
    lines += stores_section(results)
    lines += shacl_section(results)
    lines += server_section(results, o)
    lines += stops_section(results)
    lines += ["## Plot", "", f"![growth with corpus size]({plot.relative_to(path.parent).as_posix()})", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def commands_section(data: dict, results: list[SizeResult]) -> list[str]:
    o = data["options"]
    shacl_cmds = {}
    query_cmd = None
    for r in results:
        for engine, record in r.shacl.items():
            if record.get("command"):
                shacl_cmds.setdefault(engine, record["command"])
        if r.queries and not query_cmd:
            query_cmd = r.queries.get("command")
    wrk_cmd = next((" ".join(s["command"][:-1]) + " 'URL/sparql?query=…'" for r in results for s in r.server
                    if s.get("command")), "wrk (not run)")
    lines = ["## Commands", "",
             f"Everything below ran from `{o['command']}`; each step can be run on its own:", "", "```sh",
             "make bench    # = bash .ci/install-bench-deps.sh; pip install -e '.[test,bench]'; .venv/bin/python bench/run.py",
             f"python bench/scale_corpus.py --factor F --seed {o['seed']} --out CORPUS        # the corpus of each size",
             "python bench/build_once.py --corpus CORPUS --out BUILD --events E.jsonl"
             + (" --no-reason" if not o["reason"] else "") + (" --no-docs" if not o["docs"] else "")
             + "   # kg.build.build, as `migkg build`, one process per run",
             (query_cmd or "python bench/query_bench.py --nq BUILD/migration-kg.nq"),
             *[shacl_cmds[e] for e in SHACL_ENGINES if e in shacl_cmds],
             "migkg serve --host 127.0.0.1 --port PORT --build-dir BUILD",
             "virtuoso-t +foreground +configfile DB/virtuoso.ini   # then isql-vt: ld_dir(DB, 'migration-kg.nq', …); rdf_loader_run(); checkpoint;",
             wrk_cmd, "```", "",
             f"The simple query for the load test: `{__import__('servers').SIMPLE_QUERY}` (GET, Accept: "
             "application/sparql-results+json). Sizes are multiples of the seed corpus's "
             f"{data['seed_bytes'] / MB:.2f} MB of text; the scaled corpora include the five seed documents (the "
             "curated registry quotes them) and synthetic documents (bench/scale_corpus.py says how they are written).",
             ""]
    return lines


def targets_section(results: list[SizeResult], options: dict) -> list[str]:
    rows = [target_seed(results), target_linear(results), target_queries(results), target_shacl(results),
            target_server(results, options)]
    lines = ["## Targets", "", "| target | measured | result | by how much |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['target']} | {row.get('measured', '')} | **{row['verdict']}** | {row.get('by', '')} |")
    lines.append("")
    for row in rows:
        if "why" in row or "close" in row:
            lines += [f"**{row['target']}: {row['verdict']}.** Why (measured): {row.get('why', '')} "
                      f"What would close it: {row.get('close', '')}", ""]
    return lines


def growth_section(data: dict, results: list[SizeResult]) -> list[str]:
    lines = ["## Growth with corpus size", "",
             "Medians over the build runs (n); MB/s is MB of document text per second of the whole build; peak "
             "memory is the largest ru_maxrss of a build process (HermiT's JVM is a child it waits for); query "
             "p50/p95 are over all timed runs of all library queries on kg.query (the path of `migkg query`).", "",
             "| size | text MB | docs | n | build | MB/s | peak GB | triples | mentions | facts | SHACL stage | "
             "query p50 / p95 ms |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if not r.ok_builds:
            why = r.skipped or (r.builds[-1].failure if r.builds else "not run")
            lines.append(f"| {size_label(r)} | {r.text_bytes / MB if r.text_bytes else 0:.1f} | {r.documents or '–'} | 0 | "
                         f"not measured: {why} | | | | | | | |")
            continue
        total = median([build_total(b) for b in r.ok_builds])
        done = r.ok_builds[-1].done
        stages = stage_medians(r.ok_builds)
        shacl = stages.get(find_stage(stages, "shacl") or "", None)
        q = r.queries["summary"]["kg.query"] if r.queries else None
        lines.append(f"| {size_label(r)} | {r.text_bytes / MB:.1f} | {r.documents} | {len(r.ok_builds)} | {fmt_s(total)} | "
                     f"{r.text_bytes / MB / total:.3f} | {fmt_gb(median([b.maxrss_kb for b in r.ok_builds]))} | "
                     f"{done['triples']:,} | {done['mentions']:,} | {done['facts']:,} | {fmt_s(shacl)} | "
                     + (f"{fmt_ms(q['p50'])} / {fmt_ms(q['p95'])}" if q else "–") + " |")
    density = [f"{size_label(r)} {r.ok_builds[-1].done['mentions'] / (r.text_bytes / MB):,.0f} mentions, "
               f"{r.ok_builds[-1].done['facts'] / (r.text_bytes / MB):,.0f} facts and "
               f"{r.ok_builds[-1].done['triples'] / (r.text_bytes / MB):,.0f} triples"
               for r in results if r.ok_builds and r.text_bytes]
    if density:
        lines += ["", "Per MB of text: " + "; ".join(density) + " (1× is the seed corpus alone; larger sizes add "
                  "synthetic documents, whose mix bench/scale_corpus.py calibrates to the seed's densities)."]
    lines.append("")
    return lines


def stages_section(results: list[SizeResult]) -> list[str]:
    built = [r for r in results if r.ok_builds]
    if not built:
        return []
    order: list[str] = []
    for r in built:
        for s in stage_medians(r.ok_builds):
            if s not in order:
                order.append(s)
    columns = [f"{size_label(r)} s (MB/s)" for r in built] + [f"growth {size_label(a)}→{size_label(b)}"
                                                              for a, b in zip(built, built[1:])]
    head = "| stage | " + " | ".join(columns) + " |"
    lines = ["## Build stages", "",
             "Median seconds per stage and throughput (MB of text per second of that stage); growth is the exponent "
             "k in time ∝ size^k between two sizes (1 = linear, 2 = quadratic).", "", head,
             "|---|" + "---:|" * (len(built) + max(0, len(built) - 1))]
    for stage in order:
        cells = []
        for r in built:
            t = stage_medians(r.ok_builds).get(stage)
            cells.append("–" if t is None else f"{fmt_s(t)} ({r.text_bytes / MB / t:.2f})" if t > 0 else fmt_s(t))
        growth = []
        for a, b in zip(built, built[1:]):
            ta, tb = stage_medians(a.ok_builds).get(stage), stage_medians(b.ok_builds).get(stage)
            k = exponent(ta, tb, a.factor, b.factor) if ta and tb else None
            growth.append("–" if k is None else f"{k:.2f}")
        lines.append(f"| {stage} | " + " | ".join(cells + growth) + " |")
    lines.append("")
    return lines


def stores_section(results: list[SizeResult]) -> list[str]:
    measured = [r for r in results if r.queries]
    if not measured:
        return []
    engines = ["pyoxigraph", "kg.query", "oxrdflib", "rdflib"]
    first = measured[0].queries
    lines = ["## Embedded stores on the query library", "",
             "All queries of queries/ with their default parameters, rows consumed; p50/p95 over all timed runs "
             f"(each query: a warm-up run, then {first['repeat']} timed runs, fewer when a query's runs add up to "
             f"more than 10 s); rdflib capped at {first['rdflib_timeout']:g} s per query (a query past the cap counts "
             "as unfinished and is left out of its p50/p95). Load: parsing the N-Quads into the store.", "",
             "| size | engine | load | p50 ms | p95 ms | sum of medians | finished | p50 vs pyoxigraph |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    rdflib_rate = None      # quads per second rdflib parsed at the largest size it loaded
    for r in measured:
        q = r.queries
        floor = q["summary"]["pyoxigraph"]["p50"]
        if "rdflib" in q["loads"] and q["loads"]["rdflib"]["seconds"]:
            rdflib_rate = q["loads"]["rdflib"]["quads"] / q["loads"]["rdflib"]["seconds"]
        for e in engines:
            if e in q.get("skipped", {}):
                guess = (f" (at the {rdflib_rate:,.0f} quads/s measured at a smaller size, loading alone would take "
                         f"about {fmt_s(q['quads'] / rdflib_rate)})" if e == "rdflib" and rdflib_rate else "")
                lines.append(f"| {size_label(r)} | {e} | {q['skipped'][e]}{guess} | | | | | |")
                continue
            if e not in q["summary"]:
                continue
            s = q["summary"][e]
            load = q["loads"].get(e, q["loads"]["pyoxigraph"] if e == "kg.query" else None)
            lines.append(f"| {size_label(r)} | {e} | {fmt_s(load['seconds']) if load else '–'} | {fmt_ms(s['p50'])} | "
                         f"{fmt_ms(s['p95'])} | {fmt_s(s['sum_of_medians'])} | {s['finished']}/{s['queries']} | "
                         + (f"{s['p50'] / floor:.2f}×" if s["p50"] and floor else "–") + " |")
        for name in q.get("rows_differ", []):
            counts = ", ".join(f"{e} {by['rows']:,}" for e, by in q["queries"][name].items() if by["rows"] is not None)
            lines.append(f"| {size_label(r)} | rows differ: {name} | {counts} | | | | | |")
    last = measured[-1]
    q = last.queries
    present = [e for e in engines if e in q["summary"]]
    lines += ["", f"Per query at {size_label(last)} (median ms; rows from pyoxigraph):", "",
              "| query | rows | " + " | ".join(present) + " |", "|---|---:|" + "---:|" * len(present)]
    for name, by in sorted(q["queries"].items()):
        cells = [(by[e]["failure"] or fmt_ms(by[e]["median"])) if e in by else "–" for e in present]
        lines.append(f"| {name} | {by['pyoxigraph']['rows']} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def shacl_section(results: list[SizeResult]) -> list[str]:
    measured = [r for r in results if r.shacl]
    if not measured:
        return []
    lines = ["## SHACL engines", "",
             "Same shapes (ontology/shapes.ttl) and data (the build's N-Triples: ontology + data), each engine as a "
             "command; wall time including start-up and parsing, median over the runs; the build's own SHACL stage "
             "(pySHACL on the graph already in memory, no parsing) for comparison. Reports are compared result by "
             "result (severity, focus node, path, constraint component) against the pySHACL command's.", "",
             "| size | engine | runs | median | peak GB | results | report vs pySHACL |",
             "|---|---|---:|---:|---:|---|---|"]
    for r in measured:
        stages = stage_medians(r.ok_builds) if r.ok_builds else {}
        stage = find_stage(stages, "shacl")
        if stage:
            done = r.ok_builds[-1].done
            sev = ", ".join(f"{n} {s}" for s, n in sorted(done.get("shacl_results", {}).items())) or "none"
            lines.append(f"| {size_label(r)} | build stage “{stage}” | {len(r.ok_builds)} | {fmt_s(stages[stage])} | – | "
                         f"{sev} | (the build's) |")
        for engine in SHACL_ENGINES:
            rec = r.shacl.get(engine)
            if not rec:
                continue
            if "skipped" in rec:
                lines.append(f"| {size_label(r)} | {ENGINE_NAMES[engine]} | 0 | {rec['skipped']} | | | |")
                continue
            sev = ", ".join(f"{n} {s}" for s, n in rec["by_severity"].items()) or "none"
            cmp = "(reference)" if engine == "pyshacl" else r.shacl_compare.get(engine, "–")
            err = f" — {rec['error']}" if rec.get("error") else ""
            lines.append(f"| {size_label(r)} | {ENGINE_NAMES[engine]} | {len(rec['runs'])} | {fmt_s(rec['median'])}{err} | "
                         f"{fmt_gb(rec['maxrss_kb'])} | {sev} | {cmp} |")
    lines += ["", "Jena's `shacl validate` counts warnings as non-conformance (as the SHACL specification does); "
              "pySHACL and the build run with warnings allowed. The comparison is of the results, not of that flag.", ""]
    return lines


def server_section(results: list[SizeResult], options: dict) -> list[str]:
    measured = [r for r in results if r.server]
    if not measured:
        return []
    lines = ["## Server under load", "",
             f"wrk, {options['connections']} keep-alive connections, 2 threads, {options['load_duration']} s per "
             "server, one run each (every number is over all the requests of that run), same simple query, same "
             "graph; both servers and wrk share the machine's cores. Errors: connect, read, write, timeout (5 s) and "
             "non-2xx responses.", "",
             "| size | server | req/s | p50 ms | p99 ms | errors | requests | start-up + load |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in measured:
        for s in r.server:
            if s.get("failure"):
                lines.append(f"| {size_label(r)} | {s['server']} | failed: {s['failure']} | | | | | |")
                continue
            errs = s["error_total"]
            detail = ", ".join(f"{k} {v}" for k, v in s["errors"].items() if v)
            cached = f" (repeats answered from its result cache, X-Cache: {s['x_cache']})" if s.get("x_cache") else ""
            lines.append(f"| {size_label(r)} | {s['server']}{cached} | {s['rps']:,.0f} | {s['p50_ms']:.1f} | {s['p99_ms']:.1f} | "
                         f"{errs}{' (' + detail + ')' if detail else ''} | {s['requests']:,} | "
                         f"{fmt_s(s.get('startup_seconds'))} |")
    lines.append("")
    return lines


def stops_section(results: list[SizeResult]) -> list[str]:
    lines = ["## Where it stops", ""]
    any_note = False
    for r in results:
        if r.skipped:
            lines.append(f"- **{size_label(r)}**: {r.skipped}.")
            any_note = True
        for b in r.builds:
            if b.failure:
                peak = max(b.maxrss_kb, b.sampled_peak_kb)
                lines.append(f"- **{size_label(r)}** build: {b.failure} (after {fmt_s(b.seconds)}, peak "
                             f"{fmt_gb(peak)} GB; stages finished: "
                             + (", ".join(f"{s} {fmt_s(t)}" for s, t in b.timings.items()) or "none") + ").")
                any_note = True
        for note in r.notes:
            lines.append(f"- {size_label(r)}: {note}.")
            any_note = True
        if r.prediction and not r.skipped:
            lines.append(f"- {size_label(r)} was predicted at {fmt_s(r.prediction['seconds'])} and "
                         f"{fmt_gb(r.prediction['maxrss_kb'])} GB ({r.prediction['basis']}).")
    if not any_note:
        lines.append("Every size requested ran to the end.")
    lines.append("")
    return lines


# --- the plot --------------------------------------------------------------------------------

def write_plot(data: dict, results: list[SizeResult], path: Path) -> None:
    """Six panels: build time per stage, throughput, memory and triples, query latency, SHACL
    engines, server throughput."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    built = [r for r in results if r.ok_builds]
    fig, axes = plt.subplots(2, 3, figsize=(17, 10))
    fig.suptitle(f"Migration KG benchmarks — {data['machine']['cpu']}, {data['machine']['cores']} cores, "
                 f"{data['started']}", fontsize=11)
    x = [r.factor for r in built]

    ax = axes[0][0]
    if built:
        order: list[str] = []
        for r in built:
            order += [s for s in stage_medians(r.ok_builds) if s not in order]
        colors = {stage: plt.get_cmap("tab10")(i % 10) for i, stage in enumerate(order)}
        for stage in order:
            ys = [stage_medians(r.ok_builds).get(stage) for r in built]
            ax.plot(x, [y or float("nan") for y in ys], marker="o", color=colors[stage], label=stage[:38])
        totals = [median([build_total(b) for b in r.ok_builds]) for r in built]
        ax.plot(x, totals, marker="s", color="black", linewidth=2.5, label="whole build")
        ax.plot(x, [totals[0] * f / x[0] for f in x], linestyle="--", color="grey", label="linear from smallest")
    ax.set(xscale="log", yscale="log", xlabel="corpus size (× seed)", ylabel="seconds (median)",
           title="Build time per stage")
    ax.legend(fontsize=6, loc="upper left")

    ax = axes[0][1]
    if built:
        for stage in order:
            ys = [(r.text_bytes / MB / stage_medians(r.ok_builds)[stage]) if stage_medians(r.ok_builds).get(stage) else None
                  for r in built]
            ax.plot(x, [y or float("nan") for y in ys], marker="o", color=colors[stage])
        ax.plot(x, [r.text_bytes / MB / median([build_total(b) for b in r.ok_builds]) for r in built], marker="s",
                color="black", linewidth=2.5, label="whole build")
    ax.set(xscale="log", yscale="log", xlabel="corpus size (× seed)", ylabel="MB of text per second",
           title="Throughput per stage (colours as on the left)")

    ax = axes[0][2]
    if built:
        from matplotlib.ticker import ScalarFormatter
        ax.plot(x, [median([b.maxrss_kb for b in r.ok_builds]) / 1e6 for r in built], marker="o", markersize=9,
                color="tab:red", linewidth=2.5, label="peak memory (GB, left)")
        ax.set(xscale="log", yscale="log", xlabel="corpus size (× seed)", ylabel="GB", title="Peak memory and triples")
        twin = ax.twinx()
        twin.plot(x, [r.ok_builds[-1].done["triples"] / 1e6 for r in built], marker="s", color="tab:blue",
                  linestyle="--", label="triples (millions, right)")
        twin.set(yscale="log", ylabel="million triples")
        for axis in (ax.yaxis, twin.yaxis):
            axis.set_major_formatter(ScalarFormatter())
            axis.set_minor_formatter(ScalarFormatter())
        ax.legend(loc="upper left", fontsize=8)
        twin.legend(loc="lower right", fontsize=8)

    ax = axes[1][0]
    with_q = [r for r in results if r.queries]
    for engine, color in (("pyoxigraph", "tab:green"), ("kg.query", "black"), ("oxrdflib", "tab:blue"),
                          ("rdflib", "tab:orange")):
        pts = [(r.factor, r.queries["summary"][engine]) for r in with_q if engine in r.queries["summary"]]
        if pts:
            ax.plot([p[0] for p in pts], [p[1]["p50"] * 1000 if p[1]["p50"] else float("nan") for p in pts],
                    marker="o", color=color, label=f"{engine} p50")
            ax.plot([p[0] for p in pts], [p[1]["p95"] * 1000 if p[1]["p95"] else float("nan") for p in pts],
                    marker="x", linestyle=":", color=color, label=f"{engine} p95")
    ax.set(xscale="log", yscale="log", xlabel="corpus size (× seed)", ylabel="ms",
           title="Query library latency (rdflib: finished queries only)")
    ax.legend(fontsize=7)

    ax = axes[1][1]
    with_s = [r for r in results if r.shacl]
    stage_pts = [(r.factor, stage_medians(r.ok_builds).get(find_stage(stage_medians(r.ok_builds), "shacl") or ""))
                 for r in with_s if r.ok_builds]
    if stage_pts:
        ax.plot([p[0] for p in stage_pts], [p[1] or float("nan") for p in stage_pts], marker="s", color="black",
                label="build's SHACL stage (pySHACL, in memory)")
    for engine in SHACL_ENGINES:
        pts = [(r.factor, r.shacl[engine]["median"]) for r in with_s if r.shacl.get(engine, {}).get("median")]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=f"{ENGINE_NAMES[engine]} (command)")
    ax.set(xscale="log", yscale="log", xlabel="corpus size (× seed)", ylabel="seconds (median)", title="SHACL engines")
    ax.legend(fontsize=7)

    ax = axes[1][2]
    with_srv = [r for r in results if r.server]
    width = 0.35
    for i, name in enumerate(("migkg serve", "Virtuoso")):
        vals = [next((s["rps"] for s in r.server if s.get("server") == name and not s.get("failure")), 0) for r in with_srv]
        ax.bar([j + i * width for j in range(len(with_srv))], vals, width, label=name)
    ax.axhline(TARGET_SERVER_RPS, color="red", linestyle="--", label="target")
    ax.set_xticks([j + width / 2 for j in range(len(with_srv))], [size_label(r) for r in with_srv])
    ax.set(ylabel="requests per second", xlabel="corpus size", title="SPARQL server under wrk load")
    ax.legend(fontsize=8)

    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
