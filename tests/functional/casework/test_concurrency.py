"""Two people approving the same case at the same moment: one wins, the other gets a clear conflict,
and the household is enrolled once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from doudi.casework import actions
from doudi.casework.actions import CaseworkError
from doudi.registry.models import DibaoEnrolment

from .helpers import SPRING, County, marked_household


@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_enrol_once() -> None:
    county = County()
    household = marked_household()
    (case,) = county.open(household)
    county.take(county.township, case, "start_assessment")
    county.take(county.township, case, "propose_eligible", program="dibao", benefit_fen=30_000)
    start = threading.Barrier(2)
    outcomes: list[Any] = []

    def approve(user: Any) -> None:
        start.wait()
        try:
            outcomes.append(actions.take(user, case.pk, "approve", {}, SPRING).state)
        except CaseworkError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (county.civil, county.civil2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [o for o in outcomes if isinstance(o, CaseworkError)]
    assert outcomes.count("approved") == 1 and len(errors) == 1, outcomes
    assert errors[0].kind == "conflict"
    assert DibaoEnrolment.objects.filter(household=household).count() == 1
