"""Reading the corpus: each document is a file plus a TOML metadata sidecar `<id>.meta.toml`.

Formats (by suffix, any case): `.txt` and `.md` (the file itself, UTF-8), `.html`/`.htm`
(the visible text, see `html_text`), `.pdf` (the text pypdf extracts, pages joined by
PAGE_BREAK). Whatever the format, `Document.text` is the document's *text layer*: the
string every offset of the graph (passages, evidence, mentions) counts into, in Unicode
code points. For .txt and .md it is the file; for HTML and PDF it is derived from the file
deterministically, so the same bytes always give the same text layer and the same offsets.
`Document.sha256` is always that of the file's bytes. Metadata always comes from the
sidecar, never from the file (an HTML <title> or PDF info is ignored).

A bad document never produces a half-built graph: every problem raises InputError with a
one-line message that names the file (and the line or field where there is one).
`read_corpus_lenient` is the exception: it skips bad documents and returns their messages
(for `--keep-going`). A Markdown file named in capitals without a sidecar (SOURCES.md,
README.md) documents the folder and is not a document."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import tomllib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .dates import parse_partial_date
from .errors import InputError
from .namespaces import DOC_ID_RE, SLUG_RE

FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
DOCUMENT_SUFFIXES = tuple(FORMATS)
TEXT_SUFFIXES = DOCUMENT_SUFFIXES  # the old name, from when only .txt was read
SIDECAR_SUFFIX = ".meta.toml"
PAGE_BREAK = "\n\f\n"  # between the pages of a PDF's text layer
FOLDER_NOTE_RE = re.compile(r"[A-Z][A-Z0-9_-]*\.md")  # SOURCES.md, README.md: folder documentation
DOCUMENT_TYPES = ("WebPage", "Report", "Paper", "WorkingPaper", "JournalIssue", "Article", "Book", "Publication")
REQUIRED_FIELDS = ("id", "title", "type", "date", "language")
CORPUS_DIR = Path(__file__).resolve().parent / "corpus"  # the shipped corpus
# Size limits, so that a huge file fails at once with a clear message instead of exhausting
# memory: normalisation keeps two offsets per character, and a 50 MB text needs more than
# 4 GB in that stage alone. A text layer of 5,000,000 characters (about 2,000 pages; the
# whole shipped corpus has 0.76 M) builds with the mini registry in about 85 s and 1.8 GB
# (measured, tests/test_hardening.py). The file is checked before it is read: a UTF-8 file
# of more than 4 bytes per allowed character cannot fit, and PDFs carry fonts and images.
MAX_TEXT_CHARS = 5_000_000
MAX_FILE_BYTES = {"txt": 4 * MAX_TEXT_CHARS, "md": 4 * MAX_TEXT_CHARS, "html": 4 * MAX_TEXT_CHARS, "pdf": 200_000_000}


@dataclass(frozen=True)
class Document:
    """A corpus document: its text (offsets in Unicode code points) and metadata."""

    doc_id: str
    path: Path
    text: str
    sha256: str
    title: str
    doc_type: str
    date: str
    language: str
    description: str = ""
    publisher: str = ""
    publisher_id: str = ""
    creators: tuple[str, ...] = field(default_factory=tuple)
    coverage: str = ""
    source_format: str = "txt"  # "txt", "md", "html" or "pdf": how `text` was obtained from the file


def read_toml(path: Path) -> dict:
    """Parse a TOML file; syntax errors name the file, line and column."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{path}: {err}") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None


def decode_text(path: Path, data: bytes) -> str:
    """Strict UTF-8 with a message that points at the offending line."""
    if not data.strip():
        raise InputError(f"{path}: document is empty")
    if b"\x00" in data:
        raise InputError(f"{path}: document looks binary (contains NUL bytes); expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})") from None
    return text.removeprefix("\ufeff")


def _string_field(path: Path, meta: dict, name: str, required: bool) -> str:
    value = meta.get(name, "")
    if required and name not in meta:
        raise InputError(f"{path}: missing required field '{name}'")
    if not isinstance(value, str):
        raise InputError(f"{path}: field '{name}' must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise InputError(f"{path}: field '{name}' is empty")
    return value.strip()


class _VisibleText(HTMLParser):
    """Collects the text a browser would show: block elements end lines, table cells are
    tab-separated, script/style/title and the like are skipped, whitespace outside <pre>
    collapses as in rendering. Entities are decoded by the parser (convert_charrefs)."""

    HIDDEN = frozenset({"script", "style", "title", "noscript", "template", "head"})
    PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "blockquote",
                            "pre", "figure", "section", "article", "header", "footer", "nav", "aside", "main"})
    LINES = frozenset({"address", "br", "caption", "dd", "div", "dt", "figcaption", "form", "hr", "li", "tr",
                       "fieldset", "legend", "details", "summary", "option"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str | int] = []  # text, or the number of line breaks a block boundary wants
        self.hidden = 0
        self.pre = 0

    def _break(self, tag: str) -> None:
        if tag in self.PARAGRAPHS:
            self.chunks.append(2)  # a blank line
        elif tag in self.LINES:
            self.chunks.append(1)  # a line break

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "body":
            self.hidden = 0  # an unclosed <head> must not hide the page
        elif tag in self.HIDDEN:
            self.hidden += 1
        elif tag in ("td", "th"):
            self.chunks.append("\t")
        elif tag == "pre":
            self.pre += 1
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        self._break(tag)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(data if self.pre else re.sub(r"[ \t\n\r\f]+", " ", data))

    def text(self) -> str:
        """Adjacent block boundaries give one break (a blank line if any wants one);
        whitespace-only text at a boundary is invisible; lines are stripped."""
        parts: list[str] = []
        pending = 0
        for chunk in self.chunks:
            if isinstance(chunk, int):
                pending = max(pending, chunk)
                continue
            if pending or not parts:
                if not chunk.strip(" \t\n\r\f"):
                    continue
                if parts:
                    parts.append("\n" * pending)
                pending = 0
            parts.append(chunk)
        return "\n".join(line.strip(" \t") for line in "".join(parts).split("\n"))


def html_text(path: Path, data: bytes) -> str:
    """The visible text of an HTML page (UTF-8): the text layer of .html/.htm documents."""
    parser = _VisibleText()
    parser.feed(decode_text(path, data))
    parser.close()
    text = parser.text()
    if not text.strip():
        raise InputError(f"{path}: HTML page has no visible text")
    return text


def _one_line(err: BaseException) -> str:
    message = " ".join(str(err).split())
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


def pdf_text(path: Path, data: bytes) -> str:
    """The text layer of a PDF as pypdf extracts it, pages joined by PAGE_BREAK.

    pypdf is imported here, not at module level, so that corpora without PDFs do not pay for
    it. Any exception pypdf raises on a broken file becomes a one-line InputError: at this
    boundary, a malformed PDF can fail in many ways that all mean "cannot read this file"."""
    if not data.strip():
        raise InputError(f"{path}: document is empty")
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{path}: not a PDF file (no %PDF- header)")
    from pypdf import PasswordType, PdfReader

    pages: list[str] = []
    with warnings.catch_warnings(), _quiet_logger("pypdf"):
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise InputError(f"{path}: PDF is encrypted and needs a password; decrypt it first")
            count = len(reader.pages)
        except InputError:
            raise
        except Exception as err:  # noqa: BLE001 - see docstring
            raise InputError(f"{path}: cannot read PDF: {_one_line(err)}") from None
        for number in range(count):
            try:
                pages.append(reader.pages[number].extract_text() or "")
            except Exception as err:  # noqa: BLE001 - see docstring
                raise InputError(f"{path}: page {number + 1}: cannot extract text: {_one_line(err)}") from None
    if not any(page.strip() for page in pages):
        raise InputError(f"{path}: PDF has no text layer (scanned pages?); extract or OCR the text first")
    return PAGE_BREAK.join(page.replace("\x00", "") for page in pages)


@contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    """pypdf logs a warning for every oddity of a PDF; they are not the user's business."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def source_format(path: Path) -> str:
    """'txt', 'md', 'html' or 'pdf' from the file's suffix, or InputError."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unsupported document format {path.suffix!r} (expected {', '.join(FORMATS)})")
    return fmt


def text_layer(path: Path, data: bytes, fmt: str) -> str:
    """The text every offset of the graph refers to (see the module docstring)."""
    if fmt == "pdf":
        return pdf_text(path, data)
    if fmt == "html":
        return html_text(path, data)
    return decode_text(path, data)


def sidecar_path(doc_path: Path) -> Path:
    return doc_path.with_name(doc_path.stem + SIDECAR_SUFFIX)


def read_document(text_path: Path) -> Document:
    fmt = source_format(text_path)
    sidecar = sidecar_path(text_path)
    if not sidecar.exists():
        raise InputError(f"{text_path}: metadata sidecar {sidecar.name} is missing")
    meta = read_toml(sidecar)
    values = {name: _string_field(sidecar, meta, name, name in REQUIRED_FIELDS)
              for name in ("id", "title", "type", "date", "language", "description", "publisher", "publisher_id", "coverage")}
    if values["id"] != text_path.stem:
        raise InputError(f"{sidecar}: field 'id' is {values['id']!r} but the document file is {text_path.name}")
    if not DOC_ID_RE.match(values["id"]):
        raise InputError(f"{sidecar}: field 'id' {values['id']!r} may only use letters, digits, '_', '.', '-'")
    if values["type"] not in DOCUMENT_TYPES:
        raise InputError(f"{sidecar}: field 'type' must be one of {', '.join(DOCUMENT_TYPES)}, got {values['type']!r}")
    try:
        parse_partial_date(values["date"])
    except ValueError as err:
        raise InputError(f"{sidecar}: field 'date': {err}") from None
    if values["publisher_id"] and not SLUG_RE.match(values["publisher_id"]):
        raise InputError(f"{sidecar}: field 'publisher_id' {values['publisher_id']!r} is not a registry id")
    creators = meta.get("creators", [])
    if not isinstance(creators, list) or not all(isinstance(c, str) and c.strip() for c in creators):
        raise InputError(f"{sidecar}: field 'creators' must be a list of names")
    try:
        size = text_path.stat().st_size
        if size > MAX_FILE_BYTES[fmt]:
            raise InputError(f"{text_path}: document too large: {size:,} bytes (limits: {MAX_FILE_BYTES[fmt]:,} bytes "
                             f"for a {text_path.suffix} file, {MAX_TEXT_CHARS:,} characters of text); split it into smaller documents")
        data = text_path.read_bytes()
    except OSError as err:
        raise InputError(f"{text_path}: cannot read: {err.strerror}") from None
    text = text_layer(text_path, data, fmt)
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{text_path}: document too large: its text has {len(text):,} characters (limit: "
                         f"{MAX_TEXT_CHARS:,}, about 2,000 pages); split it into smaller documents")
    return Document(
        doc_id=values["id"], path=text_path, text=text,
        sha256=hashlib.sha256(data).hexdigest(), title=values["title"], doc_type=values["type"],
        date=values["date"], language=values["language"], description=values["description"],
        publisher=values["publisher"], publisher_id=values["publisher_id"],
        creators=tuple(c.strip() for c in creators), coverage=values["coverage"], source_format=fmt,
    )


def _is_folder_note(path: Path) -> bool:
    return bool(FOLDER_NOTE_RE.fullmatch(path.name)) and not sidecar_path(path).exists()


def _scan(corpus_dir: Path) -> list[tuple[str, Path | None, str | None]]:
    """(id, document file or None, problem or None) for every id of a corpus folder, sorted
    by id: a lone document, a sidecar without a document, or two documents for one id."""
    if not corpus_dir.is_dir():
        raise InputError(f"{corpus_dir}: corpus folder not found")
    docs: dict[str, list[Path]] = {}
    sidecars: dict[str, Path] = {}
    for path in sorted(corpus_dir.iterdir()):
        if not path.is_file():
            continue
        if path.name.endswith(SIDECAR_SUFFIX):
            sidecars[path.name[: -len(SIDECAR_SUFFIX)]] = path
        elif path.suffix.lower() in FORMATS and not _is_folder_note(path):
            docs.setdefault(path.stem, []).append(path)
    found: list[tuple[str, Path | None, str | None]] = []
    for doc_id in sorted(docs.keys() | sidecars.keys()):
        paths = docs.get(doc_id, [])
        if not paths:
            expected = " or ".join(doc_id + suffix for suffix in FORMATS)
            found.append((doc_id, None, f"{sidecars[doc_id]}: sidecar without a document (no {expected})"))
        elif len(paths) > 1:
            found.append((doc_id, None, f"{paths[1]}: document id {doc_id!r} is also used by {paths[0].name}; "
                                        "keep one file per id"))
        else:
            found.append((doc_id, paths[0], None))
    return found


def document_paths(corpus_dir: Path) -> list[Path]:
    """Document files of a corpus folder, in a fixed order (by id); ignores folder notes."""
    return [path for _, path, _ in _scan(corpus_dir) if path is not None]


def _no_documents(corpus_dir: Path) -> InputError:
    return InputError(f"{corpus_dir}: no documents (*{', *'.join(FORMATS)} with a .meta.toml sidecar)")


def read_corpus(corpus_dir: Path) -> list[Document]:
    """Every document of the corpus; the first bad one raises InputError."""
    docs = []
    for _, path, problem in _scan(corpus_dir):
        if problem:
            raise InputError(problem)
        docs.append(read_document(path))
    if not docs:
        raise _no_documents(corpus_dir)
    return docs


def read_corpus_lenient(corpus_dir: Path) -> tuple[list[Document], list[str]]:
    """Every document that can be read, and one one-line message per one that cannot
    (for --keep-going). A missing folder, or one with no document files at all, still
    raises: there is nothing to keep going with."""
    docs, problems = [], []
    scanned = _scan(corpus_dir)
    for _, path, problem in scanned:
        if problem is None:
            try:
                docs.append(read_document(path))
                continue
            except InputError as err:
                problem = str(err)
        problems.append(problem)
    if not scanned:
        raise _no_documents(corpus_dir)
    return docs, problems
