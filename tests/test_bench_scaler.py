"""The benchmark's corpus scaler (bench/scale_corpus.py): same seed, same bytes; size
proportional to the factor; documents the corpus reader accepts and in which the pipeline
finds mentions, discovered entities and facts. No timings are asserted here: timings belong
to `make bench` (bench/RESULTS.md)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from kg.corpus import read_corpus
from kg.pipeline import extract
from kg.registry import load_registry
from kg.vocabulary import Vocabulary

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import scale_corpus  # noqa: E402

SMALL = 0.1         # about 76 KB of text: a few synthetic documents, extracted in about a second


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def text_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.txt"))


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scaled") / "corpus"
    scale_corpus.scale(SMALL, out, seed=7)
    return out


@pytest.fixture(scope="module")
def extraction(small_corpus):
    vocab = Vocabulary.load()
    registry = load_registry(vocab)
    documents = read_corpus(small_corpus)
    return documents, registry, extract(documents, registry, themes=vocab.theme_labels)


def test_same_seed_gives_byte_identical_corpus(tmp_path, small_corpus):
    again = tmp_path / "again"
    scale_corpus.scale(SMALL, again, seed=7)
    assert digests(again) == digests(small_corpus)
    assert len(digests(again)) >= 3  # documents, sidecars, SCALE.md


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    """Two processes with different PYTHONHASHSEEDs write the same bytes (no set or dict
    order leaks into the text)."""
    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"hash-{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, str(ROOT / "bench" / "scale_corpus.py"), "--factor", "0.2", "--no-seed",
                        "--seed", "3", "--out", str(out)], check=True, env=env, capture_output=True, timeout=120)
        outs.append(digests(out))
    assert outs[0] == outs[1]


def test_another_seed_gives_other_documents(tmp_path, small_corpus):
    other = tmp_path / "other"
    scale_corpus.scale(SMALL, other, seed=8)
    mine, theirs = digests(small_corpus), digests(other)
    assert any(mine.get(name) != digest for name, digest in theirs.items() if name.endswith(".txt"))


def test_size_is_proportional_to_the_factor(tmp_path, small_corpus):
    unit = scale_corpus.seed_bytes()
    larger = tmp_path / "larger"
    scale_corpus.scale(4 * SMALL, larger, seed=7)
    small, large = text_bytes(small_corpus), text_bytes(larger)
    assert SMALL * unit <= small < SMALL * unit * 1.25
    assert 4 * SMALL * unit <= large < 4 * SMALL * unit * 1.1
    assert 3.2 < large / small < 4.8


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(tmp_path):
    """Document i depends only on (seed, i): all but the last (cut) document of the smaller
    corpus are in the larger one, byte for byte (so 10× is a prefix of 100×)."""
    smaller, larger = tmp_path / "smaller", tmp_path / "larger"
    scale_corpus.scale(0.5, smaller, seed=7)
    scale_corpus.scale(0.9, larger, seed=7)
    small_docs = sorted(smaller.glob("syn_*.txt"))
    assert len(small_docs) >= 2
    for path in small_docs[:-1]:
        assert (larger / path.name).read_bytes() == path.read_bytes()
    for path in smaller.glob("*.meta.toml"):
        assert (larger / path.name).read_bytes() == path.read_bytes()


def test_from_one_times_the_seed_documents_are_included(tmp_path):
    out = tmp_path / "with-seed"
    result = scale_corpus.scale(1.05, out, seed=7)
    seed_docs = scale_corpus.seed_documents()
    for path in seed_docs:
        assert (out / path.name).read_bytes() == path.read_bytes()
    assert result.documents == len(seed_docs) + result.synthetic_documents
    assert result.synthetic_documents >= 1
    assert text_bytes(out) >= 1.05 * scale_corpus.seed_bytes()


def test_documents_and_sidecars_pass_the_corpus_reader(small_corpus, extraction):
    documents, registry, _ = extraction
    assert [d.doc_id for d in documents] == sorted(p.stem for p in small_corpus.glob("*.txt"))
    slugs = registry.by_slug()
    for doc in documents:
        meta = tomllib.loads((small_corpus / f"{doc.doc_id}.meta.toml").read_text(encoding="utf-8"))
        assert meta["id"] == doc.doc_id and doc.title and doc.language == "en"
        assert doc.publisher_id in slugs  # the build refuses a publisher_id that is not a registry id
        assert len(doc.text) > 10_000


def test_pipeline_finds_mentions_entities_and_facts(extraction):
    documents, _, result = extraction
    for doc in documents:
        kinds = Counter(m.kind for m in result.mentions[doc.doc_id])
        assert kinds["organization"] > 20 and kinds["place"] > 5 and kinds["instrument"] > 5, (doc.doc_id, kinds)
    # discovered-style names of the generator ("… on Labour Mobility") and people are discovered
    discovered = " ".join(sorted(result.discovered))
    assert any(topic.lower().replace(" ", "-") in discovered for topic in scale_corpus.TOPICS)
    claims = Counter(c.prop for claims in result.claims.values() for c in claims)
    for prop in ("establishedOn", "adoptedOn", "enteredIntoForceOn", "parties", "statistic", "addresses"):
        assert claims[prop] > 0, (prop, claims)


def test_bad_arguments_are_one_line_errors(tmp_path, capsys, small_corpus):
    assert scale_corpus.main(["--factor", "0", "--out", str(tmp_path / "x")]) == 2
    assert scale_corpus.main(["--factor", "0.5", "--out", str(tmp_path / "y"), "--seed", "1"]) == 0
    assert scale_corpus.main(["--factor", str(SMALL), "--out", str(small_corpus)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("scale_corpus: error: ") for line in err)
    assert "already holds documents" in err[1]
