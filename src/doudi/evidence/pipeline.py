"""Read a folder of feed files into the evidence of a county, and run every check over households."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from doudi.evidence import checks, priority
from doudi.evidence.feeds import FeedKind, kind_of_file
from doudi.evidence.model import Finding, Household, limits_on
from doudi.evidence.parse import FeedParse, parse_feed
from doudi.evidence.records import Evidence

SUFFIXES = (".xlsx", ".xls", ".csv")  # preferred order when a feed comes in several formats


def feed_files(folder: Path) -> dict[FeedKind, Path]:
    """One file per feed in a folder, recognised by name (kind or Chinese label), xlsx before csv."""
    found: dict[FeedKind, Path] = {}
    for suffix in SUFFIXES:
        for path in sorted(folder.glob(f"*{suffix}")):
            kind = kind_of_file(path.name[: -len(suffix)])
            if kind is not None and kind not in found:
                found[kind] = path
    return found


def evidence_of(parses: Iterable[FeedParse]) -> Evidence:
    evidence = Evidence()
    for parse in parses:
        evidence.add_all(parse.kind, ((r.id_number, r.fields) for r in parse.accepted))
    return evidence


def read_folder(folder: Path, today: date) -> list[FeedParse]:
    files = feed_files(folder)
    return [parse_feed(path, kind, today) for kind, path in files.items()]


@dataclass(frozen=True)
class Run:
    integrity: list[Finding]
    priority: list[Finding]


def check_all(
    households: list[Household],
    evidence: Evidence,
    on: date,
    county: str,
    filings: frozenset[tuple[str, str]] = frozenset(),
) -> Run:
    ctx = checks.Context(on, limits_on(on, county), evidence, filings)
    households = [checks.with_province_cover(h, evidence) for h in households]
    return Run(list(checks.integrity(households, ctx)), list(priority.discover(households, evidence)))


def keys(findings: Iterable[Finding]) -> Iterator[tuple[str, str, str]]:
    for f in findings:
        yield f.key
