"""P6: refusal records through the one write path cut the person's own share in the payroll, explained."""

from __future__ import annotations

from datetime import date

import pytest

from doudi.monitor.payroll import changes
from doudi.registry.models import AuditEvent, Person
from doudi.watch.actions import WatchError
from doudi.watch.queries import payroll
from doudi.watch.sanctions import record_refusal, sanctions_in
from tests.factories import create_user
from tests.functional.watch.helpers import OTHER_VILLAGE, covered

pytestmark = pytest.mark.django_db


def _dibao(user, month):
    return [x for x in payroll(user, month) if x.kind.value == "dibao"]


def test_three_refusals_in_a_row_cut_the_workers_own_share_until_he_joins():
    village = create_user("village")
    h = covered(worker=True, amount=37_500)
    worker = Person.objects.get(name="张五")
    for day in (date(2021, 1, 5), date(2021, 2, 5), date(2021, 3, 5)):
        record_refusal(village, worker, day, "refused", "project", "不参加种植合作社")
    (march,) = _dibao(village, date(2021, 3, 1))
    (april,) = _dibao(village, date(2021, 4, 1))
    assert march.amount == 37_500 and april.amount == 18_750  # 2 covered members: his half is withheld
    assert "P6 张五 本人份额停发 187.50 元" in april.note and "自 2021-04 起" in april.note
    (diff,) = changes([march], [april])
    assert diff.why.startswith("减发") and "P6" in diff.why
    record_refusal(village, worker, date(2021, 5, 10), "accepted", "project")
    assert [x.amount for x in _dibao(village, date(2021, 5, 1))] == [18_750]
    assert [x.amount for x in _dibao(village, date(2021, 6, 1))] == [37_500]  # restored the next month
    assert AuditEvent.objects.filter(action="refusal").count() == 4
    ((person, cut, run),) = sanctions_in(village, date(2021, 4, 1))
    assert person == worker and cut is not None and cut.amount == 18_750 and "3 次" in run
    assert h.watch_refusals.count() == 4


def test_a_valid_reason_needs_saying_and_does_not_count():
    village = create_user("village")
    covered(worker=True)
    worker = Person.objects.get(name="张五")
    with pytest.raises(WatchError, match="写明理由"):
        record_refusal(village, worker, date(2021, 1, 5), "refused_valid")
    record_refusal(village, worker, date(2021, 1, 5), "refused")
    record_refusal(village, worker, date(2021, 2, 5), "refused_valid", note="住院治疗")
    record_refusal(village, worker, date(2021, 3, 5), "refused", "verification")
    record_refusal(village, worker, date(2021, 3, 20), "refused", "employment")
    assert [x.amount for x in _dibao(village, date(2021, 4, 1))] == [37_500]


def test_refusals_of_the_old_or_outside_the_scope_are_refused_or_not_cut():
    village = create_user("village")
    h = covered()
    head = h.head  # born 1960-05-01: past working age (60) in 2021
    for day in (date(2021, 1, 5), date(2021, 2, 5), date(2021, 3, 5)):
        record_refusal(village, head, day, "refused")
    assert [x.amount for x in _dibao(village, date(2021, 4, 1))] == [37_500]
    covered(OTHER_VILLAGE, worker=True)
    other = Person.objects.filter(name="张五", village_code=OTHER_VILLAGE).get()
    with pytest.raises(WatchError, match="管辖范围"):
        record_refusal(village, other, date(2021, 1, 5), "refused")
    with pytest.raises(WatchError, match="本人表现"):
        record_refusal(village, head, date(2021, 1, 5), "maybe")


def test_a_member_who_moved_out_has_no_share_to_cut():
    from doudi.watch.actions import record_change

    village = create_user("village")
    h = covered(worker=True)
    worker = Person.objects.get(name="张五")
    for day in (date(2021, 1, 5), date(2021, 2, 5), date(2021, 3, 5)):
        record_refusal(village, worker, day, "refused")
    record_change(village, h, "move", date(2021, 3, 20), worker)
    assert [x.amount for x in _dibao(village, date(2021, 4, 1))] == [37_500]
