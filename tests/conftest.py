"""Shared fixtures: the mini knowledge graph (real corpus text, every kind of entity) and
the full build of the shipped corpus, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import Sources, assemble, build
from kg.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"

# A valid metadata sidecar for test documents; format with id=<document stem>.
SIDECAR = """id = "{id}"
title = "A test document"
type = "Report"
date = "2004-10"
language = "en"
"""


@pytest.fixture(scope="session")
def mini_sources() -> Sources:
    return Sources(corpus_dir=MINI / "corpus", registry_dir=MINI / "registry")


@pytest.fixture(scope="session")
def mini_kg(mini_sources):
    return assemble(mini_sources, Progress(quiet=True))


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """The real build of the shipped corpus and registry, HermiT and docs included."""
    out = tmp_path_factory.mktemp("kg") / "build"
    return build(Sources(), out, Progress(quiet=True), reason=True, docs=True)
