"""HTML documentation of the ontology with pyLODE, written from the ontology file itself so
the docs never drift from the terms the graph uses."""

from __future__ import annotations

from pathlib import Path

from .vocabulary import Vocabulary


def write_ontology_docs(vocab: Vocabulary, out_dir: Path) -> Path:
    import logging

    from pylode.profiles.ontpub import OntPub

    logging.getLogger().setLevel(logging.WARNING)  # pyLODE switches the root logger to DEBUG on import

    out_dir.mkdir(parents=True, exist_ok=True)
    html = OntPub(ontology=vocab.ontology, sort_subjects=True).make_html()
    target = out_dir / "index.html"
    target.write_text(html, encoding="utf-8")
    return target
