"""A newer roster version reassesses the card households it changed and reopens their settled cases (S5);
persons missing from it become review flags (doudi.watch.hooks, called by doudi.registry.imports)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from doudi.campaign import Step
from doudi.casework import actions as casework
from doudi.casework.actions import CaseInput
from doudi.casework.models import Case
from doudi.registry import imports
from doudi.registry.models import Household, Person
from doudi.watch.actions import WatchError, resolve_flag
from doudi.watch.models import ChangeEvent, ReviewFlag
from doudi.watch.queries import open_flags
from tests.factories import create_user
from tests.unit.ingest.rosters import POVERTY_HEADERS, household, pid, write_xlsx

pytestmark = pytest.mark.django_db
COUNTY = "530623"
SPRING = date(2020, 3, 20)
STATUS = POVERTY_HEADERS.index("脱贫属性")


def _roster(tmp_path: Path, name: str, rows: list[list[object]]) -> Path:
    return write_xlsx(tmp_path / name, [POVERTY_HEADERS, *rows])


def _settled_case(h: Household) -> Case:
    """A 2020 campaign whose S5 period is still running, and the household's case settled as covered."""
    civil = create_user("county_civil", scope=COUNTY)
    township = create_user("township", scope=h.township_code)
    campaign = casework.create_campaign(civil, 2020, COUNTY, {Step.S5: date(2099, 12, 30)})
    casework.open_cases(civil, campaign, [CaseInput(h.pk, outcome="already_covered")], SPRING)
    case = Case.objects.get(campaign=campaign, household=h)
    casework.take(township, case.pk, "start_assessment", {}, SPRING)
    casework.take(township, case.pk, "route_covered", {}, SPRING)
    case.refresh_from_db()
    assert case.state == "routine"  # already covered: routine management (settled)
    return case


def test_a_newer_roster_reopens_the_changed_household_and_flags_the_missing(tmp_path: Path) -> None:
    one, two = household("5306230000000001", 101, 3), household("5306230000000002", 201, 2)
    imports.import_roster(_roster(tmp_path, "v1.xlsx", [*one, *two]), "poverty")
    first = Household.objects.get(household_no="5306230000000001")
    case = _settled_case(first)
    assert ChangeEvent.objects.count() == 0 and ReviewFlag.objects.count() == 0  # a first version is a load

    changed = [list(r) for r in one[:2]]  # the third member is missing from the newer version
    changed[0][STATUS] = "未脱贫"  # and the household's status changed
    second = imports.import_roster(_roster(tmp_path, "v2.xlsx", [*changed, *two]), "poverty")

    event = ChangeEvent.objects.get()
    assert (event.household, event.kind, event.needs_action, event.cases_reopened) == (
        first,
        "roster",
        True,
        1,
    )
    assert event.detail == {"batch": second.batch.pk, "changed": ["status"]}
    case.refresh_from_db()
    assert case.state == "assessing"
    gone = Person.objects.get(id_number=pid(2000, 105))
    flag = ReviewFlag.objects.get()
    assert (flag.person, flag.household, flag.batch, flag.previous_batch) == (
        gone,
        first,
        second.batch,
        imports.ImportBatch.objects.get(pk=second.batch.supersedes_id),
    )
    assert second.flagged_missing == 1


def test_a_new_member_is_a_change_and_an_unchanged_household_is_left_alone(tmp_path: Path) -> None:
    one, two = household("5306230000000001", 101, 2), household("5306230000000002", 201, 2)
    imports.import_roster(_roster(tmp_path, "v1.xlsx", [*one, *two]), "poverty")
    grown = household("5306230000000001", 101, 3)  # a child born
    imports.import_roster(_roster(tmp_path, "v2.xlsx", [*grown, *two]), "poverty")
    (event,) = ChangeEvent.objects.all()
    assert event.household.household_no == "5306230000000001" and event.detail["changed"] == ["members"]
    assert event.cases_reopened == 0  # no campaign case to reopen
    third = household("5306230000000003", 301, 1)  # a new household is a load, not a change
    imports.import_roster(_roster(tmp_path, "v3.xlsx", [*grown, *two, *third]), "poverty")
    assert ChangeEvent.objects.count() == 1


def test_review_flags_show_in_the_worklist_until_resolved(tmp_path: Path) -> None:
    one = household("5306230000000001", 101, 2)
    imports.import_roster(_roster(tmp_path, "v1.xlsx", one), "poverty")
    imports.import_roster(_roster(tmp_path, "v2.xlsx", one[:1]), "poverty")
    township = create_user("township", scope="530623101")
    elsewhere = create_user("township", scope="530623102")
    (flag,) = open_flags(township)
    assert open_flags(elsewhere) == []
    with pytest.raises(WatchError, match="管辖范围"):
        resolve_flag(elsewhere, flag, date(2021, 1, 5), "已迁出")
    with pytest.raises(WatchError, match="核查结果"):
        resolve_flag(township, flag, date(2021, 1, 5), " ")
    resolve_flag(township, flag, date(2021, 1, 5), "已迁出本县")
    assert open_flags(township) == []
