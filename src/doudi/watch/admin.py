"""Read-only admin pages for 动态管理 (changes go through doudi.watch.actions, never the admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    BenefitChange,
    ChangeEvent,
    EmergencyMode,
    ReserveFund,
    Review,
    TemporaryGrant,
    WarningVisit,
)


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnly):
    list_display = (
        "household",
        "reviewed_on",
        "decision",
        "amount_before_fen",
        "amount_after_fen",
        "next_due",
    )
    list_filter = ("decision",)


@admin.register(BenefitChange)
class BenefitChangeAdmin(ReadOnly):
    list_display = ("enrolment", "effective_month", "decision", "amount_before_fen", "amount_after_fen")


@admin.register(ChangeEvent)
class ChangeEventAdmin(ReadOnly):
    list_display = ("household", "kind", "occurred_on", "outcome_before", "outcome_after", "needs_action")
    list_filter = ("kind", "needs_action")


@admin.register(TemporaryGrant)
class TemporaryGrantAdmin(ReadOnly):
    list_display = ("household", "event_key", "amount_fen", "route", "emergency", "documents_due")


@admin.register(ReserveFund)
class ReserveFundAdmin(ReadOnly):
    list_display = ("township_code", "name")


@admin.register(EmergencyMode)
class EmergencyModeAdmin(ReadOnly):
    list_display = ("region_code", "start", "end", "reason")


@admin.register(WarningVisit)
class WarningVisitAdmin(ReadOnly):
    list_display = ("household", "visited_on", "result")
