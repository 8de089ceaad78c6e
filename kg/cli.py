"""The `migkg` command line. Every input problem ends in one line on stderr naming the file,
line or field, and a non-zero exit status; no traceback unless --debug."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
      kg/corpus/*.txt + *.meta.toml   source documents and their metadata sidecars
      kg/registry/*.toml              curated entities and facts with verbatim quotes
      ontology/migration.ttl          the OWL ontology
      ontology/themes.ttl             the SKOS scheme of migration themes
      ontology/shapes.ttl             the SHACL shapes the graph must satisfy

COMMANDS
    build       build the graph, validate it, and publish all exports into build/
    validate    validate the graph (or an RDF file) against the SHACL shapes
    export      write one serialisation of the graph to stdout or a file
    stats       count instances per class and triples per property

EXIT STATUS
    0  success
    1  the graph does not conform to the SHACL shapes (or is inconsistent)
    2  bad input (a document, sidecar, registry, ontology or RDF file) or bad usage

EXAMPLES
    migkg build                      build into ./build (atomically)
    migkg validate                   validate the graph built from the sources
    migkg export --format jsonld -o kg.jsonld
    migkg stats --format json

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
    result = build(_sources(args), args.out, progress, reason=not args.no_reason, docs=not args.no_docs)
    warnings = len(result.validation.findings) - len(result.validation.violations)
    progress.note(f"built {result.out_dir}/: {len(result.kg.union)} triples, {len(result.kg.registry.entities)} entities, "
                  f"{len(result.kg.facts)} facts with evidence, {len(result.kg.documents)} documents; "
                  f"SHACL conforms ({warnings} warning(s)); {progress.total:.1f} s")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    progress = Progress(quiet=args.quiet)
    if args.file:
        with progress.stage(f"parse {args.file}"):
            data = parse_rdf_file(args.file, _rdf_format(args.file))
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
