"""Normalised text with an exact map back to the document's text layer.

Why: the documents are text extractions of PDFs and web pages. Lines break mid-sentence,
stray page numbers interrupt sentences, footnote markers stick to words ("Geneva
Migration Group10,"), quotes are typographic. Finding mentions wants clean running text,
but everything the graph records must point at the document's own text (`Document.text`),
which is never edited. So `normalize` builds a second string and remembers, for each of
its characters, the run of source characters it came from; `to_source` turns any span of
the normalised text into the span of the source those characters came from.

What normalisation does, and nothing else:

1. Page numbers: a line that is only "Page 3" / "Page 3 of 9" / "- 3 -" is dropped. A line
   that is only a number (1-4 digits, not a year 1800-2100; or a lowercase roman numeral)
   is dropped when it stands alone between blank lines near a prose line, or is the
   first or last line of a page (form feed), and at least two such lines carry increasing
   numbers at plausible distances (>= 2 lines per page). Table cells and years are kept.
2. Running headers and footers: a short line (3-80 characters, with a letter, not ending
   in . , ; : ! ?) seen verbatim at least 3 times within two lines of a page boundary
   (form feed, dropped page number, start or end of the document) is dropped there.
   The shipped corpus has none: its repeated short lines ("United Nations", "NOTES",
   "migration.") are content and are kept.
3. Dropped lines and every whitespace run (line breaks included, and no-break or other
   Unicode spaces) become one space; leading and trailing whitespace goes.
4. A word broken with a hyphen at the end of a line is joined ("develop-\\nment" ->
   "development") or keeps its hyphen ("high-\\nlevel" -> "high-level"), decided by
   `hyphen_joins` (lower-Upper, the document's own spelling, KEEP_PREFIXES,
   SUFFIX_FRAGMENTS); with a digit on either side it is kept ("963-\\n3179" ->
   "963-3179"). A soft hyphen at a line end always joins.
5. Footnote markers: 1-3 digits right after a lowercase letter or ')' and before
   whitespace, the end of the line or closing punctuation followed by whitespace are
   removed ("Group10," -> "Group,"); "A/59/325", "G77", "No. 97", "1990s" are untouched.
6. CHAR_MAP: typographic quotes and apostrophes to ASCII, U+2010/U+2011 hyphens to "-",
   ligatures spelled out. Zero-width characters and mid-line soft hyphens are removed.
7. TYPOS: a short list of extraction typos seen in the corpus, replaced as whole words.

Mapping: character i of `text` came from the source run [offsets[i], ends[i]). Copied and
mapped characters have a one-character run; each character of a TYPOS replacement or of a
spelled-out ligature maps to the whole source word or ligature; a space maps to the whole
whitespace run it replaces, dropped lines inside it included. Removed characters (page
furniture outside a space's run, footnote markers, joined hyphens, zero-width characters,
line breaks after a kept hyphen) belong to no run. Runs never overlap unless equal, and
both `offsets` and `ends` never decrease. Offsets are Unicode code points, as everywhere
in the graph."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

# --- the documented lists ---------------------------------------------------------

CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u2010": "-", "\u2011": "-",
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
}
DELETED_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width spaces and joiners, BOM

# Extraction typos of the shipped corpus, replaced as whole words (case-sensitive). Not
# fixed on purpose: "UNCHR" (a real acronym next to UNHCR), "migraiton" (inside a URL),
# "non-requited" (a term of trade statistics), "inmigrants" (contrasted with immigrants).
TYPOS = {
    "DEVELOPEMNT": "DEVELOPMENT",        # 002, heading "... MIGRATION AND DEVELOPEMNT"
    "Reseach": "Research",               # 000, "William Clark Reseach Note"
    "Wickramasekera": "Wickramasekara",  # 002, elsewhere always Wickramasekara
    "Thailan": "Thailand",               # 002, "Philippines, and Thailan, but"
    "Zaghenei": "Zagheni",               # 003, Zagheni et al.
    "Latouzé": "Letouzé",                # 003, Emmanuel Letouzé, misspelt 3 times
}

# First parts of line-broken compounds that keep their hyphen when the document itself
# does not show the word either way. From the corpus, where these stand hyphenated inside
# lines far more often than joined: non- 55, self- 16, co- 23, well- 32, cross- 14,
# anti- 5, post- 19, intra- 8, socio- 10. Not listed because they also start ordinary
# words split by typesetting: re-, pre-, inter-, multi-, sub-, ex-, in-.
KEEP_PREFIXES = frozenset({"non", "self", "co", "well", "cross", "anti", "post", "intra", "socio"})

# Second parts that are word endings, not words: "develop-\nment", "migra-\ntion".
SUFFIX_FRAGMENTS = frozenset({
    "ment", "ments", "tion", "tions", "sion", "sions", "ing", "ings", "ed", "ly", "ity", "ities",
    "ness", "ance", "ances", "ence", "ences", "ation", "ations", "al", "ally", "ive", "ives", "able",
    "ible", "ism", "ist", "ists", "ize", "ized", "ise", "ised", "ship", "ous", "ency", "ancy", "ure",
    "ures", "ural", "tional", "ional",
})

LINE_END_HYPHENS = "-\u2010\u00ad"
PROSE_CHARS = 40          # a neighbouring line this long is running text, not a table cell
HEADER_MAX_CHARS = 80
HEADER_MIN_REPEATS = 3
MIN_LINES_PER_PAGE = 2
CHAIN_WINDOW = 64

# --- the result ---------------------------------------------------------------------


@dataclass(frozen=True)
class NormalizedText:
    """`text` derived from `source`; character i came from source[offsets[i]:ends[i]].
    `dropped` lists the source lines removed as page furniture, for reports and tests."""

    source: str                 # the document's text layer (Document.text), untouched
    text: str                   # normalised text
    offsets: tuple[int, ...]    # len(text)+1 entries; offsets[len(text)] == len(source)
    ends: tuple[int, ...]       # len(text) entries: end (exclusive) of each character's source run
    dropped: tuple[tuple[int, int], ...] = ()  # source lines dropped as page numbers or running headers

    def __repr__(self) -> str:  # the default would print the whole document three times
        more = "..." if len(self.text) > 60 else ""
        return f"NormalizedText(text={self.text[:60]!r}{more}, source of {len(self.source)} characters)"

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The source span [s, e) the normalised span [start, end) came from: the start of
        the first character's run to the end of the last one's; an empty span maps to the
        position of its start."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}-{end} is outside the normalised text (length {len(self.text)})")
        if start == end:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.ends[end - 1]

    def line_of(self, source_offset: int) -> int:
        """1-based line of a source offset, counting "\\n" as editors and error messages do."""
        if not 0 <= source_offset <= len(self.source):
            raise ValueError(f"offset {source_offset} is outside the source (length {len(self.source)})")
        return bisect.bisect_right(self._newlines, source_offset - 1) + 1

    @cached_property
    def paragraph_breaks(self) -> tuple[int, ...]:
        """Normalised positions just after a blank line or a page break in the source: no
        sentence runs across them, whatever the punctuation (headings and datelines have none)."""
        breaks = []
        for match in re.finditer(r"\s", self.text):
            gap = self.source[self.offsets[match.start()]:self.ends[match.start()]]
            if gap.count("\n") >= 2 or "\f" in gap:
                breaks.append(match.end())
        return tuple(breaks)

    @cached_property
    def paragraphs(self) -> tuple[tuple[int, int], ...]:
        """The non-blank normalised spans between paragraph breaks."""
        bounds = [0, *self.paragraph_breaks, len(self.text)]
        return tuple((a, b) for a, b in zip(bounds, bounds[1:]) if self.text[a:b].strip())

    @cached_property
    def line_starts(self) -> tuple[int, ...]:
        """Normalised positions that begin a line of the source (after its indentation): lists,
        rosters and title pages say things by their layout, which normalisation flattens."""
        starts = [0] if self.text else []
        for match in re.finditer(r"\s+", self.text):
            gap = self.source[self.offsets[match.start()]:self.ends[match.end() - 1]]
            if "\n" in gap and match.end() < len(self.text):
                starts.append(match.end())
        return tuple(starts)

    def lines_within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The source lines inside the normalised span [start, end), as normalised spans
        without their trailing space."""
        cuts = [p for p in self.line_starts if start < p < end]
        spans = [(a, b) for a, b in zip([start, *cuts], [*cuts, end])]
        return [(a, a + len(self.text[a:b].rstrip())) for a, b in spans if self.text[a:b].strip()]

    def is_hard_break(self, pos: int) -> bool:
        """Whether the space at normalised position `pos` stands for a paragraph break or the
        end of a short line (a heading, a table cell, a list item): names do not run across
        those, while a long line wrapped in the middle of a sentence is no break."""
        start, end = self.offsets[pos], self.ends[pos]
        gap = self.source[start:end]
        if gap.count("\n") >= 2 or "\f" in gap:
            return True
        if "\n" not in gap:
            return False
        line_start = self.source.rfind("\n", 0, start) + 1
        return len(self.source[line_start:start].strip()) < 60

    def starts_line(self, pos: int) -> bool:
        """Whether the normalised position begins a line of the source."""
        before = self.source[:self.offsets[pos]]
        return not before.strip() or before.rstrip(" \t").endswith("\n")

    @cached_property
    def _newlines(self) -> list[int]:
        return [m.start() for m in re.finditer("\n", self.source)]


# --- lines and page furniture ---------------------------------------------------------


@dataclass
class _Lines:
    """The source cut into lines as str.splitlines does (\\f and \\r are line ends too)."""

    starts: list[int]       # offset of each line's first character
    contents: list[str]     # each line without its line break
    stripped: list[str]
    page: list[int]         # number of form feeds before the line


def _split_lines(source: str) -> _Lines:
    full = source.splitlines(keepends=True)
    contents = source.splitlines()
    starts, page, pos, pages = [], [], 0, 0
    for line, content in zip(full, contents):
        starts.append(pos)
        page.append(pages)
        pos += len(line)
        if "\f" in line[len(content):]:
            pages += 1
    return _Lines(starts, contents, [c.strip() for c in contents], page)


_EXPLICIT_PAGE = re.compile(r"(?:Page|PAGE)\s+\d{1,4}(?:\s+(?:of|OF)\s+\d{1,4})?|[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]")
_ARABIC = re.compile(r"\d{1,4}")
_ROMAN = re.compile(r"(?=[ivxlc])(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _bare_number(line: str) -> tuple[str, int] | None:
    """('arabic', 12) or ('roman', 3) for a line that is only a page-number-like number."""
    if _ARABIC.fullmatch(line):
        value = int(line)
        return None if value == 0 or 1800 <= value <= 2100 else ("arabic", value)
    if len(line) <= 7 and _ROMAN.fullmatch(line):
        return "roman", _roman_value(line)
    return None


def _neighbour(lines: _Lines, i: int, step: int) -> int | None:
    """Index of the nearest non-blank line before (step -1) or after (step 1) line i."""
    i += step
    while 0 <= i < len(lines.stripped):
        if lines.stripped[i]:
            return i
        i += step
    return None


def _is_page_number_position(lines: _Lines, i: int, paged: bool) -> bool:
    """Alone between blank lines with running text among the two non-blank lines on
    either side, or at the edge of a page."""
    prev, nxt = _neighbour(lines, i, -1), _neighbour(lines, i, 1)
    if paged and any(n is None or lines.page[n] != lines.page[i] for n in (prev, nxt)):
        return True
    if i > 0 and lines.stripped[i - 1] or i + 1 < len(lines.stripped) and lines.stripped[i + 1]:
        return False
    near = [prev, nxt]
    near += [_neighbour(lines, n, step) for n, step in ((prev, -1), (nxt, 1)) if n is not None]
    return any(n is not None and len(lines.stripped[n]) >= PROSE_CHARS for n in near)


def _longest_chain(candidates: list[tuple[int, int]]) -> list[int]:
    """Line indexes of the longest run of (line, value) with increasing values, at least
    MIN_LINES_PER_PAGE lines per page apart. A page number's predecessor is sought among the
    CHAIN_WINDOW candidates before it, which keeps this linear on number-heavy documents."""
    best: list[int] = []
    lengths, links = [1] * len(candidates), [-1] * len(candidates)
    for b, (line_b, value_b) in enumerate(candidates):
        for a in range(max(0, b - CHAIN_WINDOW), b):
            line_a, value_a = candidates[a]
            if value_a < value_b and line_b - line_a >= MIN_LINES_PER_PAGE * (value_b - value_a) \
                    and lengths[a] + 1 > lengths[b]:
                lengths[b], links[b] = lengths[a] + 1, a
    if candidates:
        k, chain = max(range(len(candidates)), key=lengths.__getitem__), []
        while k >= 0:
            chain.append(candidates[k][0])
            k = links[k]
        best = chain[::-1]
    return best


def page_number_lines(lines: _Lines) -> set[int]:
    """Indexes of the lines that are page numbers (rule 1 of the module docstring)."""
    paged = bool(lines.page) and lines.page[-1] > 0
    dropped: set[int] = set()
    chains: dict[str, list[tuple[int, int]]] = {"arabic": [], "roman": []}
    for i, line in enumerate(lines.stripped):
        if not line or len(line) > 20:
            continue
        if _EXPLICIT_PAGE.fullmatch(line):
            dropped.add(i)
            continue
        number = _bare_number(line)
        if number is None or not _is_page_number_position(lines, i, paged):
            continue
        kind, value = number
        if kind == "arabic" and value * MIN_LINES_PER_PAGE > i + 1:
            continue  # page N cannot come before line 2N
        chains[kind].append((i, value))
    for candidates in chains.values():
        chain = _longest_chain(candidates)
        if len(chain) >= 2:
            dropped.update(chain)
    return dropped


def running_header_lines(lines: _Lines, page_numbers: set[int]) -> set[int]:
    """Indexes of running headers and footers (rule 2 of the module docstring)."""
    order = [i for i, s in enumerate(lines.stripped) if s]
    # distance, in non-blank lines, from the previous and to the next page boundary
    before, after = [0] * len(order), [0] * len(order)
    for pos, i in enumerate(order):
        prev = order[pos - 1] if pos else None
        if prev is None or prev in page_numbers or lines.page[prev] != lines.page[i]:
            before[pos] = 0
        else:
            before[pos] = before[pos - 1] + 1
    for pos in range(len(order) - 1, -1, -1):
        i, nxt = order[pos], order[pos + 1] if pos + 1 < len(order) else None
        if nxt is None or nxt in page_numbers or lines.page[nxt] != lines.page[i]:
            after[pos] = 0
        else:
            after[pos] = after[pos + 1] + 1
    at_edge: dict[str, list[int]] = {}
    for pos, i in enumerate(order):
        line = lines.stripped[i]
        if i in page_numbers or min(before[pos], after[pos]) > 1:
            continue
        if 3 <= len(line) <= HEADER_MAX_CHARS and line[-1] not in ".,;:!?" and any(c.isalpha() for c in line):
            at_edge.setdefault(line, []).append(i)
    return {i for found in at_edge.values() if len(found) >= HEADER_MIN_REPEATS for i in found}


# --- hyphenation --------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_TRAILING_LETTERS = re.compile(r"[^\W\d_]+$")
_LEADING_LETTERS = re.compile(r"[^\W\d_]+")


def word_counts(source: str) -> Counter[str]:
    """Lowercased words of a text as spelt inside lines, with each hyphenated pair of a
    compound counted too ("high-level-dialogue" counts "high-level" and "level-dialogue")."""
    counts: Counter[str] = Counter(_WORD.findall(source.lower()))
    for word in [w for w in counts if w.count("-") > 1]:
        parts = word.split("-")
        for a, b in zip(parts, parts[1:]):
            counts[f"{a}-{b}"] += counts[word]
    return counts


def hyphen_joins(first: str, second: str, counts: Counter[str]) -> bool:
    """Whether "first-<line break>second" is one word broken by typesetting.

    In order: a lowercase first part before an uppercase second part keeps the hyphen
    (inter-State, Thailand-Myanmar); the document's own spelling decides when it has one
    (any "first-second" keeps, else any "firstsecond" joins); then KEEP_PREFIXES keep;
    then a SUFFIX_FRAGMENTS second part joins; otherwise the hyphen is kept, which never
    loses a letter."""
    if first[-1].islower() and second[0].isupper():
        return False
    hyphenated, joined = f"{first}-{second}".lower(), f"{first}{second}".lower()
    if counts[hyphenated]:
        return False
    if counts[joined]:
        return True
    if first.lower() in KEEP_PREFIXES:
        return False
    return second.lower() in SUFFIX_FRAGMENTS


# --- building the normalised text -----------------------------------------------------

_WORD_CHAR = re.compile(r"\w")
_TYPO = "|".join(re.escape(t) for t in sorted(TYPOS, key=len, reverse=True))
_SPECIAL = re.compile(
    r"(?P<ws>\s{2,}|[^\S ])"
    rf"|(?P<map>[{''.join(CHAR_MAP)}])"
    rf"|(?P<drop>[{DELETED_CHARS}])"
    r"|(?P<fn>\d(?<=[a-z)]\d)\d{0,2}(?=[,;:.!?)\]\"'\u201d\u2019]*(?:\s|$)))"  # starts with \d: fast scan
    rf"|(?P<typo>{_TYPO})"  # whole words only: checked in _Builder.segment
)


class _Builder:
    """Appends normalised text with its runs; never two spaces in a row, none leading."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.gap: tuple[int, int] | None = None   # pending whitespace run
        self.last = ""                            # last character emitted

    def space(self, start: int, end: int) -> None:
        """Whitespace (and whatever was dropped inside it) at source[start:end]."""
        if not self.last:
            return
        if self.last == " ":
            self.ends[-1] = end
        elif self.gap is None:
            self.gap = (start, end)
        else:
            self.gap = (self.gap[0], end)

    def _flush(self) -> None:
        if self.gap is not None:
            self.parts.append(" ")
            self.starts.append(self.gap[0])
            self.ends.append(self.gap[1])
            self.gap, self.last = None, " "

    def copy(self, start: int, end: int) -> None:
        """source[start:end] unchanged (it has no whitespace but single spaces)."""
        if start < end and self.source[start] == " ":
            self.space(start, start + 1)
            start += 1
        if start >= end:
            return
        self._flush()
        self.parts.append(self.source[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))
        self.last = self.source[end - 1]

    def replace(self, text: str, start: int, end: int) -> None:
        """`text` stands for source[start:end]; every character maps to the whole run."""
        self._flush()
        self.parts.append(text)
        self.starts.extend([start] * len(text))
        self.ends.extend([end] * len(text))
        self.last = text[-1]

    def segment(self, start: int, end: int) -> None:
        """One line's content, with the in-line rules (whitespace, CHAR_MAP, footnote
        markers, TYPOS) applied in one regex scan."""
        pos = start
        for match in _SPECIAL.finditer(self.source, start, end):
            kind = match.lastgroup
            if kind == "typo" and not self._whole_word(match.start(), match.end()):
                continue
            self.copy(pos, match.start())
            pos = match.end()
            if kind == "ws":
                self.space(match.start(), pos)
            elif kind == "map":
                self.replace(CHAR_MAP[match.group()], match.start(), pos)
            elif kind == "typo":
                self.replace(TYPOS[match.group()], match.start(), pos)
            # "drop" and "fn": removed
        self.copy(pos, end)

    def _whole_word(self, start: int, end: int) -> bool:
        source = self.source
        return not (start > 0 and _WORD_CHAR.match(source, start - 1) or _WORD_CHAR.match(source, end))

    def result(self, dropped: tuple[tuple[int, int], ...]) -> NormalizedText:
        if self.last == " ":  # a trailing space (the pending gap, if any, is just dropped)
            self.parts[-1] = self.parts[-1][:-1]
            self.starts.pop()
            self.ends.pop()
        text = "".join(self.parts)
        return NormalizedText(self.source, text, tuple(self.starts) + (len(self.source),), tuple(self.ends), dropped)


def _segments(lines: _Lines, dropped: set[int]) -> list[tuple[int, int]]:
    """[start, end) of each kept line's content without surrounding whitespace."""
    segments = []
    for i, content in enumerate(lines.contents):
        if not lines.stripped[i] or i in dropped:
            continue
        lead = len(content) - len(content.lstrip())
        segments.append((lines.starts[i] + lead, lines.starts[i] + len(content.rstrip())))
    return segments


def _join_mode(source: str, seg: tuple[int, int], nxt: tuple[int, int], counts: list[Counter[str]]) -> str:
    """'space' between two lines, or 'keep' / 'join' for a word hyphenated across them."""
    end = seg[1]
    if source[end - 1] not in LINE_END_HYPHENS or end - seg[0] < 2 \
            or not source[end - 2].isalnum() or not source[nxt[0]].isalnum():
        return "space"  # a dash between words ("word -"), or nothing to join with
    if source[end - 1] == "\u00ad":
        return "join"
    second = _LEADING_LETTERS.match(source, nxt[0], nxt[1])
    if second is None or not source[end - 2].isalpha():
        return "keep"  # digits on either side: "963-\n3179", "COVID-\n19"
    first = _TRAILING_LETTERS.search(source, seg[0], end - 1).group()
    if not counts:
        counts.append(word_counts(source))
    return "join" if hyphen_joins(first, second.group(), counts[0]) else "keep"


def normalize(source: str) -> NormalizedText:
    """The normalised text of a document's text layer, with its offset map (see the
    module docstring for the rules). Linear in the text apart from a handful of regex
    scans; the shipped corpus takes well under a second."""
    lines = _split_lines(source)
    dropped = page_number_lines(lines)
    dropped |= running_header_lines(lines, dropped)
    segments = _segments(lines, dropped)
    builder, counts = _Builder(source), []
    for k, (start, end) in enumerate(segments):
        nxt = segments[k + 1] if k + 1 < len(segments) else None
        mode = _join_mode(source, (start, end), nxt, counts) if nxt else "space"
        builder.segment(start, end - 1 if mode == "join" else end)
        if nxt and mode == "space":
            builder.space(end, nxt[0])
    return builder.result(tuple((lines.starts[i], lines.starts[i] + len(lines.contents[i])) for i in sorted(dropped)))
