"""The month a page with a month selector shows first: the latest month with data in the user's region.

A demo (or an archive) holds the 2020 campaign while the calendar says otherwise; a dashboard opened on the
current month would show a flat line far from anything that happened. So when the latest month in which
something happened to the region's funds (an enrolment started or ended, an amount changed, a temporary payment
was made) lies in an earlier year, the pages open on that month; when it lies in the current year (a live
system), or there is no data at all, they open on the current month."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Max, Q

from doudi.registry import access
from doudi.rules.timelines import month_of


def latest_data_month(user: Any, region: str, today: date) -> date:
    """The first day of the month to show first in `region` (through the access layer): the latest month with
    data if that lies in a year before `today`'s, else `today`'s month."""
    from doudi.watch.models import BenefitChange

    cap = month_of(today)
    dibao = access.dibao_enrolments_for(user).filter(household__village_code__startswith=region)
    tekun = access.tekun_enrolments_for(user).filter(person__village_code__startswith=region)
    paid = access.temporary_assistance_for(user)
    if region:
        paid = paid.filter(
            Q(person__village_code__startswith=region) | Q(household__village_code__startswith=region)
        )
    days = [
        *dibao.aggregate(a=Max("start_date"), b=Max("end_date")).values(),
        *tekun.aggregate(a=Max("start_date"), b=Max("end_date")).values(),
        paid.aggregate(a=Max("paid_on"))["a"],
        BenefitChange.objects.filter(enrolment__in=dibao.values("pk")).aggregate(a=Max("effective_month"))[
            "a"
        ],
    ]
    latest = max((month_of(day) for day in days if day is not None), default=None)
    if latest is None or latest.year >= cap.year:
        return cap  # a live year: this month (open enrolments are paid every month up to now)
    return latest
