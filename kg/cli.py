"""The `migkg` command line. Every input problem ends in one line on stderr naming the file,
line or field, and a non-zero exit status; no traceback unless --debug."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

from rdflib.namespace import RDFS

from rich.console import Console
from rich.table import Table

from . import __version__
from .build import DEFAULT_OUT, Sources, assemble, build, check
from .errors import KGError, ValidationFailed
from .export import CONTEXT_FILE, CONTEXT_NAME, FORMATS, export
from .progress import Progress, error
from .stats import compute_stats
from .validate import short_name, validate_graph
from .vocabulary import Vocabulary, parse_rdf_file

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2

MAIN_HELP = """\
NAME
    migkg - build, validate, export and inspect the Migration Knowledge Graph

DESCRIPTION
    The Migration Knowledge Graph turns policy documents about international migration
    into an OWL 2 DL knowledge graph. Every fact points to the passage of the document
    that states it (document, character offsets, exact quote).

    Inputs (all inside the package, so a fresh clone builds on its own):
      kg/corpus/*.{txt,md,html,pdf} + *.meta.toml
                                      source documents and their metadata sidecars
      kg/registry/*.toml              curated entities and facts with verbatim quotes
      ontology/migration.ttl          the OWL ontology
      ontology/themes.ttl             the SKOS scheme of migration themes
      ontology/shapes.ttl             the SHACL shapes the graph must satisfy

COMMANDS
    build       build the graph, validate it, and publish all exports into build/
    validate    validate the graph (or an RDF file) against the SHACL shapes
    export      write one serialisation of the graph to stdout or a file
    stats       count instances per class and triples per property
    add         add a document (and its metadata sidecar) to the corpus
    eval        precision and recall of the extraction against tests/gold/
    conflicts   claims of the documents that disagree, each with its source
    review      discovered entities and low-confidence facts, for a curator
    query       run a query of the SPARQL library (queries/) or any SPARQL query
    push        load the built graph into a triple store (SPARQL Graph Store Protocol)
    release     versioned release bundle: exports, docs, VoID/DCAT, checksums, archive
    serve       serve the graph as linked data, with a SPARQL endpoint and query editor

EXIT STATUS
    0  success
    1  the graph does not conform to the SHACL shapes (or is inconsistent)
    2  bad input (a document, sidecar, registry, ontology or RDF file) or bad usage

EXAMPLES
    migkg build                      build into ./build (atomically)
    migkg validate                   validate the graph built from the sources
    migkg export --format jsonld -o kg.jsonld
    migkg stats --format json
    migkg query group-members --param group=id:organization/geneva-migration-group
    migkg serve --port 8000          linked data, /sparql and /query on http://127.0.0.1:8000/

    Run `migkg COMMAND --help` for the options of each command.
"""

BUILD_HELP = """\
DESCRIPTION
    Reads the ontology, the corpus and the registry; locates every fact's quote in its
    document; assembles the graph (named graphs: ontology, themes, entities and one per
    source document); validates it with SHACL; and only if it conforms writes, into a
    fresh folder that then replaces OUT in one atomic step:

      migration-kg.ttl           ontology + all data (Turtle)
      migration-kg.owl           the same as RDF/XML, for Protégé
      migration-kg.jsonld        JSON-LD using the local context.jsonld (never a remote one)
      migration-kg.nq / .trig    named graphs (N-Quads / TriG)
      migration-kg.nt            N-Triples, sorted
      migration-kg-inferred.owl  HermiT's inferred class hierarchy and types
      validation-report.txt      the SHACL report (warnings included)
      docs/index.html            HTML documentation of the ontology (pyLODE)
      build-summary.json         counts

    The same inputs give byte-identical files. If anything fails, OUT is left as it was.
"""


def _sources(args: argparse.Namespace) -> Sources:
    defaults = Sources()
    return Sources(corpus_dir=args.corpus or defaults.corpus_dir,
                   registry_dir=args.registry or defaults.registry_dir,
                   ontology_dir=args.ontology or defaults.ontology_dir)


def cmd_build(args: argparse.Namespace) -> int:
    progress = Progress(quiet=args.quiet)
    result = build(_sources(args), args.out, progress, reason=not args.no_reason, docs=not args.no_docs,
                   keep_going=args.keep_going)
    for line in result.kg.skipped:
        progress.note(f"skipped: {line}")
    warnings = len(result.validation.findings) - len(result.validation.violations)
    progress.note(f"built {result.out_dir}/: {len(result.kg.union)} triples, {len(result.kg.registry.entities)} entities, "
                  f"{len(result.kg.facts)} facts with evidence, {len(result.kg.documents)} documents; "
                  f"SHACL conforms ({warnings} warning(s)); {progress.total:.1f} s")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    progress = Progress(quiet=args.quiet)
    if args.file:
        with progress.stage(f"parse {args.file}"):
            data = parse_rdf_file(args.file, _rdf_format(args.file), canonical=False)
            data += Vocabulary.load(_sources(args).ontology_dir).ontology  # sh:class follows subclasses
        with progress.stage("validate with SHACL"):
            result = validate_graph(data)
    else:
        result = check(assemble(_sources(args), progress), progress)
    sys.stdout.write(result.report_text())
    return EXIT_OK if result.conforms else EXIT_INVALID


def _rdf_format(path: Path) -> str:
    suffix = path.suffix.lower()
    formats = {".ttl": "turtle", ".owl": "xml", ".rdf": "xml", ".xml": "xml", ".nt": "nt",
               ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld"}
    if suffix not in formats:
        raise KGError(f"{path}: unknown RDF file extension {suffix!r} (use one of {', '.join(formats)})")
    return formats[suffix]


def cmd_export(args: argparse.Namespace) -> int:
    progress = Progress(quiet=args.quiet or args.output is None)
    kg = assemble(_sources(args), progress)
    result = check(kg, progress)
    if not result.conforms:
        raise ValidationFailed(f"SHACL: {len(result.violations)} violation(s); not exporting (see `migkg validate`)")
    data = export(args.format, kg.dataset, kg.union)
    if args.output is None:
        sys.stdout.buffer.write(data)
    else:
        args.output.write_bytes(data)
        if args.format == "jsonld":
            (args.output.parent / CONTEXT_NAME).write_bytes(CONTEXT_FILE.read_bytes())
        progress.note(f"wrote {args.output} ({len(data)} bytes)")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    progress = Progress(quiet=True)
    kg = assemble(_sources(args), progress)
    stats = compute_stats(kg.dataset, kg.vocab)
    rows_c = sorted(((short_name(c), n, stats.direct.get(c, 0)) for c, n in stats.classes.items()))
    rows_p = sorted((short_name(p), n) for p, n in stats.properties.items())
    if args.format == "json":
        import json
        out = {"triples": stats.triples,
               "classes": {c: {"instances": n, "direct": d} for c, n, d in rows_c},
               "properties": {p: n for p, n in rows_p}}
        print(json.dumps(out, indent=1, sort_keys=True))
        return EXIT_OK
    console = Console()
    table = Table(title=f"Instances per class ({stats.triples} data triples)")
    table.add_column("class"), table.add_column("instances", justify="right"), table.add_column("typed directly", justify="right")
    for c, n, d in rows_c:
        table.add_row(c, str(n), str(d))
    console.print(table)
    ptable = Table(title="Triples per property")
    ptable.add_column("property"), ptable.add_column("triples", justify="right")
    for p, n in rows_p:
        ptable.add_row(p, str(n))
    console.print(ptable)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from .add import add_document
    corpus = args.corpus or Sources().corpus_dir
    path = add_document(args.file, corpus, title=args.title, publisher=args.publisher, date=args.date,
                        doc_type=args.type, language=args.language, publisher_id=args.publisher_id or "",
                        creators=tuple(args.creator or ()), description=args.description or "")
    print(f"added {path.name} (sidecar {path.stem}.meta.toml); run `migkg build` to rebuild the graph")
    return EXIT_OK


def _extraction(args: argparse.Namespace, use_registry: bool = True):
    from .corpus import read_corpus
    from .pipeline import extract
    from .registry import load_registry
    sources = _sources(args)
    vocab = Vocabulary.load(sources.ontology_dir)
    documents = read_corpus(sources.corpus_dir)
    registry = load_registry(vocab, sources.registry_dir)
    return documents, extract(documents, registry, use_registry=use_registry, themes=vocab.theme_labels)


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import GOLD_DIR, evaluate, format_report, load_gold
    gold = load_gold(args.gold or GOLD_DIR)
    out = []
    for cold in ((False, True) if args.cold else (False,)):
        documents, extraction = _extraction(args, use_registry=not cold)
        report = evaluate(extraction, documents, gold, cold=cold)
        title = ("Cold start: no registry, discovery rules only (types and spans scored, not links)" if cold
                 else "Full pipeline (registry gazetteer + discovery + rules)")
        out.append(format_report(report, title))
        if args.errors:
            out.append("\n".join(report.errors))
    print("\n\n".join(out))
    return EXIT_OK


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def cmd_conflicts(args: argparse.Namespace) -> int:
    kg = assemble(_sources(args), Progress(quiet=True))
    labels = {s: str(o) for s, o in kg.union.subject_objects(RDFS.label)}
    if not kg.conflicts:
        print("no conflicting claims")
    for conflict in kg.conflicts:
        print(f"{labels.get(conflict.subject, conflict.subject)} — {short_name(conflict.prop)}:")
        for fact in conflict.facts:
            value = labels.get(fact.value, str(fact.value)) if short_name(conflict.prop) != "mkg:numberOfParties" else str(fact.value)
            print(f"  {value:<12} {fact.passage.doc_id} [{fact.passage.span.start}-{fact.passage.span.end}] "
                  f"({fact.method}, {fact.confidence}): “{_quote(fact.passage.exact)}”")
    print(f"{len(kg.conflicts)} conflict(s)")
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from .claims import sentence_passage
    documents, extraction = _extraction(args)
    by_doc = {d.doc_id: d for d in documents}
    first_mention = {}
    for doc_id in sorted(extraction.mentions):
        for m in extraction.mentions[doc_id]:
            first_mention.setdefault(m.key, m)
    print(f"# Discovered entities ({len(extraction.discovered)}): not in the registry; promote with the id shown")
    for key in sorted(extraction.discovered):
        entity = extraction.discovered[key]
        m = first_mention.get(key)
        where = f"{m.doc_id} [{m.start}-{m.end}]" if m else ""
        extra = f" acronyms={sorted(entity.acronyms)}" if entity.acronyms else ""
        print(f"{key}\t{entity.cls}\t{entity.label}{extra}\t{where}\t({entity.rule})")
    low = [(doc_id, c) for doc_id in sorted(extraction.claims) for c in extraction.claims[doc_id]
           if c.confidence < args.threshold]
    print(f"\n# Facts with confidence below {args.threshold} ({len(low)})")
    for doc_id, c in low:
        passage = sentence_passage(by_doc[doc_id], extraction, c)
        print(f"{c.subject} {c.prop} {c.value}\t{c.confidence}\t{c.rule}\t{doc_id} [{passage.span.start}-{passage.span.end}]"
              f"\t“{_quote(passage.exact)}”")
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .query import (bind_parameters, library_queries, load_query, open_store, parse_param_args,
                        parse_query_text, run_local, run_remote, write_result)
    if args.list:
        for path in library_queries():
            query = parse_query_text(path.read_text(encoding="utf-8"), path.stem)
            params = " ".join(f"?{p.name}" for p in query.parameters)
            print(f"{path.stem:<45} {query.question}" + (f"  [{params}]" if params else ""))
        return EXIT_OK
    if args.query is None:
        raise InputError("give a query: a library NAME, a FILE, or - for standard input (see `migkg query --list`)")
    query = load_query(args.query)
    bindings = bind_parameters(query, parse_param_args(args.param or []))
    if args.endpoint:
        result = run_remote(args.endpoint, query, bindings, timeout=args.timeout)
    else:
        result = run_local(open_store(args.build_dir), query, bindings)
    write_result(result, args.format, sys.stdout.buffer)
    sys.stdout.flush()
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .server import ServerConfig, serve
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: not a TCP port (0-65535)")
    if args.timeout <= 0 or args.max_rows < 1 or args.workers < 1 or args.cache < 0:
        raise InputError("--timeout must be positive, --max-rows and --workers at least 1, --cache at least 0")
    config = ServerConfig(build_dir=args.build_dir, host=args.host, port=args.port,
                          corpus_dir=args.corpus or Sources().corpus_dir, query_timeout=args.timeout,
                          max_rows=args.max_rows, workers=args.workers, cache_entries=args.cache)
    try:
        serve(config, announce=lambda line: print(line, flush=True))
    except KeyboardInterrupt:
        pass
    print("stopped", flush=True)
    return EXIT_OK


def cmd_push(args: argparse.Namespace) -> int:
    from .push import count_problems, iter_report_lines, push, resolve_credentials
    report = push(args.build_dir, args.endpoint, graph=args.graph, query_endpoint=args.query_endpoint,
                  credentials=resolve_credentials(args.user, args.password), timeout=args.timeout,
                  chunk_triples=args.chunk_triples)
    for line in iter_report_lines(report):
        print(line, flush=True)
    warnings, errors = count_problems(report)
    for line in warnings:
        print(f"migkg: error: {line}" if args.strict else f"migkg: warning: {line}; --strict makes this an error",
              file=sys.stderr)
    for line in errors:
        error(line)
    return EXIT_INVALID if errors or (warnings and args.strict) else EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    from .release import DEFAULT_CHANGELOG, release
    result = release(args.build_dir, args.out, args.changelog or DEFAULT_CHANGELOG, args.archive)
    print(f"released {result.version} ({result.issued.isoformat()}): {result.bundle}/ ({len(result.files)} files, "
          f"checked by SHA256SUMS and described in void.ttl), {result.archive}, {result.archive}.sha256; "
          f"{result.changelog} updated")
    return EXIT_OK


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("inputs (default: the copies shipped in the package)")
    group.add_argument("--corpus", type=Path, metavar="DIR", help="folder of documents (*.txt + *.meta.toml)")
    group.add_argument("--registry", type=Path, metavar="DIR", help="folder of registry files (*.toml)")
    group.add_argument("--ontology", type=Path, metavar="DIR", help="folder with migration.ttl, themes.ttl, shapes.ttl")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def make_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="migkg", description=MAIN_HELP, formatter_class=fmt,
                                     usage="migkg [--version] [--debug] COMMAND [OPTIONS]")
    parser.add_argument("--version", action="version", version=f"migkg {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("build", help="build, validate and publish the graph into build/", description=BUILD_HELP, formatter_class=fmt)
    _add_source_options(p)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: build)")
    p.add_argument("--no-reason", action="store_true", help="skip the HermiT run (no inferred export, no Java needed)")
    p.add_argument("--no-docs", action="store_true", help="skip the pyLODE documentation")
    p.add_argument("--keep-going", action="store_true",
                   help="leave out bad documents (listed in the output and build-summary.json) instead of stopping")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="validate against the SHACL shapes", formatter_class=fmt, description="""\
DESCRIPTION
    Validates the graph assembled from the sources, or FILE if given (Turtle, RDF/XML,
    N-Triples, N-Quads, TriG or JSON-LD, chosen by extension; the ontology is added so
    that sh:class follows the class hierarchy), and prints one line per finding:
    severity, focus node, its label, the property path and the message.

EXIT STATUS
    0 conforms (warnings allowed), 1 violations found, 2 bad input.""")
    _add_source_options(p)
    p.add_argument("file", nargs="?", type=Path, help="an RDF file to validate instead of the sources")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="write one serialisation of the graph", formatter_class=fmt, description="DESCRIPTION\n    Assembles and validates the graph, then writes one format:\n" +
                       "\n".join(f"      {k:7} {v}" for k, v in FORMATS.items()) +
                       "\n    The output is byte-identical to the matching file of `migkg build`.")
    _add_source_options(p)
    p.add_argument("--format", "-f", choices=sorted(FORMATS), default="ttl", help="serialisation (default: ttl)")
    p.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here instead of stdout (JSON-LD: context.jsonld is written beside it)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", help="count instances per class and triples per property", formatter_class=fmt, description="""\
DESCRIPTION
    Counts instances per class (subclasses included, with the count of instances typed
    directly with the class) and triples per property, over the data graphs (not the
    ontology).""")
    _add_source_options(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("add", help="add a document to the corpus", formatter_class=fmt, description="""\
DESCRIPTION
    Copies FILE (.txt, .md, .html or .pdf) into the corpus folder under a new id
    (NNN_<sha256 prefix>) and writes its metadata sidecar; then `migkg build` rebuilds the
    graph with it. Refuses a file already in the corpus; never leaves half a document.""")
    _add_source_options(p)
    p.add_argument("file", type=Path)
    p.add_argument("--title", required=True)
    p.add_argument("--publisher", required=True)
    p.add_argument("--date", required=True, help="YYYY, YYYY-MM or YYYY-MM-DD")
    p.add_argument("--type", default="Publication", help="document genre (Report, Paper, WebPage, ...)")
    p.add_argument("--language", default="en")
    p.add_argument("--publisher-id", help="registry id of the publisher, if it has one")
    p.add_argument("--creator", action="append", help="an author (repeatable)")
    p.add_argument("--description")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("eval", help="precision and recall against the gold annotations", formatter_class=fmt, description="""\
DESCRIPTION
    Runs the extraction pipeline and scores it against the hand annotations in tests/gold/
    (see tests/gold/README.md): mentions per entity type (exact line, text and type),
    definite descriptions, entity linking, and facts per relation. With --cold the registry
    is not used as a gazetteer, which shows what the discovery rules find on their own.""")
    _add_source_options(p)
    p.add_argument("--gold", type=Path, metavar="DIR", help="folder of gold files (default: tests/gold)")
    p.add_argument("--cold", action="store_true", help="also score a run without the registry")
    p.add_argument("--errors", action="store_true", help="list every missed and spurious item")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("conflicts", help="claims that disagree, with their sources", formatter_class=fmt, description="""\
DESCRIPTION
    Lists every subject for which the documents (or a document and the registry) make
    claims that cannot all be true: two adoption or establishment dates, two ratification
    counts without an 'as of' date that explains them. Each claim is shown with its
    document, offsets, method and quote. Nothing is resolved: the graph keeps them all and
    links their evidence with mkg:contradicts.""")
    _add_source_options(p)
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("review", help="discovered entities and weak facts for a curator", formatter_class=fmt, description="""\
DESCRIPTION
    Lists the entities the pipeline discovered (key to use as registry id, class, label,
    first mention) and the extracted facts below a confidence threshold with their quotes,
    so that a curator can promote them into kg/registry/.""")
    _add_source_options(p)
    p.add_argument("--threshold", type=Decimal, default=Decimal("0.8"), help="confidence below which a fact is listed (default 0.8)")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("query", help="run a SPARQL query of the library or any query", formatter_class=fmt,
                       usage="migkg query NAME|FILE|- [--param NAME=VALUE ...] [--format FORMAT] [--endpoint URL] [--build-dir DIR]",
                       description="""\
DESCRIPTION
    Runs a SPARQL query on the built graph (build/migration-kg.nq, loaded into an embedded
    Oxigraph store; the default graph is the union of all named graphs) or, with --endpoint,
    on a remote SPARQL 1.1 endpoint. The query is a name of the library in queries/ (see
    --list), a .rq file, or - to read it from standard input.

    A library query declares its parameters in its header (# Parameters: ?name (KIND, …)).
    --param binds them: an IRI may be written in full, in <…>, or with the graph's prefixes
    (id:organization/gcim, theme:remittances, mkg:Convention, doc:…). Values are parsed into
    RDF terms and bound with a VALUES block, never pasted into the query text: a value that
    is not a valid IRI is refused, and a string is always a literal.

    Formats: table (aligned text; long cells cut), csv, tsv and json (SPARQL 1.1 result
    formats, full values). CONSTRUCT and DESCRIBE results are written as N-Triples.

EXIT STATUS
    0 success; 2 bad query (parser message with line and column), unknown query or
    parameter, bad value, missing build, or an endpoint that cannot be reached or refuses.

EXAMPLES
    migkg query --list
    migkg query group-members
    migkg query ratification-counts --param instrument=id:instrument/ilo-c097 --format csv
    migkg query entity-search --param text=Puebla
    echo 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | migkg query -
    migkg query founders-and-founding-dates --endpoint http://localhost:7878/query""")
    p.add_argument("query", nargs="?", metavar="NAME|FILE|-", help="library query name, .rq file, or - for stdin")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE", help="bind a declared parameter (repeatable)")
    p.add_argument("--format", "-f", choices=("table", "csv", "tsv", "json"), default="table", help="output format (default: table)")
    p.add_argument("--endpoint", metavar="URL", help="run on this SPARQL 1.1 endpoint instead of the built graph")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="endpoint timeout (default: 60)")
    p.add_argument("--build-dir", type=Path, default=DEFAULT_OUT, metavar="DIR", help="folder with migration-kg.nq (default: build)")
    p.add_argument("--list", action="store_true", help="list the library's queries and their questions")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("serve", help="serve the graph as linked data with a SPARQL endpoint", formatter_class=fmt,
                       usage="migkg serve [--host HOST] [--port PORT] [--build-dir DIR] [OPTIONS]",
                       description="""\
DESCRIPTION
    Serves the built graph (DIR/migration-kg.nq) over HTTP until Ctrl-C:

      /migration-kg/...      every IRI of the graph at its own path: an entity
                             https://w3id.org/migration-kg/id/organization/gcim is
                             http://HOST:PORT/migration-kg/id/organization/gcim. HTML for
                             browsers (facts with the quotes that state them, passages
                             highlighted in their document); RDF by content negotiation
                             (text/turtle, application/ld+json, application/n-triples,
                             application/rdf+xml) or ?format=ttl|jsonld|nt|rdf
      /sparql                SPARQL 1.1 Protocol endpoint (GET, POST form, POST
                             application/sparql-query); results as JSON, XML, CSV or TSV,
                             graphs as Turtle, N-Triples, JSON-LD or RDF/XML, by Accept or
                             format=. Read-only: updates, LOAD and SERVICE are refused. A
                             query that runs past --timeout is stopped (HTTP 503); results
                             are cut at --max-rows (header X-Result-Truncated: true); the
                             answers of recent queries are kept for repeats (X-Cache: hit)
      /query                 a SPARQL editor (YASGUI) with the query library of queries/
      /.well-known/void      VoID/DCAT description of the dataset (Turtle; HTML for browsers)
      /health                {"status": "ok", "triples": N}
      /search?q=TEXT, /download/FILE, /docs/ (the ontology documentation)

EXIT STATUS
    0 after Ctrl-C; 2 if the build folder is missing or the port cannot be used.

EXAMPLES
    migkg serve
    migkg serve --port 8080 --build-dir /srv/kg/build
    curl -H 'Accept: text/turtle' http://127.0.0.1:8000/migration-kg/id/organization/gcim
    curl --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' -H 'Accept: text/csv' http://127.0.0.1:8000/sparql""")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default: 8000; 0 picks a free one)")
    p.add_argument("--build-dir", type=Path, default=DEFAULT_OUT, metavar="DIR", help="folder with migration-kg.nq (default: build)")
    p.add_argument("--corpus", type=Path, metavar="DIR", help="documents folder, for passages in context (default: the shipped corpus)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="time limit of one SPARQL query (default: 10)")
    p.add_argument("--max-rows", type=int, default=10_000, metavar="N", help="rows or triples per SPARQL result (default: 10000)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="SPARQL worker processes (default: 2)")
    p.add_argument("--cache", type=int, default=1024, metavar="N",
                   help="answers of recent queries kept for repeats (header X-Cache: hit; default: 1024; 0: none)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("push", help="load the built graph into a triple store", formatter_class=fmt,
                       usage="migkg push --endpoint URL [--graph IRI] [--user USER --password PASSWORD] [--build-dir DIR] [OPTIONS]",
                       description="""\
DESCRIPTION
    Loads the built graph (DIR/migration-kg.nq) into a triple store through the SPARQL 1.1
    Graph Store Protocol: each named graph (ontology, themes, entities, one per document) is
    sent with HTTP PUT, which replaces it, so a second push leaves the same triples, never
    twice as many. Graphs of the project's namespace (https://w3id.org/migration-kg/graph/)
    that the build no longer has are deleted. With --graph, every triple goes into that one
    graph instead. Large graphs are sent in chunks (PUT, then POST) that never split triples
    linked by a blank node.

    Afterwards the triples of each graph are counted with a SPARQL COUNT on the store's
    query service and printed beside the number sent. A store that keeps literals by value
    may hold fewer (Virtuoso: "2003-07"^^xsd:gYearMonth and "2003-07-01"^^xsd:date are one
    value): a warning, or an error with --strict. More than sent is always an error.

    Authentication: Digest or Basic, as the server asks; the password may come from
    $MIGKG_PASSWORD instead of --password (or is asked for on a terminal).

    Endpoints: Virtuoso  http://HOST:8890/sparql-graph-crud-auth (--user dba)
               Fuseki    http://HOST:3030/DATASET/data
               Oxigraph  http://HOST:7878/store
    The query service is found beside these (Virtuoso /sparql, Fuseki /DATASET/query,
    Oxigraph /query); give --query-endpoint for other stores.

EXIT STATUS
    0 pushed and counted; 1 the store holds other counts than were sent (fewer: only with
    --strict); 2 no build, bad option, or an endpoint that cannot be reached or refuses
    (one line with the server's own message).

EXAMPLES
    migkg push --endpoint http://localhost:8890/sparql-graph-crud-auth --user dba --password dba
    MIGKG_PASSWORD=dba migkg push --endpoint http://localhost:8890/sparql-graph-crud-auth --user dba
    migkg push --endpoint http://localhost:7878/store --graph https://w3id.org/migration-kg/graph/all
    migkg query group-members --endpoint http://localhost:8890/sparql""")
    p.add_argument("--endpoint", required=True, metavar="URL", help="the store's Graph Store Protocol endpoint")
    p.add_argument("--query-endpoint", metavar="URL", help="its SPARQL query service (default: found from --endpoint)")
    p.add_argument("--graph", metavar="IRI", help="put every triple into this one named graph")
    p.add_argument("--user", help="user name, if the endpoint asks for one")
    p.add_argument("--password", help="password (default: $MIGKG_PASSWORD, or asked for on a terminal)")
    p.add_argument("--build-dir", type=Path, default=DEFAULT_OUT, metavar="DIR", help="folder with migration-kg.nq (default: build)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS", help="time limit of each request (default: 300)")
    p.add_argument("--chunk-triples", type=int, default=50_000, metavar="N", help="triples per request (default: 50000)")
    p.add_argument("--strict", action="store_true", help="exit 1 if the store holds fewer triples than were sent")
    p.set_defaults(func=cmd_push)

    p = sub.add_parser("release", help="write a versioned release bundle and archive", formatter_class=fmt,
                       usage="migkg release [--build-dir DIR] [--out DIR] [--archive tar.gz|zip] [--changelog FILE]",
                       description=f"""\
DESCRIPTION
    Writes a release of the build in DIR into OUT:

      OUT/migration-kg-{__version__}/
        migration-kg-{__version__}.ttl .owl .jsonld .nq .nt .trig, migration-kg-{__version__}-inferred.owl
        context.jsonld       the JSON-LD context (the JSON-LD refers to it by this name)
        docs/index.html      the ontology documentation
        build-summary.json, validation-report.txt, CHANGELOG.md
        void.ttl             VoID/DCAT: the dataset, its named graphs, and every file as a
                             dcat:Distribution (relative downloadURL, mediaType, byteSize,
                             spdx:checksum)
        SHA256SUMS           checksums of every file (sha256sum -c SHA256SUMS)
      OUT/migration-kg-{__version__}.tar.gz (or .zip) and its .sha256

    The version is the package's ({__version__}); the release date is the build's own (from
    build-summary.json, else the ontology's dcterms:modified/created), never today's, and the
    archive has sorted entries with that date: two releases of one build are byte-identical.
    The bundle is written aside and moved into place when complete. The CHANGELOG gets a
    section for the version (created if absent) summarising what the graph holds.

EXIT STATUS
    0 released; 2 no complete build in DIR, or OUT cannot be written.

EXAMPLES
    migkg release
    migkg release --build-dir /srv/kg/build --out /srv/kg/dist --archive zip""")
    p.add_argument("--build-dir", type=Path, default=DEFAULT_OUT, metavar="DIR", help="the build to release (default: build)")
    p.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR", help="output folder (default: dist)")
    p.add_argument("--archive", choices=("tar.gz", "zip"), default="tar.gz", help="archive format (default: tar.gz)")
    p.add_argument("--changelog", type=Path, metavar="FILE", help="the CHANGELOG to update (default: ./CHANGELOG.md)")
    p.set_defaults(func=cmd_release)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValidationFailed as err:
        if args.debug:
            raise
        error(str(err))
        return EXIT_INVALID
    except KGError as err:
        if args.debug:
            raise
        error(str(err))
        return EXIT_INPUT
    except KeyboardInterrupt:
        error("interrupted; the previous build is unchanged")
        return 130


if __name__ == "__main__":
    sys.exit(main())
