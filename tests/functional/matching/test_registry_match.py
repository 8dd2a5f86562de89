"""`run_match` over the registry (SQLite and PostgreSQL): links, review queue and household classes are stored."""

from datetime import date

import pytest
from click.testing import CliRunner

from doudi.cli import main
from doudi.core import ids
from doudi.linkage.model import shipped_model
from doudi.matching.actions import decide_review, run_match
from doudi.matching.models import ClericalReview, HouseholdCoverage, MatchRun, PersonLink
from doudi.registry.models import DibaoMember, Membership
from tests.factories import (
    VILLAGE,
    create_batch,
    create_dibao_enrolment,
    create_household,
    create_person,
    create_poverty_registration,
    create_tekun_enrolment,
    create_user,
)

OTHER_COUNTY_VILLAGE = "532901001001"


def civil_household(head, *members):  # type: ignore[no-untyped-def]
    household = create_household(head=head, origin="civil", household_no=None)
    enrolment = create_dibao_enrolment(
        household, covered_members=1 + len(members), source_batch=create_batch(kind="dibao")
    )
    for person, relation in members:
        Membership.objects.create(person=person, household=household, relation=relation)
        DibaoMember.objects.create(enrolment=enrolment, person=person)
    return household


@pytest.fixture
def county() -> dict[str, object]:
    covered_head = create_person(name="李国强")
    covered = create_household(head=covered_head)
    create_poverty_registration(covered)
    child = create_person(name="李小红", id_number=None, birth_date=None)
    Membership.objects.create(person=child, household=covered, relation="之女")
    roll_child = create_person(name="李小红", id_number=None, birth_date=None)
    civil_household(covered_head, (roll_child, "之女"))

    missed_head = create_person(name="陈春", disability_category="4", disability_grade=1)
    missed = create_household(head=missed_head)
    create_poverty_registration(missed)

    born = date(1971, 3, 3)
    card_zhou = create_person(name="周杰", birth_date=born, id_number=ids.make("532923", born, 101))
    create_poverty_registration(create_household(head=card_zhou))
    roll_zhou = create_person(name="周杰", birth_date=born, id_number=ids.make("532923", born, 103))
    civil_household(roll_zhou)

    tekun_only = create_tekun_enrolment()
    elsewhere = create_household(OTHER_COUNTY_VILLAGE)
    create_poverty_registration(elsewhere)
    return {"covered": covered, "missed": missed, "child": child, "roll_child": roll_child,
            "head": covered_head, "tekun": tekun_only.person, "elsewhere": elsewhere}  # fmt: skip


@pytest.mark.django_db
def test_run_stores_links_review_queue_and_household_classes(county: dict) -> None:  # type: ignore[type-arg]
    user = create_user("county_civil", scope=VILLAGE[:6])
    run = run_match(user)
    assert run.status == "complete" and run.region_code == VILLAGE[:6]
    assert run.model["comparisons"] and run.thresholds == {"auto": 0.99, "review": 0.5}
    assert run.batches.count() == 2  # the two dibao batches the enrolments came from
    auto = PersonLink.objects.filter(run=run, band="auto")
    pairs = {(link.poverty_person_id, link.roll_person_id, link.stage) for link in auto}
    assert (county["head"].pk, county["head"].pk, "exact") in pairs
    child = auto.get(poverty_person=county["child"])
    assert child.roll_person == county["roll_child"]  # no ID: found through the household head and relation
    assert child.stage == "household" or child.evidence["fields"]["head_id"] == "exact"
    classes = {c.household_id: c for c in HouseholdCoverage.objects.filter(run=run)}
    assert classes[county["covered"].pk].coverage_class == "covered_dibao"
    assert set(classes[county["covered"].pk].covered_members) == {county["head"].pk, county["child"].pk}
    missed = classes[county["missed"].pk]
    assert missed.coverage_class == "not_covered"
    assert missed.priority_members == [county["missed"].head_id]
    assert county["elsewhere"].pk not in classes  # outside the user's county
    roll_only = HouseholdCoverage.objects.get(run=run, person=county["tekun"])
    assert roll_only.coverage_class == "roll_only"


@pytest.mark.django_db
def test_two_valid_ids_of_namesakes_go_to_review_and_can_be_decided(county: dict) -> None:  # type: ignore[type-arg]
    user = create_user("county_civil", scope=VILLAGE[:6])
    run = run_match(user)
    review = ClericalReview.objects.get(link__run=run)
    assert review.link.poverty_person.name == review.link.roll_person.name == "周杰"
    assert review.link.evidence["fields"]["id"] == "same_area_and_birth"
    decide_review(user, review, "non_match", "两人身份证号都有效,是同日出生的不同人")
    review.refresh_from_db()
    assert review.decision == "non_match" and review.decided_by == user and review.decided_at is not None


@pytest.mark.django_db
def test_cli_match_over_the_registry(county: dict) -> None:  # type: ignore[type-arg]
    create_user("county_civil", scope=VILLAGE[:6], username="minzheng")
    result = CliRunner().invoke(main, ["match", "--user", "minzheng"])
    assert result.exit_code == 0, result.output
    assert "比对汇总" in result.output
    assert MatchRun.objects.count() == 1


@pytest.mark.django_db
def test_cli_match_unknown_user_says_how_to_fix() -> None:
    result = CliRunner().invoke(main, ["match", "--user", "nobody"])
    assert result.exit_code != 0
    assert "没有名为“nobody”的有效用户" in result.output


@pytest.mark.django_db
def test_a_model_trained_once_is_reused_by_later_runs_over_the_region(county: dict) -> None:  # type: ignore[type-arg]
    user = create_user("county_civil", scope=VILLAGE[:6])
    trained = {**shipped_model(), "probability_two_random_records_match": 2e-4}
    MatchRun.objects.create(region_code=VILLAGE[:6], status="complete", trained=True, model=trained)
    run = run_match(user)
    assert run.model == trained and not run.trained
    fresh = run_match(user, model=shipped_model())
    assert fresh.model == shipped_model()
