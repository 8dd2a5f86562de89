"""A county whose match run leaves pairs for clerical review in two villages, and another county with its own run:
for the review queue's tests (the web page and the command)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from doudi.core import ids
from doudi.matching.actions import run_match
from doudi.matching.models import ClericalReview, HouseholdCoverage, MatchRun
from doudi.registry.models import DibaoMember, Household, Membership, Person
from tests.factories import (
    VILLAGE,
    create_batch,
    create_dibao_enrolment,
    create_household,
    create_person,
    create_poverty_registration,
    create_user,
)

OTHER_VILLAGE = "532923101202"  # same township (祥城镇), another village
OTHER_COUNTY_VILLAGE = "532924100201"  # 宾川县


def civil_household(village: str, head: Person, *members: tuple[Person, str]) -> Household:
    """A dibao household (not a card household) with its enrolment and members."""
    household = create_household(village, head=head, origin="civil", household_no=None)
    enrolment = create_dibao_enrolment(
        household, covered_members=1 + len(members), source_batch=create_batch(kind="dibao")
    )
    for person, relation in members:
        Membership.objects.create(person=person, household=household, relation=relation)
        DibaoMember.objects.create(enrolment=enrolment, person=person)
    return household


def namesakes(village: str, name: str, born: date, sex: str = "M") -> tuple[Person, Person]:
    """Two persons of one name and birth date whose valid IDs differ in the sequence only: the model cannot tell
    a typist's slip from twins, so the pair goes to review."""
    county = village[:6]
    first = create_person(village, name=name, sex=sex, birth_date=born, id_number=ids.make(county, born, 101))
    second = create_person(
        village, name=name, sex=sex, birth_date=born, id_number=ids.make(county, born, 103)
    )
    return first, second


def lone_card_household(village: str, name: str, born: date) -> tuple[Household, Household]:
    """A one-person card household whose only member has a namesake heading a dibao household: (card, roll)."""
    card_person, roll_person = namesakes(village, name, born)
    card = create_household(village, head=card_person)
    create_poverty_registration(card)
    return card, civil_household(village, roll_person)


@dataclass
class ReviewCounty:
    run: MatchRun
    other_run: MatchRun
    civil: Any  # county users
    township: Any
    village: Any  # the cadre of VILLAGE
    other_village: Any  # the cadre of OTHER_VILLAGE
    prefecture: Any
    other_civil: Any  # the other county's civil-affairs user
    zhou: Household  # VILLAGE: not covered; its only member's namesake heads a dibao household
    zhou_roll: Household
    li: Household  # VILLAGE: head covered; the wife's record on the dibao roll waits for review
    li_wife: Person
    zhao: Household  # OTHER_VILLAGE: like zhou
    sun: Household  # the other county: like zhou

    def review_of(self, household: Household) -> ClericalReview:
        return ClericalReview.objects.get(
            link__poverty_household=household, link__run__in=[self.run, self.other_run]
        )

    def coverage_of(self, household: Household) -> HouseholdCoverage:
        return HouseholdCoverage.objects.exclude(coverage_class="roll_only").get(
            run__in=[self.run, self.other_run], household=household
        )


def review_county() -> ReviewCounty:
    zhou, zhou_roll = lone_card_household(VILLAGE, "周杰", date(1971, 3, 3))

    head = create_person(VILLAGE, name="李国强")
    li = create_household(VILLAGE, head=head)
    create_poverty_registration(li)
    wife, wife_roll = namesakes(VILLAGE, "王秀英", date(1975, 6, 6), sex="F")
    Membership.objects.create(person=wife, household=li, relation="配偶")
    civil_household(VILLAGE, head, (wife_roll, "配偶"))

    zhao, _ = lone_card_household(OTHER_VILLAGE, "赵刚", date(1968, 8, 8))
    sun, _ = lone_card_household(OTHER_COUNTY_VILLAGE, "孙丽", date(1980, 1, 9))

    civil = create_user("county_civil", scope=VILLAGE[:6])
    other_civil = create_user("county_civil", scope=OTHER_COUNTY_VILLAGE[:6])
    run = run_match(civil)
    other_run = run_match(other_civil)
    return ReviewCounty(
        run=run, other_run=other_run, civil=civil, township=create_user("township", scope=VILLAGE[:9]),
        village=create_user("village", scope=VILLAGE), other_village=create_user("village", scope=OTHER_VILLAGE),
        prefecture=create_user("prefecture", scope=VILLAGE[:4]), other_civil=other_civil,
        zhou=zhou, zhou_roll=zhou_roll, li=li, li_wife=wife, zhao=zhao, sun=sun,
    )  # fmt: skip
