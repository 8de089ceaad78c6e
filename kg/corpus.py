"""Reading the corpus: each document is a text file plus a TOML metadata sidecar.

A bad document never produces a half-built graph: every problem raises InputError with a
one-line message that names the file (and the line or field where there is one)."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .dates import parse_partial_date
from .errors import InputError
from .namespaces import DOC_ID_RE, SLUG_RE

TEXT_SUFFIXES = (".txt",)
SIDECAR_SUFFIX = ".meta.toml"
DOCUMENT_TYPES = ("WebPage", "Report", "Paper", "WorkingPaper", "JournalIssue", "Article", "Book", "Publication")
REQUIRED_FIELDS = ("id", "title", "type", "date", "language")
CORPUS_DIR = Path(__file__).resolve().parent / "corpus"  # the shipped corpus


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


def read_document(text_path: Path) -> Document:
    sidecar = text_path.with_name(text_path.stem + SIDECAR_SUFFIX)
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
        data = text_path.read_bytes()
    except OSError as err:
        raise InputError(f"{text_path}: cannot read: {err.strerror}") from None
    return Document(
        doc_id=values["id"], path=text_path, text=decode_text(text_path, data),
        sha256=hashlib.sha256(data).hexdigest(), title=values["title"], doc_type=values["type"],
        date=values["date"], language=values["language"], description=values["description"],
        publisher=values["publisher"], publisher_id=values["publisher_id"],
        creators=tuple(c.strip() for c in creators), coverage=values["coverage"],
    )


def document_paths(corpus_dir: Path) -> list[Path]:
    """Document files of a corpus folder, in a fixed (sorted) order."""
    if not corpus_dir.is_dir():
        raise InputError(f"{corpus_dir}: corpus folder not found")
    return sorted(p for p in corpus_dir.iterdir() if p.suffix in TEXT_SUFFIXES and p.is_file())


def read_corpus(corpus_dir: Path) -> list[Document]:
    """Every document of the corpus; the first bad one raises InputError."""
    docs = [read_document(p) for p in document_paths(corpus_dir)]
    if not docs:
        raise InputError(f"{corpus_dir}: no documents (*.txt with a .meta.toml sidecar)")
    return docs
