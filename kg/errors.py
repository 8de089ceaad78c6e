"""One exception type for every input problem, so the CLI can print a single line naming the
file, line or field, and exit non-zero without a traceback."""

from __future__ import annotations


class KGError(Exception):
    """An input or build problem a user can fix; str(err) is the one-line message."""


class InputError(KGError):
    """A source file (document, sidecar, registry, ontology) is missing, unreadable or malformed."""


class ValidationFailed(KGError):
    """The graph does not conform to the SHACL shapes; nothing is published."""
