"""`python -m kg.check`: check the registry against the ontology and the corpus and print
every problem, one per line (the build stops at the first; curators want them all)."""

from __future__ import annotations

import sys

from .corpus import CORPUS_DIR, read_corpus
from .errors import KGError
from .evidence import locate_facts
from .registry import REGISTRY_DIR, load_registry
from .vocabulary import Vocabulary


def main() -> int:
    try:
        vocab = Vocabulary.load()
        registry = load_registry(vocab, REGISTRY_DIR)
        documents = {d.doc_id: d for d in read_corpus(CORPUS_DIR)}
    except KGError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    located, errors = locate_facts(registry.facts, documents)
    for line in errors:
        print(f"error: {line}", file=sys.stderr)
    print(f"{len(registry.entities)} entities, {len(registry.facts)} facts, {len(located)} located, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
