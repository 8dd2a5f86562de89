"""The pure entry point: `generate(config) -> Summary`, for one county or for the whole province."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from doudi.core.divisions import Division, Level, UnknownDivision, yunnan
from doudi.synth.config import SynthConfig
from doudi.synth.county import CountyRun, allocate, villages_of


@dataclass
class Summary:
    out_dir: Path
    counties: int = 0
    persons: int = 0  # members of card households
    files: list[Path] = field(default_factory=list)
    rows: Counter[str] = field(default_factory=Counter)  # by roster kind
    errors: Counter[str] = field(default_factory=Counter)  # planted roster errors by kind
    households: Counter[str] = field(default_factory=Counter)  # by truth status


def _county(code: str) -> Division:
    try:
        division = yunnan().get(code)
    except UnknownDivision:
        raise ValueError(f"县级区划代码 {code} 不存在(应为云南省的6位代码, 如 530627 镇雄县)") from None
    if division.level is not Level.COUNTY:
        raise ValueError(f"{code}({division.name})不是县级区划, 请给出6位县(市、区)代码")
    return division


def counties_and_shares(config: SynthConfig) -> list[tuple[Division, int]]:
    """The counties to generate and the card-household persons of each."""
    if not config.province:
        return [(_county(config.county), config.persons)]
    gazetteer = yunnan()
    counties = [c for p in gazetteer.children("53") for c in gazetteer.children(p.code)]
    weights = [float(len(villages_of(c.code))) for c in counties]
    return [(c, n) for c, n in zip(counties, allocate(config.persons, weights), strict=True) if n > 0]


def generate(config: SynthConfig, progress: Callable[[int], None] | None = None) -> Summary:
    """Write the rosters, truth and household facts; `progress` is called with persons done per household."""
    summary = Summary(config.out_dir)
    tick = progress or (lambda _n: None)
    for county, persons in counties_and_shares(config):
        out = config.out_dir / county.code if config.province else config.out_dir
        result = CountyRun(config, county, persons, out, tick).run()
        summary.counties += 1
        summary.persons += result.persons
        summary.files += result.files
        summary.rows.update(result.rows)
        summary.errors.update(result.errors)
        summary.households.update(result.households)
    return summary
