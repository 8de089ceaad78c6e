"""The pipeline commands as a curator uses them: eval, conflicts, review, add, and a build
that keeps going past a bad document."""

from __future__ import annotations

import json
import shutil

from kg.cli import main

from .conftest import MINI

MINI_ARGS = ["--corpus", str(MINI / "corpus"), "--registry", str(MINI / "registry")]


def test_eval_prints_precision_and_recall_per_type_and_relation(capsys):
    assert main(["eval"]) == 0
    out = capsys.readouterr().out
    for row in ("| organization |", "| instrument |", "| process |", "| event |", "| **all facts** |"):
        assert row in out
    assert "Entity linking" in out


def test_conflicts_lists_both_claims_with_their_quotes(capsys):
    assert main(["conflicts"]) == 0
    out = capsys.readouterr().out
    assert "resolution 58/208" in out and "2004-02-13" in out and "2003-12-23" in out
    assert "“General Assembly Resolution 58/208 of 13 February 2004" in out
    assert "has been ratified by 26 States" in out


def test_review_lists_discovered_entities_and_weak_facts(capsys):
    assert main(["review", "--threshold", "0.8"]) == 0
    out = capsys.readouterr().out
    assert "# Discovered entities" in out and "general-agreement-on-tariffs-and-trade\tTreaty" in out
    weak = out.split("# Facts with confidence below 0.8")[1]
    assert "rule-" in weak and "“" in weak


def test_add_then_build_includes_the_new_document(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI / "corpus", corpus)
    source = tmp_path / "note.md"
    source.write_text("# Note\n\nThe Andean Migration Observatory (AMO) was established in March 2009.\n",
                      encoding="utf-8")
    assert main(["add", str(source), "--corpus", str(corpus), "--title", "A note", "--publisher", "Nobody",
                 "--date", "2015-03", "--type", "Report"]) == 0
    added = [p for p in corpus.iterdir() if p.suffix == ".md"]
    assert len(added) == 1 and added[0].with_name(added[0].stem + ".meta.toml").exists()
    out = tmp_path / "build"
    assert main(["build", "-q", "--no-reason", "--no-docs", "--out", str(out), "--corpus", str(corpus),
                 "--registry", str(MINI / "registry")]) == 0
    summary = json.loads((out / "build-summary.json").read_text())
    assert summary["documents"] == 2 and summary["discovered_entities"] >= 1
    assert "andean-migration-observatory" in (out / "migration-kg.nt").read_text()
    assert main(["add", str(source), "--corpus", str(corpus), "--title", "Again", "--publisher", "Nobody",
                 "--date", "2015"]) == 2
    assert "already in the corpus" in capsys.readouterr().err


def test_keep_going_skips_a_bad_document_and_says_so(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI / "corpus", corpus)
    (corpus / "zz-bad.txt").write_bytes(b"\x00\x01binary")
    (corpus / "zz-bad.meta.toml").write_text('id = "zz-bad"\ntitle = "Bad"\ntype = "Report"\ndate = "2004"\n'
                                             'language = "en"\n', encoding="utf-8")
    args = ["build", "-q", "--no-reason", "--no-docs", "--corpus", str(corpus), "--registry", str(MINI / "registry")]
    assert main([*args, "--out", str(tmp_path / "strict")]) == 2
    err = capsys.readouterr().err
    assert "zz-bad.txt" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "strict").exists()
    assert main([*args, "--keep-going", "--out", str(tmp_path / "lenient")]) == 0
    summary = json.loads((tmp_path / "lenient" / "build-summary.json").read_text())
    assert summary["documents"] == 1 and any("zz-bad.txt" in line for line in summary["skipped"])
