"""Running SPARQL queries — the library in queries/ or any query — on the built graph or on a
remote SPARQL 1.1 endpoint, with parameters bound safely and results as text, CSV, TSV or JSON.

A library query is a `.rq` file whose leading comment block documents it:

    # Question: who are the members of the Geneva Migration Group?
    # Parameters:
    #   ?group (IRI, default id:organization/geneva-migration-group) — the group to list.
    #   ?text (string, optional) — …
    # A row: …

A parameter is `?name (KIND[, optional | , default VALUE])`, KIND one of IRI, string, integer,
decimal. Values are never pasted into the query text as typed: each is parsed into an RDF term
by pyoxigraph's term constructors (an IRI that is not an IRI is refused, a string is always a
literal), and the terms are bound by a VALUES block at the start of the query's WHERE group —
the same pre-binding semantics as rdflib's initBindings, and valid on any SPARQL 1.1 endpoint.
An unbound optional parameter stays a free variable, so a query must work with it unbound.
"""

from __future__ import annotations

import ast
import difflib
import html
import json
import re
import socket
import sys
import urllib.error
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Union

import pyoxigraph as ox

from . import __version__
from .errors import InputError, KGError
from .namespaces import BASE, PREFIXES

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
GRAPH_FILE = "migration-kg.nq"
USER_AGENT = f"migration-kg/{__version__} (+{BASE})"
DEFAULT_TIMEOUT = 60.0
FORMATS = ("table", "csv", "tsv", "json")
TABLE_CELL_LIMIT = 100  # characters shown per table cell; csv/tsv/json give full values

XSD = "http://www.w3.org/2001/XMLSchema#"
KINDS = ("IRI", "string", "integer", "decimal")

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
Result = Union[ox.QuerySolutions, ox.QueryBoolean, list[ox.Triple]]


class EndpointError(KGError):
    """The remote SPARQL endpoint could not be reached, timed out or refused the request."""


@dataclass(frozen=True)
class Parameter:
    """A parameter a query declares in its header."""
    name: str
    kind: str
    default: str | None
    optional: bool
    description: str


@dataclass(frozen=True)
class Query:
    """A query's text with what its header says about it."""
    source: str          # library name, file path or "<stdin>", for messages
    text: str
    question: str
    parameters: tuple[Parameter, ...]

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


# --- loading -------------------------------------------------------------------------------

def library_queries(directory: Path = QUERIES_DIR) -> list[Path]:
    """The library's query files, sorted by name."""
    return sorted(directory.glob("*.rq"))


def load_query(ref: str, stdin: IO[str] | None = None, directory: Path = QUERIES_DIR) -> Query:
    """A query by library name ("group-members"), file path, or "-" for standard input, so that
    the library, ad-hoc files and pipes all go through the same parameter handling."""
    if ref == "-":
        text = (stdin or sys.stdin).read()
        return parse_query_text(text, "<stdin>")
    path = Path(ref)
    if path.is_file():
        return parse_query_text(_read(path), str(path))
    name = ref[:-3] if ref.endswith(".rq") else ref
    library_file = directory / f"{name}.rq"
    if "/" not in ref and library_file.is_file():
        return parse_query_text(_read(library_file), name)
    if "/" in ref or ref.endswith(".rq"):
        raise InputError(f"{ref}: no such query file")
    names = [p.stem for p in library_queries(directory)]
    close = difflib.get_close_matches(name, names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"{ref}: no such query in the library ({directory}){hint} (list them with `migkg query --list`)")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read the query: {err}") from err


_SECTION = re.compile(r"^# ?([A-Z][A-Za-z ]*):\s?(.*)$")  # "# Question: …"; indented lines continue
_PARAM = re.compile(r"^\?([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*(?:[—–-]+\s*)?(.*)$")


def parse_query_text(text: str, source: str) -> Query:
    """Reads the header (the leading # lines): the question and the declared parameters."""
    sections: dict[str, list[tuple[int, str]]] = {}
    current: list[tuple[int, str]] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = _SECTION.match(line)
        if match:
            current = sections.setdefault(match.group(1).strip().lower(), [])
            if match.group(2).strip():
                current.append((number, match.group(2).strip()))
        elif current is not None:
            current.append((number, line.lstrip("#").strip()))
    question = " ".join(part for _, part in sections.get("question", []))
    return Query(source, text, question, _parse_parameters(sections.get("parameters", []), source))


def _parse_parameters(lines: list[tuple[int, str]], source: str) -> tuple[Parameter, ...]:
    params: list[Parameter] = []
    for number, line in lines:
        match = _PARAM.match(line)
        if not match:
            if params and line:  # a continuation of the previous parameter's description
                last = params[-1]
                params[-1] = Parameter(last.name, last.kind, last.default, last.optional,
                                       f"{last.description} {line}".strip())
            continue
        name, spec, description = match.groups()
        parts = [p.strip() for p in spec.split(",")]
        kind, options = parts[0], parts[1:]
        if kind not in KINDS:
            raise InputError(f"{source}:{number}: parameter ?{name}: unknown kind {kind!r} (use one of {', '.join(KINDS)})")
        default, optional = None, False
        for option in options:
            if option == "optional":
                optional = True
            elif option.startswith("default "):
                default = option[len("default "):].strip()
                if len(default) >= 2 and default[0] == default[-1] == '"':
                    default = default[1:-1]
                to_term(kind, default, name)  # a bad default is a library bug: report it here
            else:
                raise InputError(f"{source}:{number}: parameter ?{name}: unknown option {option!r} "
                                 "(use 'optional' or 'default VALUE')")
        if any(p.name == name for p in params):
            raise InputError(f"{source}:{number}: parameter ?{name} is declared twice")
        params.append(Parameter(name, kind, default, optional, description.strip()))
    return tuple(params)


# --- parameters ----------------------------------------------------------------------------

def parse_param_args(args: Iterable[str]) -> dict[str, str]:
    """`--param name=value` options into a dict (a leading ? on the name is allowed)."""
    values: dict[str, str] = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"--param {arg!r}: expected NAME=VALUE, e.g. --param group=id:organization/geneva-migration-group")
        if name in values:
            raise InputError(f"--param {name}: given twice")
        values[name] = value
    return values


def to_term(kind: str, value: str, name: str) -> Term:
    """Parses a parameter value into an RDF term with pyoxigraph's constructors, which refuse
    anything that is not a well-formed IRI; strings always become literals, so no value can
    change the query's structure."""
    if kind == "IRI":
        iri = expand_iri(value.strip())
        try:
            return ox.NamedNode(iri)
        except ValueError as err:
            raise InputError(f"parameter ?{name}: {value!r} is not an IRI ({err}); give an absolute IRI "
                             "(https://…) or a prefixed name such as id:organization/gcim") from err
    if kind == "string":
        return ox.Literal(value)
    if kind == "integer":
        try:
            number = int(value.strip())
        except ValueError as err:
            raise InputError(f"parameter ?{name}: {value!r} is not an integer") from err
        return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "decimal":
        try:
            number = Decimal(value.strip())
        except InvalidOperation as err:
            raise InputError(f"parameter ?{name}: {value!r} is not a decimal number") from err
        if not number.is_finite():
            raise InputError(f"parameter ?{name}: {value!r} is not a finite decimal number")
        return ox.Literal(format(number, "f"), datatype=ox.NamedNode(XSD + "decimal"))
    raise InputError(f"parameter ?{name}: unknown kind {kind!r}")


def expand_iri(value: str) -> str:
    """`<iri>` or a prefixed name of the graph's prefixes (id:…, theme:…, mkg:…) to a full IRI."""
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


def bind_parameters(query: Query, values: Mapping[str, str]) -> dict[str, Term]:
    """The terms to bind: given values and header defaults, checked against the declaration."""
    declared = {p.name for p in query.parameters}
    unknown = sorted(set(values) - declared)
    if unknown:
        known = ", ".join(f"?{n}" for n in sorted(declared)) or "none"
        raise InputError(f"{query.source}: unknown parameter ?{unknown[0]} (the query declares: {known})")
    bindings: dict[str, Term] = {}
    for param in query.parameters:
        if param.name in values:
            bindings[param.name] = to_term(param.kind, values[param.name], param.name)
        elif param.default is not None:
            bindings[param.name] = to_term(param.kind, param.default, param.name)
        elif not param.optional:
            raise InputError(f"{query.source}: needs --param {param.name}=VALUE ({param.kind}): {param.description}")
    return bindings


# --- binding by a VALUES block -------------------------------------------------------------

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][\w\-.:%\u00B7\u00C0-\uFFFF]*)
  | (?P<punct>[{}()])
  | (?P<space>\s+)
  | (?P<other>.)
''', re.VERBOSE | re.DOTALL)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of every token, so that braces inside strings, IRIs and comments
    are never mistaken for the query's structure."""
    return [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)
            if m.lastgroup not in ("space", "comment")]


def _where_group(text: str) -> tuple[int, int, bool] | None:
    """Offsets of the outermost WHERE group's braces, and whether it is a bare sub-SELECT
    (`WHERE { SELECT … }`), which must be wrapped before a VALUES block can precede it."""
    tokens = _tokens(text)
    depth = parens = 0
    form_seen = where_seen = False
    for i, (kind, tok, offset) in enumerate(tokens):
        upper = tok.upper() if kind == "word" else ""
        if depth == 0 and parens == 0 and upper in ("SELECT", "ASK", "DESCRIBE"):
            form_seen = True
        if depth == 0 and upper == "WHERE":
            where_seen = True
        if kind == "punct":
            if tok == "(":
                parens += 1
            elif tok == ")":
                parens -= 1
            elif tok == "{":
                if depth == 0 and parens == 0 and (where_seen or form_seen):
                    close = _matching_brace(tokens, i)
                    if close is None:
                        return None
                    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
                    bare_select = bool(nxt and nxt[0] == "word" and nxt[1].upper() == "SELECT")
                    return offset, close, bare_select
                depth += 1
            elif tok == "}":
                depth -= 1
    return None


def _matching_brace(tokens: list[tuple[str, str, int]], start: int) -> int | None:
    depth = 0
    for kind, tok, offset in tokens[start:]:
        if kind == "punct" and tok == "{":
            depth += 1
        elif kind == "punct" and tok == "}":
            depth -= 1
            if depth == 0:
                return offset
    return None


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside comments, strings and
    IRIs. (SPARQLWrapper's own regex misses every other line of a comment block and so takes a
    header saying "…a document describes." for a DESCRIBE query.)"""
    depth = 0
    for kind, tok, _ in _tokens(text):
        if kind == "punct" and tok in "{}":
            depth += 1 if tok == "{" else -1
        elif kind == "word" and depth == 0 and tok.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return tok.upper()
    return "SELECT"


def values_block(bindings: Mapping[str, Term]) -> str:
    """`VALUES (?a ?b) { (<…> "…") }` from parsed terms; their N-Triples serialisation escapes
    quotes and backslashes, and IRIs cannot contain '>' or spaces, so it is always one block."""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


@dataclass(frozen=True)
class BoundQuery:
    """A query text with its bindings applied, and where text was inserted, so that a parser
    position in it can be mapped back to the user's text."""
    text: str
    insertions: tuple[tuple[int, int], ...] = ()  # (offset in the original text, length)

    def original_offset(self, offset: int) -> int:
        for at, length in self.insertions:
            if offset >= at + length:
                offset -= length
            elif offset > at:
                return at
        return offset


def apply_bindings(text: str, bindings: Mapping[str, Term]) -> BoundQuery | None:
    """Puts a VALUES block at the start of the WHERE group (on the brace's line, so that line
    numbers of parser errors stay right). Without bindings the text is unchanged; None if the
    query has no WHERE group to bind in (or is too broken to find it)."""
    if not bindings:
        return BoundQuery(text)
    group = _where_group(text)
    if group is None:
        return None
    open_brace, close_brace, bare_select = group
    block = " " + values_block(bindings) + (" {" if bare_select else " ")
    after_open = open_brace + 1
    if not bare_select:
        return BoundQuery(text[:after_open] + block + text[after_open:], ((after_open, len(block)),))
    closing = "} "
    new = text[:after_open] + block + text[after_open:close_brace] + closing + text[close_brace:]
    return BoundQuery(new, ((after_open, len(block)), (close_brace, len(closing))))


# --- running -------------------------------------------------------------------------------

def open_store(build_dir: Path) -> ox.Store:
    """An in-memory Oxigraph store bulk-loaded from the build's N-Quads (all named graphs)."""
    path = build_dir / GRAPH_FILE
    if not path.is_file():
        raise InputError(f"{path}: not found; run `migkg build` first, or give --build-dir or --endpoint")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except (SyntaxError, OSError) as err:
        raise InputError(f"{path}: cannot load the graph: {err}") from err
    return store


def run_local(store: ox.Store, query: Query, bindings: Mapping[str, Term]) -> Result:
    """Runs the query with the default graph as the union of all named graphs, as in the
    published graph; a syntax error becomes an InputError naming line and column."""
    bound = apply_bindings(query.text, bindings)
    try:
        if bound is None:  # let the parser point at the syntax error, if that is the cause
            store.query(query.text, use_default_graph_as_union=True)
            raise InputError(_no_group_message(query))
        result = store.query(bound.text, use_default_graph_as_union=True)
    except SyntaxError as err:
        raise InputError(syntax_error_message(query, bound or BoundQuery(query.text), err)) from err
    except (OSError, RuntimeError) as err:
        raise InputError(f"{query.source}: the query failed: {_one_line(str(err))}") from err
    if isinstance(result, ox.QueryTriples):
        return list(result)
    return result


def _no_group_message(query: Query) -> str:
    return f"{query.source}: cannot bind parameters: the query has no WHERE group to put them in"


_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)


def syntax_error_message(query: Query, bound: BoundQuery, err: SyntaxError) -> str:
    """`SOURCE:LINE:COLUMN: invalid SPARQL: MESSAGE (near "…")`, with the position in the
    user's own text even when a VALUES block was inserted. An undeclared prefix, which the
    parser reports only as an unexpected end, is named with its own position."""
    undeclared = _undeclared_prefix(query.text)
    if undeclared is not None:
        offset, prefix = undeclared
        line, column = _line_column(query.text, offset)
        return (f"{query.source}:{line}:{column}: invalid SPARQL: prefix '{prefix}:' is not declared "
                f"(add PREFIX {prefix}: <…>)")
    message = str(err)
    match = _POSITION.match(message)
    if not match:
        return f"{query.source}: invalid SPARQL: {_one_line(message)}"
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    offset = bound.original_offset(_offset_of(bound.text, line, column))
    line, column = _line_column(query.text, offset)
    token_start = offset
    while token_start > 0 and (query.text[token_start - 1].isalnum() or query.text[token_start - 1] in "_:"):
        token_start -= 1
    near = query.text[token_start:offset + 30].split("\n")[0].strip()
    where = f' (near "{near}")' if near else " (at the end of the query)"
    return f"{query.source}:{line}:{column}: invalid SPARQL: {_one_line(detail, 240)}{where}{_second_opinion(query.text, line, column)}"


def _second_opinion(text: str, line: int, column: int) -> str:
    """Oxigraph often reports a syntax error where its parser gave up — the end of the query;
    rdflib's parser stops at the start of the clause it could not read. Both positions help."""
    from rdflib.plugins.sparql.parser import parseQuery
    try:
        parseQuery(text)
    except Exception as err:  # pyparsing's ParseException, or rdflib's own errors
        at = (getattr(err, "lineno", None), getattr(err, "col", None))
        if None in at or at == (line, column):
            return ""
        found = re.search(r"found ('[^']*'|end of text)", str(err))
        return f"; rdflib's parser stops at line {at[0]}, column {at[1]}" + (f", found {found.group(1)}" if found else "")
    return ""


def _undeclared_prefix(text: str) -> tuple[int, str] | None:
    """The first prefixed name (foo:bar) whose prefix no PREFIX declaration introduces."""
    tokens = _tokens(text)
    declared: set[str] = set()
    for i, (kind, tok, offset) in enumerate(tokens):
        if kind != "word":
            continue
        if tok.upper() == "PREFIX" and i + 1 < len(tokens) and tokens[i + 1][1].endswith(":"):
            declared.add(tokens[i + 1][1][:-1])
            continue
        if i > 0 and tokens[i - 1][1].upper() == "PREFIX":
            continue
        prefix, sep, _ = tok.partition(":")
        if sep and prefix != "_" and prefix not in declared:  # _:b is a blank node label
            return offset, prefix
    return None


def _offset_of(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    line = max(1, min(line, len(lines)))
    return sum(len(l) + 1 for l in lines[:line - 1]) + max(column - 1, 0)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check_endpoint_url(endpoint: str) -> str:
    """Only http(s) URLs with a host: anything else is a usage error, not a network one."""
    parsed = urllib.parse.urlparse(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(f"--endpoint {endpoint!r}: not an http(s) URL of a SPARQL endpoint")
    return endpoint


_RESULTS_FORMATS = (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                    ("tab-separated", ox.QueryResultsFormat.TSV))
_GRAPH_FORMATS = (("n-triples", ox.RdfFormat.N_TRIPLES), ("turtle", ox.RdfFormat.TURTLE),
                  ("rdf+xml", ox.RdfFormat.RDF_XML), ("ld+json", ox.RdfFormat.JSON_LD),
                  ("n-quads", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG))


def run_remote(endpoint: str, query: Query, bindings: Mapping[str, Term],
               timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Sends the bound query to a SPARQL 1.1 endpoint (HTTP POST, with this tool's User-Agent
    and a timeout) and parses the answer with pyoxigraph, so that the output is the same as for
    the embedded store. Every failure becomes one line naming the endpoint."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper, TURTLE
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    check_endpoint_url(endpoint)
    bound = apply_bindings(query.text, bindings)
    if bound is None:
        raise InputError(_no_group_message(query))
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setMethod(POST)
    timeout = max(1, round(timeout))  # SPARQLWrapper takes whole seconds
    client.setTimeout(timeout)
    client.setQuery(bound.text)
    client.queryType = query_form(bound.text)  # decides the Accept header; see query_form
    graph_query = client.queryType in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph_query else JSON)
    try:
        response = client.query().response
        content_type = (response.headers.get("Content-Type") or "").lower()
        data = response.read()
    except SPARQLWrapperException as err:
        raise EndpointError(_endpoint_refusal(endpoint, err)) from err
    except urllib.error.HTTPError as err:
        raise EndpointError(f"SPARQL endpoint {endpoint} answered HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise EndpointError(f"SPARQL endpoint {endpoint} did not answer within {timeout:g} s") from err
        raise EndpointError(f"cannot reach SPARQL endpoint {endpoint}: {_one_line(str(reason))}") from err
    except (socket.timeout, TimeoutError) as err:
        raise EndpointError(f"SPARQL endpoint {endpoint} did not answer within {timeout:g} s") from err
    except OSError as err:
        raise EndpointError(f"cannot reach SPARQL endpoint {endpoint}: {_one_line(str(err))}") from err
    return _parse_answer(endpoint, data, content_type, graph_query)


def _endpoint_refusal(endpoint: str, err: Exception) -> str:
    """SPARQLWrapper's exceptions carry the HTTP status in their class and the server's answer
    (as the repr of its bytes) at the end of their message; keep its first meaningful line."""
    statuses = {"QueryBadFormed": "rejected the query as malformed (HTTP 400)",
                "Unauthorized": "refused access (HTTP 401)",
                "EndPointNotFound": "was not found (HTTP 404)",
                "URITooLong": "found the request too long (HTTP 414)",
                "EndPointInternalError": "failed with an internal error (HTTP 500)"}
    what = statuses.get(type(err).__name__, f"refused the request ({type(err).__name__})")
    body = ""
    _, marker, answer = str(err).partition("Response:\n")
    if marker:
        try:
            raw = ast.literal_eval(answer.strip())
            body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        except (ValueError, SyntaxError):
            body = answer
    detail = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return f"SPARQL endpoint {endpoint} {what}" + (f": {_one_line(detail, 240)}" if detail else "")


def _parse_answer(endpoint: str, data: bytes, content_type: str, graph_query: bool) -> Result:
    try:
        if graph_query:
            rdf_format = next((f for key, f in _GRAPH_FORMATS if key in content_type), ox.RdfFormat.TURTLE)
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=rdf_format)]
        results_format = next((f for key, f in _RESULTS_FORMATS if key in content_type), ox.QueryResultsFormat.JSON)
        data = _valid_blank_nodes(data, results_format)
        result = ox.parse_query_results(data, format=results_format)
        if isinstance(result, ox.QuerySolutions):
            # the parser reads rows as they are consumed: check them all now, so that a bad row is
            # this one-line error rather than a traceback in the middle of the output
            for _ in result:
                pass
            result = ox.parse_query_results(data, format=results_format)
        return result
    except (SyntaxError, ValueError) as err:
        raise EndpointError(f"SPARQL endpoint {endpoint} sent an answer that is not valid "
                            f"({content_type or 'no content type'}): {_one_line(str(err), 200)}") from err


_VIRTUOSO_BNODE = "nodeID://"  # Virtuoso writes a blank node of a SELECT answer as nodeID://b123
_XML_BNODE = re.compile(rb"(<(?:[A-Za-z_][\w.-]*:)?bnode>)([^<]*)(</(?:[A-Za-z_][\w.-]*:)?bnode>)")


def _valid_blank_nodes(data: bytes, results_format: ox.QueryResultsFormat) -> bytes:
    """The answer with every blank node label that pyoxigraph would refuse — Virtuoso's
    `nodeID://b123` — replaced by a valid one (`b123`, the label Virtuoso gives the same node in
    Turtle), the same label for the same node throughout the answer and distinct labels for
    distinct nodes. JSON and XML answers; anything else is parsed as it came."""
    if b"bnode" not in data:
        return data
    if results_format == ox.QueryResultsFormat.JSON:
        try:
            document = json.loads(data)
        except ValueError:
            return data  # not JSON: let the parser say so
        terms: list[dict] = []
        _json_blank_nodes(document.get("results") if isinstance(document, dict) else None, terms)
        labels = _blank_node_labels([term["value"] for term in terms])
        if not labels:
            return data
        for term in terms:
            term["value"] = labels.get(term["value"], term["value"])
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if results_format == ox.QueryResultsFormat.XML:
        found = [html.unescape(m.group(2).decode("utf-8", "replace")) for m in _XML_BNODE.finditer(data)]
        labels = _blank_node_labels(found)
        if not labels:
            return data

        def replace(match: re.Match) -> bytes:
            value = html.unescape(match.group(2).decode("utf-8", "replace"))
            return match.group(1) + labels.get(value, value).encode("utf-8") + match.group(3)
        return _XML_BNODE.sub(replace, data)
    return data


def _json_blank_nodes(node: object, found: list[dict]) -> None:
    """The {"type": "bnode", "value": …} terms of a JSON answer, those inside quoted triples too."""
    if isinstance(node, dict):
        if node.get("type") == "bnode" and isinstance(node.get("value"), str):
            found.append(node)
            return
        for value in node.values():
            _json_blank_nodes(value, found)
    elif isinstance(node, list):
        for value in node:
            _json_blank_nodes(value, found)


def _blank_node_labels(values: Iterable[str]) -> dict[str, str]:
    """A valid, distinct label for each of these blank node labels that is not valid."""
    distinct = list(dict.fromkeys(values))
    used = {value for value in distinct if _is_blank_node_label(value)}
    labels: dict[str, str] = {}
    for value in distinct:
        if value in used:
            continue
        local = value[len(_VIRTUOSO_BNODE):] if value.startswith(_VIRTUOSO_BNODE) else value
        base = re.sub(r"[^A-Za-z0-9_]+", "_", local).strip("_") or "b"
        label, number = base, 1
        while label in used:
            label, number = f"{base}_{number}", number + 1
        used.add(label)
        labels[value] = label
    return labels


def _is_blank_node_label(value: str) -> bool:
    try:
        ox.BlankNode(value)
    except ValueError:
        return False
    return True


# --- output --------------------------------------------------------------------------------

def write_result(result: Result, fmt: str, out: IO[bytes]) -> None:
    """SELECT and ASK results as an aligned table, or as SPARQL 1.1 CSV, TSV or JSON (written
    by pyoxigraph's serialisers, so they follow the W3C formats exactly); CONSTRUCT and
    DESCRIBE results as N-Triples whatever the format."""
    if isinstance(result, list):
        out.write(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"")
        return
    if fmt == "table":
        out.write(format_table(result).encode("utf-8"))
        return
    formats = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
               "json": ox.QueryResultsFormat.JSON}
    if fmt not in formats:
        raise InputError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    data = result.serialize(format=formats[fmt])
    out.write(data)
    if data and not data.endswith(b"\n"):  # JSON and boolean answers come without one
        out.write(b"\n")


def format_table(result: ox.QuerySolutions | ox.QueryBoolean) -> str:
    """Columns padded to their widest cell (cells cut at TABLE_CELL_LIMIT characters), IRIs
    shortened with the graph's prefixes, literals shown by their text, and a row count."""
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    names = [v.value for v in result.variables]
    rows = [[short_term(solution[name]) for name in names] for solution in result]
    widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(names)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(names, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


_NAMESPACES = sorted(((ns, prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0]))


def short_term(term: Term | None) -> str:
    """A term as a table cell: prefixed name for known namespaces, the text of a literal on
    one line, _:id for a blank node, empty for unbound."""
    if term is None:
        text = ""
    elif isinstance(term, ox.NamedNode):
        text = next((f"{prefix}:{term.value[len(ns):]}" for ns, prefix in _NAMESPACES
                     if term.value.startswith(ns)), term.value)
    elif isinstance(term, ox.Literal):
        text = " ".join(term.value.split())
    else:
        text = str(term)
    return text if len(text) <= TABLE_CELL_LIMIT else text[:TABLE_CELL_LIMIT - 1] + "…"


def rdflib_bindings(bindings: Mapping[str, Term]) -> dict:
    """The same terms for rdflib's `initBindings`, for callers that run a library query with
    rdflib's own SPARQL engine (which gives them the same pre-binding semantics)."""
    from rdflib import BNode, Literal, URIRef, Variable

    converted = {}
    for name, term in bindings.items():
        if isinstance(term, ox.NamedNode):
            value = URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            value = BNode(term.value)
        elif isinstance(term, ox.Literal):
            datatype = None if term.language else URIRef(term.datatype.value)
            if datatype == URIRef(XSD + "string"):
                datatype = None
            value = Literal(term.value, lang=term.language, datatype=datatype)
        else:
            raise InputError(f"parameter ?{name}: RDF-star terms cannot be bound with rdflib")
        converted[Variable(name)] = value
    return converted
