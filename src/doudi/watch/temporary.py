"""临时救助 (M2): grants for an event, township reserve funds (备用金) with balances, pay first and document
later (先行救助) with a deadline, and an emergency mode per region and dates. Amounts and routes come from the
rules (doudi.rules.links.temporary_assistance through the engine); a household is never paid twice for the
same event (a unique constraint, checked first with a clear message)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from doudi.core.money import yuan
from doudi.monitor import parameters as monitor_parameters
from doudi.registry import models as m
from doudi.registry.access import in_scope, scope_of
from doudi.registry.assessment import IncompleteRecord
from doudi.registry.audit import record
from doudi.rules.model import Hardship

from .actions import WatchError
from .assess import reassess
from .models import EmergencyMode, ReserveEntry, ReserveEntryKind, ReserveFund, TemporaryGrant


def _require(user: Any, region_code: str) -> None:
    if not in_scope(user, region_code):
        raise WatchError(_("%(r)s 不在您的管辖范围内") % {"r": region_code})


def fund_for(township_code: str) -> ReserveFund:
    fund, _created = ReserveFund.objects.get_or_create(township_code=township_code)
    return fund


def balance(fund: ReserveFund) -> int:
    sums = {
        row["kind"]: row["total"] for row in fund.entries.values("kind").annotate(total=Sum("amount_fen"))
    }
    return int(sums.get(ReserveEntryKind.TOP_UP, 0) or 0) - int(sums.get(ReserveEntryKind.PAYMENT, 0) or 0)


def top_up(user: Any, township_code: str, amount_fen: int, on: date, note: str = "") -> ReserveEntry:
    """Add money to a township's reserve fund."""
    _require(user, township_code)
    if amount_fen <= 0:
        raise WatchError(_("拨付金额须大于0, 收到 %(a)s 元") % {"a": yuan(amount_fen)})
    with transaction.atomic():
        entry = ReserveEntry.objects.create(
            fund=fund_for(township_code),
            kind=ReserveEntryKind.TOP_UP,
            amount_fen=amount_fen,
            on=on,
            note=note,
        )
        record(user, "reserve_top_up", entry, township_code, amount_fen=amount_fen)
    return entry


def declare_emergency(user: Any, region_code: str, start: date, end: date, reason: str) -> EmergencyMode:
    _require(user, region_code)
    if end < start:
        raise WatchError(_("应急状态结束日期 %(e)s 早于开始日期 %(s)s") % {"e": end, "s": start})
    with transaction.atomic():
        mode = EmergencyMode.objects.create(region_code=region_code, start=start, end=end, reason=reason)
        record(user, "emergency_mode", mode, region_code, start=start.isoformat(), end=end.isoformat())
    return mode


def in_emergency(village_code: str, on: date) -> bool:
    prefixes = [village_code[:n] for n in (2, 4, 6, 9, 12)]
    return EmergencyMode.objects.filter(region_code__in=prefixes, start__lte=on, end__gte=on).exists()


def _documents_due(on: date, emergency: bool) -> date:
    days = int(monitor_parameters.at("temporary.documents_days", on).value)
    if emergency:
        days += int(monitor_parameters.at("temporary.emergency_extra_days", on).value)
    return on + timedelta(days=days)


def grant(
    user: Any,
    household: m.Household,
    event_key: str,
    event_date: date,
    on: date,
    severity: str = "general",
    kind: str = "emergency",
    person: m.Person | None = None,
    epidemic_patient: bool = False,
    description: str = "",
) -> TemporaryGrant:
    """Approve and pay temporary assistance for one event. Covered households (and card-household epidemic
    patients) are paid directly; others are paid first from the township's reserve fund with a deadline for
    the papers. In emergency mode it is approved and paid the same day and the deadline is extended."""
    _require(user, household.village_code)
    if TemporaryGrant.objects.filter(household=household, event_key=event_key).exists():
        raise WatchError(_("该户已就事件「%(e)s」获得过临时救助, 同一事件不能重复救助") % {"e": event_key})
    emergency = in_emergency(household.village_code, on)
    try:
        a = reassess(household, on, hardship=Hardship(severity, epidemic_patient, emergency))
    except IncompleteRecord as exc:  # the amount needs the household's data: say what is missing
        raise WatchError(_("无法计算临时救助金额: %(why)s") % {"why": exc}) from None
    if a.temporary is None:
        raise WatchError(_("临时救助参数在 %(d)s 尚未生效, 无法计算金额") % {"d": on.isoformat()})
    t = a.temporary
    first = t.route == "township_first"
    with transaction.atomic():
        fund = ReserveFund.objects.select_for_update().filter(pk=fund_for(household.township_code).pk).get()
        if first and balance(fund) < t.amount:
            raise WatchError(
                _("乡镇备用金余额 %(b)s 元不足以先行救助 %(a)s 元; 请先拨付备用金")
                % {"b": yuan(balance(fund)), "a": yuan(t.amount)}
            )
        payment = m.TemporaryAssistancePayment.objects.create(
            household=household,
            person=person,
            kind=kind,
            amount_fen=t.amount,
            event_description=description or event_key,
            event_date=event_date,
            approved_on=on,
            paid_on=on,
            paid_by_township_reserve=first,
        )
        if first:
            ReserveEntry.objects.create(
                fund=fund, kind=ReserveEntryKind.PAYMENT, amount_fen=t.amount, on=on, note=event_key[:200]
            )
        g = TemporaryGrant.objects.create(
            household=household,
            event_key=event_key,
            event_date=event_date,
            severity=severity,
            route=t.route,
            emergency=emergency,
            amount_fen=t.amount,
            payment=payment,
            documents_due=_documents_due(on, emergency) if first else None,
            granted_by=user if getattr(user, "pk", None) else None,
        )
        record(
            user,
            "temporary_grant",
            g,
            household.village_code,
            amount_fen=t.amount,
            route=t.route,
            emergency=emergency,
        )
    return g


def receive_documents(user: Any, g: TemporaryGrant, on: date) -> TemporaryGrant:
    _require(user, g.household.village_code)
    with transaction.atomic():
        g.documents_received_on = on
        g.save(update_fields=["documents_received_on"])
        record(user, "temporary_documents", g, g.household.village_code, received_on=on.isoformat())
    return g


def documents_overdue(user: Any, on: date) -> list[TemporaryGrant]:
    """Grants paid first whose papers are past their deadline."""
    scope = scope_of(user)
    if scope is None:
        return []
    return list(
        TemporaryGrant.objects.filter(
            household__village_code__startswith=scope,
            documents_due__lt=on,
            documents_received_on__isnull=True,
        ).order_by("documents_due", "pk")
    )


def balances(user: Any) -> list[tuple[ReserveFund, int]]:
    scope = scope_of(user)
    if scope is None:
        return []
    funds = ReserveFund.objects.filter(Q(township_code__startswith=scope) | Q(township_code=scope[:9]))
    return [(f, balance(f)) for f in funds.order_by("township_code") if f.township_code.startswith(scope[:9])]
