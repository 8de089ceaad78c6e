"""Measuring the pipeline against the hand-annotated development set (tests/gold/).

A mention is correct when it starts on the gold line, has the gold text (whitespace runs
collapsed) and the gold type; linking is scored separately on the correct mentions. A fact
is correct when (subject, relation, object) equals a gold fact of the same range. Names
and definite descriptions ("the Commission") are scored apart, since the second is a
coreference task. With `cold=True` the registry is not used as a gazetteer, so the scores
show what the discovery rules find on their own, as on text nobody has curated."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import Document, read_toml
from .discovery import canonical_key, entity_key
from .errors import InputError
from .pipeline import Extraction
from .facts import Claim
from .mentions import is_description

GOLD_DIR = Path(__file__).resolve().parent.parent / "tests" / "gold"
EVAL_TYPES = ("organization", "instrument", "process", "event")
# The two annotation passes of the gold set (tests/gold/README.md), reported apart as well.
FACT_GROUPS = {
    "organizations, instruments, processes, events": (
        "establishedOn", "establishedBy", "adoptedOn", "adoptedBy", "adoptedAt", "enteredIntoForceOn", "parties",
        "supplements", "memberOf", "supports", "organizedBy", "heldIn", "startDate", "subOrganizationOf", "unSymbol",
        "iloConventionNumber"),
    "people, authorship, themes, statistics": (
        "affiliatedWith", "holdsPost", "authoredBy", "addresses", "statistic", "statisticArea", "statisticMeasure"),
}
RELATIONS = ("establishedOn", "establishedBy", "adoptedOn", "adoptedBy", "adoptedAt", "enteredIntoForceOn", "parties", "supplements",
             "memberOf", "supports", "organizedBy", "heldIn", "startDate", "subOrganizationOf", "unSymbol",
             "iloConventionNumber", "affiliatedWith", "holdsPost", "authoredBy", "addresses", "statistic",
             "statisticArea", "statisticMeasure")


@dataclass
class Score:
    gold: int = 0
    system: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    mentions: dict[str, Score] = field(default_factory=dict)
    anaphors: Score = field(default_factory=Score)
    facts: dict[str, Score] = field(default_factory=dict)
    linking: Score = field(default_factory=Score)
    lines: int = 0
    ranges: int = 0
    errors: list[str] = field(default_factory=list)  # (for a curator) missed and spurious items

    def total(self, table: dict[str, Score]) -> Score:
        return Score(sum(s.gold for s in table.values()), sum(s.system for s in table.values()),
                     sum(s.correct for s in table.values()))


@dataclass(frozen=True)
class GoldRange:
    path: Path
    doc_id: str
    first: int
    last: int
    mentions: tuple[dict, ...]
    facts: tuple[dict, ...]


def gold_key(value: str, known: dict[str, str] | None = None) -> str:
    """The key a gold entity has in the system: a registry id as written; a "new:" name by the
    discovery key convention, or the registry id if a curator has since added that name."""
    if not value.startswith("new:"):
        return value
    name = value[4:]
    return (known or {}).get(entity_key(name)) or canonical_key(name)


def load_gold(gold_dir: Path = GOLD_DIR) -> list[GoldRange]:
    ranges = []
    for path in sorted(gold_dir.glob("*.toml")):
        data = read_toml(path)
        for name in ("doc", "first_line", "last_line"):
            if name not in data:
                raise InputError(f"{path}: missing required field '{name}'")
        ranges.append(GoldRange(path, data["doc"], data["first_line"], data["last_line"],
                                tuple(data.get("mention", [])), tuple(data.get("fact", []))))
    if not ranges:
        raise InputError(f"{gold_dir}: no gold files (*.toml)")
    return ranges


def _collapse(text: str) -> str:
    return " ".join(text.split())


def claim_value(claim: Claim) -> str:
    if claim.prop == "parties":
        return f"{dict(claim.extra).get('consent', 'any')}:{claim.value}"
    if claim.prop == "statistic":
        return f"{claim.value}|{dict(claim.extra).get('year', '')}"
    return str(claim.value)


def system_facts(claim: Claim) -> list[tuple[str, str, str]]:
    """The scored tuples of a claim: a statistic is scored on value, unit and year, and on
    its area and measure apart (statisticArea, statisticMeasure)."""
    facts = [(claim.subject, claim.prop, claim_value(claim))]
    if claim.prop == "statistic":
        extra = dict(claim.extra)
        facts += [("statistic", f"statistic{name.title()}", f"{claim.value}|{extra[name]}")
                  for name in ("area", "measure") if name in extra]
    return facts


def gold_facts_of(fact: dict, known: dict[str, str]) -> list[tuple[str, str, str]]:
    if fact["relation"] == "statistic":
        value = " ".join(str(fact["object"]).split())
        tuples = [("statistic", "statistic", f"{value}|{fact.get('year', '')}")]
        if "area" in fact:
            tuples.append(("statistic", "statisticArea", f"{value}|{gold_key(fact['area'], known)}"))
        if "measure" in fact:
            tuples.append(("statistic", "statisticMeasure", f"{value}|{fact['measure']}"))
        return tuples
    return [(gold_key(fact["subject"], known), fact["relation"], gold_key(str(fact["object"]), known))]


def evaluate(extraction: Extraction, documents: list[Document], gold: list[GoldRange], cold: bool = False) -> Report:
    report = Report(mentions={t: Score() for t in EVAL_TYPES}, facts={r: Score() for r in RELATIONS})
    docs = {d.doc_id: d for d in documents}
    known = {} if cold else extraction.known_keys
    for rng in gold:
        if rng.doc_id not in docs:
            raise InputError(f"{rng.path}: field 'doc': unknown document {rng.doc_id!r}")
        norm = extraction.norms[rng.doc_id]
        report.lines += rng.last - rng.first + 1
        report.ranges += 1
        system = [m for m in extraction.mentions[rng.doc_id]
                  if m.kind in EVAL_TYPES and rng.first <= norm.line_of(m.start) <= rng.last]
        for anaphoric in (False, True):
            gold_items = Counter((g["line"], _collapse(g["text"]), g["type"]) for g in rng.mentions
                                 if bool(g.get("anaphor")) == anaphoric)
            sys_items = Counter((norm.line_of(m.start), _collapse(m.surface), m.kind) for m in system
                                if is_description(m) == anaphoric)
            gold_keys = {(g["line"], _collapse(g["text"]), g["type"]): gold_key(g["entity"], known) for g in rng.mentions}
            sys_keys = {(norm.line_of(m.start), _collapse(m.surface), m.kind): m.key for m in system}
            for item in gold_items | sys_items:
                correct = min(gold_items[item], sys_items[item])
                score = report.anaphors if anaphoric else report.mentions[item[2]]
                score.gold += gold_items[item]
                score.system += sys_items[item]
                score.correct += correct
                if correct and not anaphoric and not cold:
                    report.linking.system += correct
                    report.linking.correct += correct if gold_keys[item] == sys_keys[item] else 0
                if gold_items[item] > correct:
                    report.errors.append(f"{rng.doc_id}:{item[0]}: missed {item[2]} {item[1]!r}")
                if sys_items[item] > correct:
                    report.errors.append(f"{rng.doc_id}:{item[0]}: spurious {item[2]} {item[1]!r}")
        gold_facts = {t for f in rng.facts if f["relation"] in RELATIONS for t in gold_facts_of(f, known)}
        sys_facts = {t for c in extraction.claims[rng.doc_id]
                     if c.prop in RELATIONS
                     and rng.first <= norm.line_of(norm.to_source(c.sentence.start, c.sentence.end)[0]) <= rng.last
                     for t in system_facts(c)}
        for fact in gold_facts | sys_facts:
            score = report.facts[fact[1]]
            score.gold += fact in gold_facts
            score.system += fact in sys_facts
            score.correct += fact in gold_facts and fact in sys_facts
            if fact in gold_facts and fact not in sys_facts:
                report.errors.append(f"{rng.doc_id}: missed fact {fact}")
            elif fact in sys_facts and fact not in gold_facts:
                report.errors.append(f"{rng.doc_id}: spurious fact {fact}")
    report.linking.gold = report.linking.system
    return report


def _row(name: str, s: Score) -> str:
    return f"| {name} | {s.gold} | {s.system} | {s.correct} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |"


def format_report(report: Report, title: str) -> str:
    head = "| | gold | system | correct | precision | recall | F1 |\n|---|---:|---:|---:|---:|---:|---:|"
    lines = [f"### {title}", f"{report.ranges} annotated ranges, {report.lines} lines.", "", "Mentions (names):", "", head]
    lines += [_row(t, s) for t, s in report.mentions.items()]
    lines.append(_row("**all names**", report.total(report.mentions)))
    lines.append(_row("definite descriptions (coreference)", report.anaphors))
    if report.linking.system:
        lines.append(f"\nEntity linking on correct name mentions: {report.linking.correct}/{report.linking.system}"
                     f" = {report.linking.correct / report.linking.system:.3f}")
    lines += ["", "Facts:", "", head]
    lines += [_row(r, s) for r, s in report.facts.items() if s.gold or s.system]
    for group, relations in FACT_GROUPS.items():
        lines.append(_row(f"*{group}*", report.total({r: report.facts[r] for r in relations})))
    lines.append(_row("**all facts**", report.total(report.facts)))
    return "\n".join(lines)
