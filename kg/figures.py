"""Statistics stated in a sentence: "Remittances received by developing countries are estimated
at $93 billion in 2003" becomes an observation with its value, unit, year, area and the theme
it measures. A figure needs no named entity, so this rule also reads sentences without one."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .facts import NUMBER_WORDS, Context, Claim, Sentence, make_claim, mentions_after, rel_end, rel_start
from .themes import theme_nearest


SCALE = r"(?:\s+(billion|million|thousand))?"
HUNDREDS = r"(?:a|one|two|three|four|five|six|seven|eight|nine)\s+hundred(?:\s+thousand)?"  # "one hundred thousand"
NUMBER = rf"(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|half a|a quarter of a|{HUNDREDS})"
SCALED = rf"{NUMBER}\s+(billion|million|thousand)"  # money needs a scale: "$2.90 a day" is a price, not a total
PEOPLE = (r"(?:people|persons|migrants|refugees|workers|immigrants|emigrants|migrant workers|asylum[- ]seekers|"
          r"students|nationals|citizens|inhabitants)")
STATISTIC_PATTERNS = (  # (pattern, unit family); the scale word picks the unit
    (re.compile(rf"(?:US\$|USD|\$|US dollars)\s?{SCALED}"), "usd"),
    (re.compile(rf"\b{SCALED}\s+(?:US\s+|United States\s+)?dollars\b"), "usd"),
    (re.compile(rf"(?:EUR|€)\s?{SCALED}"), "eur"),
    (re.compile(rf"\b{NUMBER}\s*(?:per\s*cent|percent|%)"), "per-cent"),
    (re.compile(rf"\b{NUMBER}{SCALE}\s+(?:[A-Z][a-z]+\s+|international\s+|undocumented\s+|irregular\s+){{0,2}}{PEOPLE}\b"),
     "persons"),
    (re.compile(rf"\bpopulation of (?:under |over |about |around |some |nearly |almost )?{NUMBER}{SCALE}\b"), "persons"),
)
WORD_VALUES = {"half a": "0.5", "a quarter of a": "0.25"}
# "3.9 billion people moving to cities by 2030 (as compared to 309 million in 1950)": the figure
# it is compared with has the same unit, though the text does not repeat it
COMPARED_RE = re.compile(rf"[^.;]{{0,60}}?\b(?:compared (?:to|with)|up from|down from|against)\s+(?:some |about |around )?"
                         rf"{NUMBER}{SCALE}\b(?!\s*(?:per\s*cent|percent|%))")


def _figure_value(number: str) -> str:
    """The decimal a figure's number words or digits stand for."""
    if number in WORD_VALUES:
        return WORD_VALUES[number]
    words = number.lower().split()
    if words and words[-1] in ("hundred", "thousand"):
        value = {"a": 1, **NUMBER_WORDS}[words[0]] * 100
        return str(value * 1000 if words[-1] == "thousand" else value)
    return number.replace(",", "")
UNIT_IDS = {("usd", "billion"): "usd-billion", ("usd", "million"): "usd-million",
            ("eur", "billion"): "eur-billion", ("eur", "million"): "eur-million",
            ("per-cent", ""): "per-cent", ("persons", ""): "persons", ("persons", "thousand"): "persons-thousand",
            ("persons", "million"): "persons-million", ("persons", "billion"): "persons-billion"}
STAT_YEAR_RE = re.compile(r"\b(?:[Ii]n|[Bb]y|[Ff]or|[Dd]uring|of|[Ss]ince)\s+((?:19|20)\d\d)\b(?!\s*(?:-|–)\s*\d)")


def statistics(sentence: Sentence, ctx: Context) -> Iterator[Claim]:
    """"Remittances received by developing countries are estimated at $93 billion in 2003":
    value and unit, the year nearest to the figure, the area named in the sentence and the
    theme it measures. Each figure becomes a StatisticalObservation with this sentence as its
    evidence."""
    text = sentence.text
    taken: list[tuple[int, int]] = []
    for pattern, family in STATISTIC_PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            scale = (match.group(2) if match.lastindex and match.lastindex >= 2 else None) or ""
            unit = UNIT_IDS.get((family, scale)) or UNIT_IDS.get((family, ""))
            if unit is None or _inside_name(sentence, match.start()):
                continue
            taken.append((match.start(), match.end()))
            figures = [(match, unit)]
            compared = COMPARED_RE.match(text, match.end()) if family != "per-cent" else None
            if compared and not _inside_name(sentence, compared.start(1)):
                taken.append((compared.start(1), compared.end()))
                figures.append((compared, UNIT_IDS.get((family, compared.group(2) or "")) or unit))
            stops = [compared.start(1) if compared else len(text), len(text)]  # the compared figure has its own year
            for (figure, figure_unit), stop in zip(figures, stops):
                yield _statistic(sentence, figure, figure_unit, ctx, stop)


def _statistic(sentence: Sentence, figure: re.Match[str], unit: str, ctx: Context, stop: int) -> Claim:
    text = sentence.text
    extra = {"unit": unit}
    year = _nearest_year(text[:stop], figure)
    if year:
        extra["year"] = year
    places = sorted(mentions_after(sentence, 0, ("place",)), key=lambda m: abs(rel_start(sentence, m) - figure.start(1)))
    if places and abs(rel_start(sentence, places[0]) - figure.start(1)) < 150:
        extra["area"] = places[0].key
    theme = theme_nearest(text, figure.start(1), ctx.themes)
    if theme:
        extra["measure"] = f"theme:{theme}"
    return make_claim("statistic", "statistic", f"{_figure_value(figure.group(1))} {unit}", "rule-statistic", "0.7",
                  sentence, **extra)


def _nearest_year(text: str, figure: re.Match[str]) -> str | None:
    """The year of a figure: the nearest one after it ("15 per cent in 2002"), or before it
    ("In 2000, 49 per cent ..."), which only wins when clearly closer."""
    best: tuple[int, str] | None = None
    start = figure.start(1)  # the number itself: a compared figure's match begins with the words before it
    for year in STAT_YEAR_RE.finditer(text):
        if start <= year.start() < figure.end():
            continue
        distance = year.start() - figure.end() if year.start() >= figure.end() else start - year.end() + 25
        if distance < 120 and (best is None or distance < best[0]):
            best = (distance, year.group(1))
    return best[1] if best else None


def _inside_name(sentence: Sentence, pos: int) -> bool:
    """"Convention No. 97 (1949)" or "resolution 58/208": numbers inside names are not figures."""
    return any(rel_start(sentence, m) <= pos < rel_end(sentence, m) for m in sentence.mentions)
