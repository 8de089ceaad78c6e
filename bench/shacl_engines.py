"""SHACL engines side by side on the same shapes and data: pySHACL, Apache Jena SHACL and
pyshacl-turbo, each run as a command on the build's N-Triples (ontology and data together,
as kg.validate validates them), wall time including start-up and parsing.

Commands (bench/run.py records them in RESULTS.md):
  pySHACL        .venv/bin/pyshacl -s ontology/shapes.ttl -i none -a -w -f nt -o REPORT DATA.nt
                 (the options of kg.validate: no inference, SHACL-AF for the SPARQL targets,
                 warnings do not break conformance)
  pyshacl-turbo  .venv/bin/pyshacl-turbo with the same options
  Jena SHACL     java -XmxNg -cp JARS shacl.shacl validate --shapes ontology/shapes.ttl --data DATA.nt
                 (N: 90 % of the memory limit of the run; the JVM's default is a quarter of the RAM)

Running Jena from Debian's libapache-jena-java (4.5): the package ships the jars but no
`shacl` script, and every command class dies at start-up with ExceptionInInitializerError
(jena-core relocates Xerces to `org.apache.jena.ext.xerces` but looks its message bundles up
under `xerces/`, where they are not). jena_classpath() writes a small jar with those bundles
copied to the path Xerces looks in, and puts it first on an explicit class path of the Jena
jars and their Debian dependencies. `/usr/share/java/*` as the class path does not work
either: it holds both log4j-over-slf4j and slf4j-log4j12, which SLF4J refuses to start with;
slf4j-nop is used instead. `shacl validate` exits 0 whether or not the data conforms, and
counts warnings as non-conformance (as the SHACL spec says): the report is what is compared.

Reports are compared result by result: (severity, focus node, path, constraint component),
blank nodes as "_:"; messages are left out because engines word their defaults differently.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from measure import Measured, run_measured

JAVA_DIR = Path("/usr/share/java")
JENA_JARS = ("jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
             "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri", "jena-rdfconnection",
             "jena-shacl", "jena-shex", "jena-tdb", "jena-tdb2")
JENA_DEPENDENCIES = ("commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
                     "dexx.collection", "gson", "guava", "httpclient", "httpcore", "jackson-core", "jackson-databind",
                     "jackson-annotations", "jsonld-java", "jakarta.json-api", "protobuf", "slf4j-api", "slf4j-nop",
                     "thrift", "titanium-json-ld", "caffeine")
XERCES_BUNDLES = "org/apache/jena/ext/xerces/"
SH = "http://www.w3.org/ns/shacl#"


class EngineMissing(Exception):
    """A tool the comparison needs is not installed; the message names it."""


def jena_classpath(work: Path, java_dir: Path = JAVA_DIR) -> str:
    """The class path for Jena's command classes, with the message-bundle fix (see above)."""
    jars = []
    for name in JENA_JARS + JENA_DEPENDENCIES:
        jar = java_dir / f"{name}.jar"
        if not jar.is_file():
            raise EngineMissing(f"{jar}: missing; run .ci/install-bench-deps.sh (Debian libapache-jena-java)")
        jars.append(str(jar))
    fix = work / "jena-xerces-messages.jar"
    if not fix.is_file():
        work.mkdir(parents=True, exist_ok=True)
        partial = fix.with_suffix(".tmp")
        with zipfile.ZipFile(java_dir / "jena-core.jar") as core, zipfile.ZipFile(partial, "w") as out:
            for item in core.namelist():
                if item.startswith(XERCES_BUNDLES) and item.endswith(".properties"):
                    out.writestr("xerces/" + item[len(XERCES_BUNDLES):], core.read(item))
        partial.rename(fix)
    return ":".join([str(fix), *jars])


def jena_version(java_dir: Path = JAVA_DIR) -> str:
    versioned = sorted(java_dir.glob("jena-shacl-*.jar"))
    return versioned[-1].stem.removeprefix("jena-shacl-") if versioned else "unknown"


@dataclass
class EngineRun:
    """One engine on one data file: the command, how it went, and its report's results."""
    engine: str
    command: list[str]
    measured: Measured
    results: Counter = field(default_factory=Counter)    # (severity, focus, path, component) → n
    error: str | None = None

    @property
    def by_severity(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for (severity, *_), n in self.results.items():
            counts[severity] = counts.get(severity, 0) + n
        return dict(sorted(counts.items()))

    @property
    def violations(self) -> int:
        return self.by_severity.get("Violation", 0)


def read_report(path: Path, fmt: str) -> Counter:
    """The results of a SHACL validation report as a multiset of comparable keys."""
    import pyoxigraph as ox
    store = ox.Store()
    store.load(path=str(path), format=fmt)
    results: Counter = Counter()
    query = f"""PREFIX sh: <{SH}>
        SELECT ?severity ?focus ?path ?component WHERE {{
          ?r a sh:ValidationResult ; sh:resultSeverity ?severity ; sh:focusNode ?focus .
          OPTIONAL {{ ?r sh:resultPath ?path }} OPTIONAL {{ ?r sh:sourceConstraintComponent ?component }} }}"""
    for row in store.query(query):
        def key(term) -> str:
            if term is None:
                return ""
            return "_:" if isinstance(term, ox.BlankNode) else term.value.rsplit("#", 1)[-1] if term.value.startswith(SH) else term.value
        results[(key(row["severity"]), key(row["focus"]), key(row["path"]), key(row["component"]))] += 1
    return results


def run_engine(engine: str, data: Path, shapes: Path, work: Path, venv_bin: Path, timeout: float,
               mem_limit_kb: int | None, tag: str) -> EngineRun:
    """Runs one engine as a command and reads its report."""
    import pyoxigraph as ox
    report = work / f"report-{engine}-{tag}"
    if engine == "jena":
        classpath = jena_classpath(work)
        # the JVM's default heap is a quarter of the RAM; give it what the other engines may use
        heap = [f"-Xmx{max(1, int(mem_limit_kb * 0.9 / 1e6))}g"] if mem_limit_kb else []
        command = ["java", *heap, "-cp", classpath, "shacl.shacl", "validate", "--shapes", str(shapes), "--data",
                   str(data)]
        fmt = ox.RdfFormat.TURTLE
    elif engine in ("pyshacl", "pyshacl-turbo"):
        binary = venv_bin / engine
        if not binary.is_file():
            raise EngineMissing(f"{binary}: missing; install the bench extra: .venv/bin/pip install -e '.[bench]'")
        command = [str(binary), "-s", str(shapes), "-i", "none", "-a", "-w", "-f", "nt", "-o", str(report), str(data)]
        fmt = ox.RdfFormat.N_TRIPLES
    else:
        raise ValueError(engine)
    measured = run_measured(command, timeout=timeout, mem_limit_kb=mem_limit_kb, log_dir=work, name=f"{engine}-{tag}")
    if engine == "jena":
        report.write_text(measured.stdout, encoding="utf-8")
    shown = ([*command[:-7], "<Jena jars, see bench/shacl_engines.py>", *command[-6:]] if engine == "jena" else
             [*command[:-2], "REPORT.nt", command[-1]])
    run = EngineRun(engine, shown, measured)
    # pyshacl exits 1 when the data does not conform; Jena always 0: judge by the report
    if measured.stopped or measured.returncode not in (0, 1):
        run.error = measured.one_line_error()
        return run
    try:
        run.results = read_report(report, fmt)
    except (OSError, SyntaxError) as err:
        run.error = f"cannot read the report {report}: {err}"
    return run


def compare(reference: EngineRun, other: EngineRun) -> str:
    """'identical' or what differs between two engines' results."""
    if reference.error or other.error:
        return "not compared (" + (reference.error or other.error or "") + ")"
    if reference.results == other.results:
        return f"identical ({sum(other.results.values()):,} results)"
    missing = reference.results - other.results
    extra = other.results - reference.results
    parts = []
    if missing:
        parts.append(f"{sum(missing.values()):,} result(s) of {reference.engine} missing")
    if extra:
        parts.append(f"{sum(extra.values()):,} extra")
    sample = next(iter((missing or extra)))
    return "differs: " + ", ".join(parts) + f" (e.g. {sample[0]} {sample[1][-60:]} {sample[2][-40:]} {sample[3]})"
