"""The command line as a user meets it: help that reads like a man page, exit codes, one-line
errors, readable validation reports and stats that cover every class of the ontology."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from kg.cli import main

from .conftest import MINI, ROOT

MINI_ARGS = ["--corpus", str(MINI / "corpus"), "--registry", str(MINI / "registry")]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, capture_output=True, text=True)


def test_help_reads_like_a_man_page():
    result = run("--help")
    assert result.returncode == 0
    for section in ("NAME", "DESCRIPTION", "COMMANDS", "EXIT STATUS", "EXAMPLES"):
        assert f"\n{section}\n" in result.stdout
    for command in ("build", "validate", "export", "stats"):
        sub = run(command, "--help")
        assert sub.returncode == 0 and "DESCRIPTION" in sub.stdout, command


def test_validate_conforming_graph_exits_0(capsys):
    assert main(["validate", "-q", *MINI_ARGS]) == 0
    assert capsys.readouterr().out.startswith("SHACL validation: CONFORMS")


def test_validate_file_with_violations_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("""@prefix mkg: <https://w3id.org/migration-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/migration-kg/id/organization/x> a mkg:Commission ;
    skos:prefLabel "X"@en ; mkg:curationStatus mkg:curated ;
    mkg:establishedOn "last year" .
""")
    assert main(["validate", "-q", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("SHACL validation: DOES NOT CONFORM")
    assert "Violation: <https://w3id.org/migration-kg/id/organization/x> “X” [mkg:establishedOn]: mkg:establishedOn must be an xsd:date" in out


def test_validate_a_whole_export(full_build, capsys):
    """The built Turtle export, read back from disk, conforms on its own (its 2,000 blank nodes
    are not relabelled: that made this take over ten minutes)."""
    assert main(["validate", "-q", str(full_build.out_dir / "migration-kg.ttl")]) == 0
    assert capsys.readouterr().out.startswith("SHACL validation: CONFORMS")


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    registry = tmp_path / "registry"
    shutil.copytree(MINI / "registry", registry)
    (registry / "mini.toml").write_text((registry / "mini.toml").read_text().replace('type = "Commission"', 'type = "Comission"'))
    result = run("build", "--corpus", str(MINI / "corpus"), "--registry", str(registry), "--out", str(tmp_path / "b"))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("migkg:")]
    assert lines == [f"migkg: error: {registry / 'mini.toml'}: entity 'gcim': field 'type': 'Comission' is not a class of the ontology"]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "owl", "jsonld"])
def test_export_matches_build_file(fmt, tmp_path):
    out = tmp_path / f"kg.{fmt}"
    assert main(["export", "-q", *MINI_ARGS, "--format", fmt, "--output", str(out)]) == 0
    assert main(["build", "-q", *MINI_ARGS, "--no-reason", "--no-docs", "--out", str(tmp_path / "build")]) == 0
    assert out.read_bytes() == (tmp_path / "build" / f"migration-kg.{fmt}").read_bytes()
    if fmt == "jsonld":
        assert (tmp_path / "context.jsonld").is_file()


def test_stats_counts_every_kind(capsys):
    assert main(["stats", *MINI_ARGS, "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    classes = stats["classes"]
    for cls in ("mkg:Organization", "mkg:Person", "mkg:Post", "mkg:Membership", "mkg:Instrument", "mkg:Convention",
                "mkg:Protocol", "mkg:TreatyParticipation", "mkg:CooperationProcess", "mkg:Event", "mkg:Publication",
                "mkg:Project", "mkg:Place", "mkg:Country", "mkg:City", "mkg:WorldRegion", "mkg:StatisticalObservation",
                "mkg:SourceDocument", "mkg:Evidence", "mkg:Passage", "skos:Concept"):
        assert classes[cls]["instances"] >= 1, cls
    # 5 curated organizations (none typed directly as mkg:Organization) and 4 discovered in
    # the excerpt's text (OHCHR, UNODC, European Council: head noun "Office"/"Council" →
    # Organization; "the Secretariat of the Commission": the GCIM's secretariat)
    assert classes["mkg:Organization"]["instances"] == 9
    assert classes["mkg:Organization"]["direct"] == 4
    assert classes["mkg:Mention"]["instances"] > 40
    # GCIM (2003-12) and the Geneva Migration Group (2003-04), curated and extracted; the
    # Budapest Process (1991, its first meeting), the Manila Process (1996, "developed from a
    # regional seminar ... in 1996") and the Berne Initiative (2001-06, "launched ... in June 2001")
    assert stats["properties"]["mkg:establishedOn"] == 5
