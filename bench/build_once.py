"""One build of a corpus, in a process of its own, for bench/run.py.

Why a separate process per build: peak memory is then the build's own (ru_maxrss of this
process, which bench/run.py reads with wait4), not the high-water mark of everything the
benchmark did before; and a build that runs out of memory or time can be killed without
taking the benchmark down.

Stage times come from kg.build's Progress, read generically (stage titles are whatever the
build calls them), and are also streamed as JSON lines to --events as each stage starts and
ends, so that the parent knows where a killed build was.

    .venv/bin/python bench/build_once.py --corpus DIR --out DIR --events FILE [--no-reason] [--no-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import Sources, build  # noqa: E402
from kg.progress import Progress  # noqa: E402


class EventProgress(Progress):
    """kg.progress.Progress that also appends one JSON line per stage start and end."""

    def __init__(self, events: Path) -> None:
        super().__init__(quiet=True)
        self.events = events.open("a", encoding="utf-8")

    def emit(self, **record: object) -> None:
        record["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.events.write(json.dumps(record) + "\n")
        self.events.flush()

    @contextmanager
    def stage(self, title: str) -> Iterator[None]:
        self.emit(event="start", stage=title, t=time.time())
        with super().stage(title):
            yield
        self.emit(event="end", stage=title, seconds=self.timings[title])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--events", type=Path, required=True)
    parser.add_argument("--no-reason", action="store_true")
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    progress = EventProgress(args.events)
    started = time.perf_counter()
    try:
        result = build(Sources(corpus_dir=args.corpus), args.out, progress, reason=not args.no_reason,
                       docs=not args.no_docs)
    except Exception as err:  # noqa: BLE001 - any failure is a result the parent reports
        progress.emit(event="error", message=f"{type(err).__name__}: {' '.join(str(err).split())[:500]}")
        return 1
    kg = result.kg
    findings = result.validation.findings
    severities: dict[str, int] = {}
    for finding in findings:
        severities[finding.severity] = severities.get(finding.severity, 0) + 1
    progress.emit(event="done", seconds=time.perf_counter() - started, timings=result.timings,
                  triples=len(kg.union), documents=len(kg.documents),
                  text_chars=sum(len(d.text) for d in kg.documents),
                  mentions=sum(len(m) for m in kg.extraction.mentions.values()), facts=len(kg.facts),
                  discovered=len(kg.discovered), conflicts=len(kg.conflicts), shacl_conforms=result.validation.conforms,
                  shacl_results=severities, consistent=result.consistent)
    # Leave without tearing down the heap: freeing tens of millions of rdflib objects takes
    # minutes at 10× and measures nothing (the events file is flushed, the build published).
    progress.events.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
