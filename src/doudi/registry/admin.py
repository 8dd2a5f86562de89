"""Django admin in zh-hans: every list is region-scoped through the access layer; lists mask IDs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from doudi.core.divisions import UnknownDivision, yunnan
from doudi.core.ids import mask

from . import access
from .models import (
    AuditEvent,
    DeductionItem,
    DibaoEnrolment,
    Household,
    ImportBatch,
    IncomeItem,
    Membership,
    Person,
    PovertyRegistration,
    Profile,
    PropertyItem,
    SupportMeasure,
    TekunEnrolment,
    TemporaryAssistancePayment,
)

admin.site.site_header = _("兜底保障管理后台")
admin.site.site_title = _("兜底保障")


def _division_name(code: str) -> str:
    try:
        return yunnan().get(code).name
    except UnknownDivision:
        return code


def county_filter(path: str) -> type[admin.SimpleListFilter]:
    """A list filter by county, offering only the counties present in the user's scoped rows."""

    class CountyFilter(admin.SimpleListFilter):
        title = _("县(市、区)")
        parameter_name = "county"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            queryset = model_admin.get_queryset(request)
            codes = sorted({code[:6] for code in queryset.values_list(path, flat=True).distinct() if code})
            return [(code, f"{_division_name(code)}({code})") for code in codes]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            value = self.value()
            return queryset.filter(**{f"{path}__startswith": value}) if value else queryset

    return CountyFilter


class ScopedAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """Rows outside the user's region are neither listed nor reachable by URL."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.scoped(request.user, self.model)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "started_at",
        "kind",
        "file_name",
        "status",
        "rows_read",
        "rows_accepted",
        "rows_rejected",
    )
    list_filter = ("kind", "status", county_filter("region_code"))
    search_fields = ("file_name", "=sha256")
    readonly_fields = ("sha256", "size_bytes", "started_at", "finished_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.scoped(request.user, ImportBatch)


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    fk_name = "household"
    raw_id_fields = ("person",)
    extra = 0


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ("__str__", "origin", "household_no", "village_name", "hukou")
    list_filter = ("origin", "hukou", county_filter("village_code"))
    search_fields = ("=household_no", "=village_code", "head__name")
    raw_id_fields = ("head", "source_batch")
    inlines = (MembershipInline,)

    @admin.display(description=_("行政村"), ordering="village_code")
    def village_name(self, obj: Household) -> str:
        return _division_name(obj.village_code)


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ("name", "masked_id", "sex", "birth_date", "alive", "labor_capacity", "village_name")
    list_filter = ("alive", "sex", "labor_capacity", "disability_category", county_filter("village_code"))
    search_fields = ("name", "=id_number")
    raw_id_fields = ("source_batch",)

    @admin.display(description=_("公民身份号码"))
    def masked_id(self, obj: Person) -> str:
        return mask(obj.id_number) if obj.id_number else "—"

    @admin.display(description=_("行政村"), ordering="village_code")
    def village_name(self, obj: Person) -> str:
        return _division_name(obj.village_code)


@admin.register(PovertyRegistration)
class PovertyRegistrationAdmin(ScopedAdmin):
    list_display = ("household_no", "poverty_type", "status", "exit_year", "safety_net_mark")
    list_filter = ("poverty_type", "status", "safety_net_mark", county_filter("household__village_code"))
    search_fields = ("=household_no",)
    raw_id_fields = ("household", "source_batch")


@admin.register(SupportMeasure)
class SupportMeasureAdmin(ScopedAdmin):
    list_display = ("person", "kind", "village_confirmed_on", "township_confirmed_on", "county_confirmed_on")
    list_filter = ("kind", county_filter("person__village_code"))
    raw_id_fields = ("person", "household", "source_batch")


@admin.register(DibaoEnrolment)
class DibaoEnrolmentAdmin(ScopedAdmin):
    list_display = ("__str__", "tier", "covered_members", "status", "start_date", "gradual_exit_end")
    list_filter = ("status", "tier", "single_person", county_filter("household__village_code"))
    raw_id_fields = ("household", "person", "source_batch")


@admin.register(TekunEnrolment)
class TekunEnrolmentAdmin(ScopedAdmin):
    list_display = ("__str__", "support_mode", "self_care_level", "start_date", "end_date")
    list_filter = ("support_mode", "self_care_level", county_filter("person__village_code"))
    raw_id_fields = ("person", "household", "source_batch")


@admin.register(TemporaryAssistancePayment)
class TemporaryAssistancePaymentAdmin(ScopedAdmin):
    list_display = ("__str__", "kind", "event_date", "approved_on", "paid_on", "paid_by_township_reserve")
    list_filter = ("kind", "paid_by_township_reserve", county_filter("household__village_code"))
    raw_id_fields = ("person", "household", "source_batch")


@admin.register(IncomeItem, DeductionItem, PropertyItem)
class CircumstanceAdmin(ScopedAdmin):
    list_display = ("__str__", "kind", "person", "household")
    list_filter = ("kind", county_filter("household__village_code"))
    raw_id_fields = ("person", "household", "source_batch")


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("user", "role", "scope")
    list_filter = ("role",)
    search_fields = ("user__username", "^scope")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the audit log is append-only."""

    list_display = ("at", "user", "action", "object_type", "object_id", "region_code")
    list_filter = ("action",)
    search_fields = ("user__username", "=object_id", "^region_code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return access.scoped(request.user, AuditEvent)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
