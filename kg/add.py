"""Adding a document to the corpus: the file under a new id, plus its metadata sidecar.

The id is `<NNN>_<first 16 hex digits of the file's sha256>`, NNN being the next number
after the highest in the folder, as the shipped documents are named. Either both files
arrive, already validated by reading them back exactly as a build will, or neither does:
they are written and checked in a scratch folder inside the corpus folder (same file
system, so the final renames are atomic) and removed on any error."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from .corpus import SIDECAR_SUFFIX, document_paths, read_document, source_format
from .errors import InputError

_NUMBER_RE = re.compile(r"(\d+)_")


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def sidecar_text(doc_id: str, file_name: str, fields: dict[str, str], creators: tuple[str, ...]) -> str:
    """The sidecar, fields in the order of the shipped ones."""
    lines = [f"# Metadata sidecar for {file_name} (added with migkg add)", f"id = {toml_string(doc_id)}"]
    for name in ("title", "description", "type", "publisher", "publisher_id"):
        lines.append(f"{name} = {toml_string(fields[name])}")
    lines.append(f"creators = [{', '.join(toml_string(c) for c in creators)}]")
    for name in ("date", "coverage", "language"):
        lines.append(f"{name} = {toml_string(fields[name])}")
    return "\n".join(lines) + "\n"


def next_number(corpus_dir: Path) -> int:
    """One more than the highest NNN_ prefix of any document or sidecar in the folder."""
    numbers = [int(m.group(1)) for p in corpus_dir.iterdir() if (m := _NUMBER_RE.match(p.name))]
    return max(numbers, default=-1) + 1


def _existing_copy(corpus_dir: Path, digest: str) -> str | None:
    """The id of a corpus document whose bytes have this sha256, if any."""
    for path in document_paths(corpus_dir):
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() == digest:
                return path.stem
        except OSError as err:
            raise InputError(f"{path}: cannot read: {err.strerror}") from None
    return None


def _write(path: Path, data: bytes) -> None:
    with path.open("xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _move(src: Path, dst: Path) -> None:
    """Rename without replacing an existing file (a hard link fails if dst exists)."""
    try:
        os.link(src, dst)
    except FileExistsError:
        raise InputError(f"{dst}: already exists") from None
    except OSError:  # no hard links on this file system
        if dst.exists():
            raise InputError(f"{dst}: already exists") from None
        os.rename(src, dst)
        return
    src.unlink()


def add_document(src: Path, corpus_dir: Path, *, title: str, publisher: str, date: str,
                 doc_type: str = "Publication", language: str = "en", publisher_id: str = "",
                 creators: tuple[str, ...] = (), description: str = "", coverage: str = "") -> Path:
    """Copy `src` into the corpus under a new id with a sidecar; return the new document's path.

    Refuses a file whose bytes are already in the corpus, and any file or metadata that
    read_document would reject (the message names the source file and the field)."""
    fmt_suffix = src.suffix.lower()
    source_format(src)  # unsupported suffix -> InputError naming src
    if not corpus_dir.is_dir():
        raise InputError(f"{corpus_dir}: corpus folder not found")
    try:
        data = src.read_bytes()
    except OSError as err:
        raise InputError(f"{src}: cannot read: {err.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    existing = _existing_copy(corpus_dir, digest)
    if existing:
        raise InputError(f"{src}: already in the corpus as {existing} (same sha256)")
    doc_id = f"{next_number(corpus_dir):03d}_{digest[:16]}"
    final_doc = corpus_dir / f"{doc_id}{fmt_suffix}"
    final_sidecar = corpus_dir / f"{doc_id}{SIDECAR_SUFFIX}"
    fields = {"title": title, "description": description, "type": doc_type, "publisher": publisher,
              "publisher_id": publisher_id, "date": date, "coverage": coverage, "language": language}
    scratch = Path(tempfile.mkdtemp(prefix=".add-", dir=corpus_dir))
    try:
        tmp_doc, tmp_sidecar = scratch / final_doc.name, scratch / final_sidecar.name
        _write(tmp_doc, data)
        try:
            sidecar = sidecar_text(doc_id, final_doc.name, fields, tuple(creators)).encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"{src}: not added: the metadata contains a lone surrogate, not text") from None
        _write(tmp_sidecar, sidecar)
        try:
            read_document(tmp_doc)
        except InputError as err:
            detail = str(err).replace(f"{scratch}{os.sep}", "")
            raise InputError(f"{src}: not added: {detail}") from None
        _move(tmp_sidecar, final_sidecar)
        try:
            _move(tmp_doc, final_doc)
        except BaseException:
            final_sidecar.unlink(missing_ok=True)
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return final_doc

