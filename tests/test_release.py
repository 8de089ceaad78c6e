"""`migkg release`: a versioned, self-describing, reproducible bundle of a build.

Checks that the checksums verify (our reader and coreutils' sha256sum), that the VoID/DCAT
metadata parses and describes every file with its real size and hash, that two releases of
the same build are byte-identical (bundle and archive, dated by the build, not the clock),
that a failed release leaves the previous one, and that a missing build is one line."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from kg import __version__
from kg import release as release_module
from kg.cli import main
from kg.release import CHANGELOG_HEADER, GENERATED_END, GENERATED_START, release, verify

from .conftest import ROOT

pytestmark = pytest.mark.slow

# Plain namespaces: rdflib's closed DCAT namespace predates DCAT 3 (dcat:version).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
STEM = f"migration-kg-{__version__}"
EXPORTS = ["ttl", "owl", "jsonld", "nq", "nt", "trig"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def released(full_build, tmp_path_factory):
    root = tmp_path_factory.mktemp("release")
    return release(full_build.out_dir, root / "dist", root / "CHANGELOG.md")


def ontology_created(full_build) -> date:
    from rdflib.namespace import DCTERMS as DCT
    from kg.namespaces import ONTOLOGY_IRI
    return date.fromisoformat(str(full_build.kg.vocab.ontology.value(ONTOLOGY_IRI, DCT.created)))


def test_bundle_has_versioned_exports_docs_and_metadata(released, full_build):
    bundle = released.bundle
    assert bundle.name == STEM and released.archive.name == f"{STEM}.tar.gz"
    for ext in EXPORTS:
        source = full_build.out_dir / f"migration-kg.{ext}"
        assert (bundle / f"{STEM}.{ext}").read_bytes() == source.read_bytes(), ext
    assert (bundle / f"{STEM}-inferred.owl").read_bytes() == (full_build.out_dir / "migration-kg-inferred.owl").read_bytes()
    assert (bundle / "docs" / "index.html").read_bytes() == (full_build.out_dir / "docs" / "index.html").read_bytes()
    assert (bundle / "context.jsonld").is_file()  # the JSON-LD export names its context file "context.jsonld"
    assert b'"@context": "context.jsonld"' in (bundle / f"{STEM}.jsonld").read_bytes()
    assert sorted(files_of(bundle)) == released.files
    assert {"void.ttl", "SHA256SUMS", "CHANGELOG.md", "build-summary.json", "validation-report.txt"} <= set(released.files)


def test_checksums_verify(released):
    assert verify(released.bundle) == []
    listed = [line.split("  ", 1)[1] for line in (released.bundle / "SHA256SUMS").read_text().splitlines()]
    assert listed == sorted(set(released.files) - {"SHA256SUMS"})
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=released.bundle,
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        archive = subprocess.run(["sha256sum", "--check", f"{released.archive.name}.sha256"], cwd=released.archive.parent,
                                 capture_output=True, text=True)
        assert archive.returncode == 0, archive.stdout + archive.stderr
    assert (released.archive.parent / f"{released.archive.name}.sha256").read_text() == \
        f"{digest(released.archive)}  {released.archive.name}\n"


def test_checksums_catch_a_changed_file(released, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(released.bundle, copy)
    with (copy / f"{STEM}.nt").open("ab") as f:
        f.write(b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    (copy / "docs" / "index.html").unlink()
    assert verify(copy) == ["docs/index.html", f"{STEM}.nt"]


def test_metadata_parses_and_describes_every_file(released, full_build):
    bundle = released.bundle
    graph = Graph().parse(bundle / "void.ttl", format="turtle", publicID=bundle.as_uri() + "/void.ttl")
    dataset = URIRef(f"https://w3id.org/migration-kg/release/{__version__}")
    assert (dataset, RDF.type, DCAT.Dataset) in graph and (dataset, RDF.type, VOID.Dataset) in graph
    assert graph.value(dataset, DCTERMS.issued) == Literal(released.issued.isoformat(), datatype=XSD.date)
    assert str(graph.value(dataset, DCAT.version)) == __version__
    assert graph.value(dataset, VOID.triples).toPython() == len(full_build.kg.union)
    subsets = {graph.value(s, SD.name): graph.value(s, VOID.triples).toPython() for s in graph.objects(dataset, VOID.subset)}
    assert sum(subsets.values()) == sum(1 for line in (full_build.out_dir / "migration-kg.nq").open() if line.strip())
    assert len(subsets) == len(full_build.kg.documents) + 3

    described = {}
    for dist in graph.objects(dataset, DCAT.distribution):
        assert (dist, RDF.type, DCAT.Distribution) in graph
        url = graph.value(dist, DCAT.downloadURL)
        assert url.startswith(bundle.as_uri() + "/"), url  # relative in the file: resolves beside void.ttl
        name = url[len(bundle.as_uri()) + 1:]
        path = bundle / name
        assert graph.value(dist, DCAT.byteSize).toPython() == path.stat().st_size, name
        checksum = graph.value(dist, SPDX.checksum)
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(graph.value(checksum, SPDX.checksumValue)) == digest(path), name
        media = str(graph.value(dist, DCAT.mediaType))
        assert media.startswith("https://www.iana.org/assignments/media-types/"), media
        described[name] = media.rsplit("/", 2)[-2] + "/" + media.rsplit("/", 1)[-1]
    assert set(described) == set(released.files) - {"void.ttl", "SHA256SUMS"}
    assert described[f"{STEM}.ttl"] == "text/turtle" and described[f"{STEM}.nq"] == "application/n-quads"
    assert described[f"{STEM}.owl"] == "application/rdf+xml" and described["docs/index.html"] == "text/html"
    assert "void.ttl" in (bundle / "SHA256SUMS").read_text()


def test_dated_by_the_build_not_the_clock(released, full_build):
    """The release date is the ontology's dcterms:created (build-summary.json has no date);
    the archive's entries and its gzip header carry that date."""
    assert released.issued == ontology_created(full_build)
    epoch = int(datetime(released.issued.year, released.issued.month, released.issued.day, tzinfo=timezone.utc).timestamp())
    with tarfile.open(released.archive) as tar:
        members = tar.getmembers()
    assert {m.mtime for m in members} == {epoch}
    assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
    header = released.archive.read_bytes()[:10]
    assert int.from_bytes(header[4:8], "little") == epoch  # gzip MTIME
    assert [m.name for m in members] == sorted(m.name for m in members)
    assert members[0].name == STEM and members[0].isdir()


def test_archive_holds_exactly_the_bundle(released, tmp_path):
    with tarfile.open(released.archive) as tar:
        tar.extractall(tmp_path, filter="data")
    assert files_of(tmp_path / STEM) == files_of(released.bundle)


def test_two_releases_of_one_build_are_byte_identical(released, full_build, tmp_path):
    changelog = released.changelog  # the section for this version exists now: the same text again
    before = changelog.read_bytes()
    again = release(full_build.out_dir, tmp_path / "dist", changelog)
    assert changelog.read_bytes() == before
    assert files_of(again.bundle) == files_of(released.bundle)
    assert again.archive.read_bytes() == released.archive.read_bytes()
    # and over a previous release in the same folder: replaced, nothing left behind
    third = release(full_build.out_dir, tmp_path / "dist", changelog)
    assert files_of(third.bundle) == files_of(released.bundle)
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [STEM, f"{STEM}.tar.gz", f"{STEM}.tar.gz.sha256"]


def test_zip_archive_is_reproducible_too(full_build, tmp_path):
    first = release(full_build.out_dir, tmp_path / "a", tmp_path / "CHANGELOG.md", archive_format="zip")
    second = release(full_build.out_dir, tmp_path / "b", tmp_path / "CHANGELOG.md", archive_format="zip")
    assert first.archive.name == f"{STEM}.zip" and first.archive.read_bytes() == second.archive.read_bytes()
    with zipfile.ZipFile(first.archive) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(first.issued.year, first.issued.month, first.issued.day, 0, 0, 0)}
        assert archive.read(f"{STEM}/{STEM}.ttl") == (first.bundle / f"{STEM}.ttl").read_bytes()
        assert archive.testzip() is None


def test_changelog_entry_is_created_with_the_build_counts(released, full_build):
    import json
    summary = json.loads((full_build.out_dir / "build-summary.json").read_text())
    text = released.changelog.read_text(encoding="utf-8")
    assert text.startswith(CHANGELOG_HEADER)
    assert f"\n## {__version__} — {released.issued.isoformat()}\n" in text
    section = text[text.index(GENERATED_START):text.index(GENERATED_END)]
    graphs = len(full_build.kg.documents) + 3
    assert f"{len(full_build.kg.union):,} triples in {graphs} named graphs" in section
    for key, words in (("entities", "curated entities"), ("discovered_entities", "more found by the extraction rules"),
                       ("facts", "facts, each with the passage"), ("conflicts", "conflicting claims"),
                       ("mentions", "entity mentions")):
        assert f"{summary[key]:,} {words}" in section, key
    assert "SHACL: conforms; HermiT: consistent." in section and "Documents left out: none." in section
    assert (released.bundle / "CHANGELOG.md").read_text(encoding="utf-8") == text


def test_changelog_keeps_what_people_wrote():
    from kg.release import updated_changelog
    older = f"{CHANGELOG_HEADER}\n## 0.0.9 — 2025-01-01\n\nHand-written notes.\n"
    added = updated_changelog(older, "0.1.0", date(2026, 1, 2), "- generated")
    assert added.index("## 0.1.0 — 2026-01-02") < added.index("## 0.0.9") and "Hand-written notes." in added
    edited = added.replace(GENERATED_START, "Highlights written by a person.\n\n" + GENERATED_START)
    replaced = updated_changelog(edited, "0.1.0", date(2026, 1, 2), "- regenerated")
    assert "Highlights written by a person." in replaced and "- regenerated" in replaced and "- generated\n" not in replaced
    by_hand = f"{CHANGELOG_HEADER}\n## 0.1.0\n\nWritten by hand, no markers.\n"
    assert updated_changelog(by_hand, "0.1.0", date(2026, 1, 2), "- generated") == by_hand


def test_failed_release_leaves_the_previous_one(full_build, tmp_path, monkeypatch):
    dist, changelog = tmp_path / "dist", tmp_path / "CHANGELOG.md"
    first = release(full_build.out_dir, dist, changelog)
    before, archive = files_of(first.bundle), first.archive.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(release_module, "write_tar_gz", broken)
    changelog.write_text(CHANGELOG_HEADER, encoding="utf-8")  # would get a new section if the release succeeded
    with pytest.raises(release_module.KGError, match="No space left on device"):
        release(full_build.out_dir, dist, changelog)
    assert files_of(first.bundle) == before and first.archive.read_bytes() == archive
    assert changelog.read_text(encoding="utf-8") == CHANGELOG_HEADER
    assert sorted(p.name for p in dist.iterdir()) == [STEM, f"{STEM}.tar.gz", f"{STEM}.tar.gz.sha256"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", "release", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def assert_one_line_error(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr == f"migkg: error: {message}\n"


def test_missing_build_is_one_line(tmp_path):
    missing = tmp_path / "no-build"
    result = run_cli("--build-dir", str(missing), "--out", str(tmp_path / "dist"), "--changelog", str(tmp_path / "C.md"))
    assert_one_line_error(result, f"{missing}: no build found; run `migkg build` first (or give --build-dir)")
    assert not (tmp_path / "dist").exists() and not (tmp_path / "C.md").exists()


def test_incomplete_or_other_version_build_is_one_line(full_build, tmp_path):
    partial = tmp_path / "partial"
    partial.mkdir()
    for path in full_build.out_dir.iterdir():
        if path.name != "docs":
            (partial / path.name).symlink_to(path)
    result = run_cli("--build-dir", str(partial), "--out", str(tmp_path / "dist"), "--changelog", str(tmp_path / "C.md"))
    assert_one_line_error(result, f"{partial / 'docs' / 'index.html'}: not found (built with --no-docs?); "
                                  "a release needs a complete `migkg build`")
    (partial / "build-summary.json").unlink()
    (partial / "build-summary.json").write_text('{"version": "0.0.1"}\n')
    result = run_cli("--build-dir", str(partial), "--out", str(tmp_path / "dist"), "--changelog", str(tmp_path / "C.md"))
    assert_one_line_error(result, f"{partial / 'build-summary.json'}: the build is of version '0.0.1', this is "
                                  f"{__version__}; run `migkg build` again")
    assert not (tmp_path / "dist").exists()


def test_cli_release(full_build, tmp_path, capsys):
    code = main(["release", "--build-dir", str(full_build.out_dir), "--out", str(tmp_path / "dist"),
                 "--changelog", str(tmp_path / "CHANGELOG.md"), "--archive", "zip"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(f"released {__version__} (") and f"{tmp_path / 'dist' / STEM}.zip" in out
    assert (tmp_path / "dist" / STEM / "SHA256SUMS").is_file() and (tmp_path / "CHANGELOG.md").is_file()
