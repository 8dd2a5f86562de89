"""A small county: two townships of 祥云县, a neighbour county, signers with keys in a temporary folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from doudi.rosterbook import keystore
from doudi.rosterbook.commands import roster
from tests import factories as f

OTHER_TOWNSHIP_VILLAGE = "532923102201"  # 沙龙镇 沙龙社区村民委员会
OTHER_COUNTY_VILLAGE = "532901001001"


@dataclass
class County:
    signer: Any
    reviewer: Any
    prefecture: Any
    township: Any
    safety_net: Any  # household marked for 兜底保障
    dibao: Any
    tekun: Any


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DOUDI_KEY_DIR", str(tmp_path / "keys"))
    return tmp_path / "keys"


@pytest.fixture
def county(db: None, keys: Path) -> County:
    signer = f.create_user("county_civil", f.COUNTY, username="civil", first_name="王签发")
    reviewer = f.create_user("county_poverty", f.COUNTY, username="poverty")
    prefecture = f.create_user("prefecture", "5329", username="pref")
    township = f.create_user("township", f.VILLAGE[:9], username="town")
    for user in (signer, prefecture, township):
        keystore.generate(user.username)

    head = f.create_person(name="张𠮷", birth_date=date(1950, 3, 1))
    marked = f.create_household(head=head)
    f.create_member(marked, "配偶", name="李䶮", sex="F")
    f.create_poverty_registration(marked, safety_net_mark=True, income_per_capita_fen=350_000)
    f.create_poverty_registration(f.create_household(), safety_net_mark=False)

    dibao = f.create_dibao_enrolment(marked, covered_members=2, monthly_amount_fen=75_000)
    f.create_dibao_enrolment(f.create_household(OTHER_TOWNSHIP_VILLAGE), monthly_amount_fen=37_500)
    f.create_dibao_enrolment(status="ended", end_date=date(2020, 1, 31))
    f.create_dibao_enrolment(f.create_household(OTHER_COUNTY_VILLAGE))
    tekun = f.create_tekun_enrolment(
        f.create_person(name="欧阳娜娜", birth_date=date(1940, 1, 1)), care_standard_fen=15_100
    )
    f.create_payment(marked, amount_fen=100_000, paid_on=date(2020, 3, 10))
    f.create_payment(marked, amount_fen=90_000, paid_on=date(2020, 4, 2))
    return County(signer, reviewer, prefecture, township, marked, dibao, tekun)


def run(*args: str) -> Result:
    return CliRunner().invoke(roster, list(args), catch_exceptions=False)
