"""Partial dates as documents state them: a year, a month or a day, typed as xsd:gYear,
xsd:gYearMonth or xsd:date so that precision is never invented."""

from __future__ import annotations

import datetime as dt
import re

from rdflib import Literal
from rdflib.namespace import XSD

_DATE_FORMS = (
    (re.compile(r"^\d{4}$"), XSD.gYear),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"), XSD.date),
)


def parse_partial_date(value: str) -> Literal:
    """'2003' -> xsd:gYear, '2003-12' -> xsd:gYearMonth, '2003-12-09' -> xsd:date.

    Raises ValueError with a message fit for a one-line error otherwise (including
    impossible days such as 2003-02-30)."""
    text = str(value).strip()
    for pattern, datatype in _DATE_FORMS:
        if pattern.match(text):
            if datatype == XSD.date:
                dt.date.fromisoformat(text)  # rejects 2003-02-30
            return Literal(text, datatype=datatype)
    raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
