"""One small county per session (a few hundred persons), generated through the public API."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from doudi.synth import ErrorRates, Summary, SynthConfig, generate

# High enough that a few hundred persons show every error kind many times.
NOISY = ErrorRates(
    id_digit_typo=0.04,
    id_transposition=0.04,
    id_15_digit=0.04,
    id_full_width=0.04,
    id_spaces=0.04,
    id_apostrophe=0.04,
    id_excel_number=0.04,
    id_lowercase_x=0.5,
    child_without_id=0.5,
    duplicate_row=0.04,
    name_variant=0.1,
    sex_mismatch=0.03,
    moved_person=0.2,
    deceased_listed=0.2,
    village_as_code=0.3,
    rare_name=0.03,
    rare_bmp_name=0.03,
)


@dataclass
class Generated:
    summary: Summary
    out: Path

    def sheet(self, name: str) -> list[list[Any]]:
        rows: list[list[Any]] = (
            CalamineWorkbook.from_path(str(self.out / name)).get_sheet_by_index(0).to_python()
        )
        return rows

    def table(self, name: str, encoding: str = "utf-8") -> list[dict[str, str]]:
        with (self.out / name).open(encoding=encoding, newline="") as fh:
            return list(csv.DictReader(fh))

    def facts(self) -> list[dict[str, Any]]:
        with (self.out / "household_facts.jsonl").open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh]


def make(out: Path, **overrides: Any) -> Generated:
    config = SynthConfig(out_dir=out, **overrides)
    return Generated(generate(config), out)


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Default rates, every format."""
    out = tmp_path_factory.mktemp("county")
    return make(out, persons=800, seed=7, formats=("xlsx", "csv", "gb18030", "messy"))


@pytest.fixture(scope="session")
def noisy(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Raised error rates, xlsx and csv."""
    return make(tmp_path_factory.mktemp("noisy"), persons=1500, seed=11, errors=NOISY)
