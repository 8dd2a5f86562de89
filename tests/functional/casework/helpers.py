"""Helpers for casework tests: a county with a campaign, users per role, marked card households."""

from __future__ import annotations

from datetime import date
from typing import Any

from doudi.casework import actions
from doudi.casework.actions import CaseInput
from doudi.casework.models import Campaign, Case
from doudi.registry.models import Household
from tests.factories import (
    COUNTY,
    VILLAGE,
    create_household,
    create_member,
    create_poverty_registration,
    create_user,
)

OTHER_VILLAGE = "532923101202"  # same township (祥城镇), another village
OTHER_TOWNSHIP_VILLAGE = "532923102201"  # another township of 祥云县
OTHER_COUNTY_VILLAGE = "532924100201"  # 宾川县
SPRING = date(2020, 3, 20)


def marked_household(village_code: str = VILLAGE, members: int = 1, **kw: Any) -> Household:
    """A card household marked by the poverty office for the safety-net pathway (S1)."""
    household = create_household(village_code)
    for _ in range(members):
        create_member(household, "配偶")
    create_poverty_registration(household, safety_net_mark=True, exit_pathway="产业帮扶、兜底保障", **kw)
    return household


class County:
    """Users of every role scoped to the default village, its township and county; a 2020 campaign."""

    def __init__(self) -> None:
        self.village = create_user("village")
        self.township = create_user("township")
        self.civil = create_user("county_civil")
        self.civil2 = create_user("county_civil")
        self.poverty = create_user("county_poverty")
        self.committee = create_user("county_committee")
        self.prefecture = create_user("prefecture")
        self.province = create_user("province")
        self.campaign: Campaign = actions.create_campaign(self.civil, 2020, COUNTY)

    def open(self, *households: Household, **kw: Any) -> list[Case]:
        inputs = [CaseInput(h.pk, **kw) for h in households]
        actions.open_cases(self.civil, self.campaign, inputs, SPRING)
        return [Case.objects.get(campaign=self.campaign, household=h) for h in households]

    def take(self, user: Any, case: Case, name: str, on: date = SPRING, **payload: Any) -> Case:
        return actions.take(user, case.pk, name, payload, on)

    def to_approved(self, case: Case, benefit: int = 30_000) -> Case:
        self.take(self.township, case, "start_assessment")
        self.take(self.township, case, "propose_eligible", program="dibao", benefit_fen=benefit)
        return self.take(self.civil, case, "approve")

    def to_not_eligible(self, case: Case) -> Case:
        self.take(self.township, case, "start_assessment")
        self.take(
            self.village,
            case,
            "propose_not_eligible",
            reason_code="d2_income_not_below",
            note="年人均收入 6000 元",
        )
        return self.take(self.civil, case, "confirm_not_eligible")
