"""The build as a user sees it: files in build/, byte-identical across runs (even with
different hash seeds), published atomically so a failed or killed build never replaces a
good one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kg.build import BUILD_EXPORTS, Sources, build
from kg.errors import InputError
from kg.progress import Progress

from .conftest import MINI, ROOT

MIGKG = [sys.executable, "-m", "kg.cli"]


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_full_build_writes_every_output(full_build):
    out = full_build.out_dir
    for name in (*BUILD_EXPORTS.values(), "context.jsonld", "validation-report.txt", "migration-kg-inferred.owl",
                 "docs/index.html", "build-summary.json"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert full_build.validation.conforms
    assert full_build.consistent is True
    report = (out / "validation-report.txt").read_text()
    assert report.startswith("SHACL validation: CONFORMS")
    summary = json.loads((out / "build-summary.json").read_text())
    assert summary["facts"] == len(full_build.kg.facts) > 0


def test_exports_parse_to_the_same_triples(full_build):
    out = full_build.out_dir
    expected = len(full_build.kg.union)
    for name, fmt in (("migration-kg.ttl", "turtle"), ("migration-kg.owl", "xml"), ("migration-kg.nt", "nt")):
        assert len(Graph().parse(out / name, format=fmt)) == expected, name
    jsonld = Graph().parse(out / "migration-kg.jsonld", format="json-ld")
    assert len(jsonld) == expected
    ds = Dataset()
    ds.parse(out / "migration-kg.nq", format="nquads")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert "https://w3id.org/migration-kg/graph/ontology" in names
    assert {f"https://w3id.org/migration-kg/graph/doc/{d.doc_id}" for d in full_build.kg.documents} <= names


def test_jsonld_uses_the_local_context(full_build):
    doc = json.loads((full_build.out_dir / "migration-kg.jsonld").read_text())
    assert doc["@context"] == "context.jsonld"
    context = json.loads((full_build.out_dir / "context.jsonld").read_text())
    assert context["@context"]["mkg"] == "https://w3id.org/migration-kg/ontology#"


def test_two_builds_are_byte_identical(tmp_path):
    """Separate processes with different hash seeds: set and dict orders differ, files must not.
    Every file of the build is compared (HermiT's inferred ontology included) but the pyLODE
    page, which is documented as not byte-identical."""
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"build-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([*MIGKG, "build", "-q", "--no-docs", "--out", str(out)],
                       cwd=ROOT, env=env, check=True)
        outs.append(_hashes(out))
    assert outs[0] == outs[1]
    assert {*BUILD_EXPORTS.values(), "context.jsonld", "migration-kg-inferred.owl", "validation-report.txt",
            "build-summary.json"} == set(outs[0])


def test_failed_build_leaves_previous_build(tmp_path):
    out = tmp_path / "build"
    sources = Sources(corpus_dir=MINI / "corpus", registry_dir=MINI / "registry")
    build(sources, out, Progress(quiet=True), reason=False, docs=False)
    before = _hashes(out)
    broken = tmp_path / "registry"
    shutil.copytree(MINI / "registry", broken)
    (broken / "mini.toml").write_text((broken / "mini.toml").read_text() + "\n[[entity]]\nid = 'x'\n")
    with pytest.raises(InputError):
        build(Sources(corpus_dir=MINI / "corpus", registry_dir=broken), out, Progress(quiet=True), reason=False, docs=False)
    assert _hashes(out) == before
    assert out.is_symlink()


def test_kill_9_during_build_leaves_previous_build(tmp_path):
    out = tmp_path / "build"
    args = [*MIGKG, "build", "-q", "--no-docs", "--corpus", str(MINI / "corpus"), "--registry", str(MINI / "registry"),
            "--out", str(out)]
    subprocess.run([*args, "--no-reason"], cwd=ROOT, check=True)
    before = _hashes(out)
    proc = subprocess.Popen(args, cwd=ROOT)  # with HermiT: several seconds of writing and reasoning
    versions = tmp_path / ".build-versions"
    deadline = time.time() + 60
    while time.time() < deadline and len(list(versions.iterdir())) < 2:
        time.sleep(0.02)
    assert len(list(versions.iterdir())) == 2, "the second build never started writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _hashes(out) == before
    subprocess.run([*args, "--no-reason"], cwd=ROOT, check=True)
    assert len(list(versions.iterdir())) == 1, "stale staging folders are cleaned up by the next build"
