"""Household and Membership: who lives in which household, with history of moves."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from doudi.core.rosters import RELATIONS

from .base import RegionCoded, Sourced

RELATION_CHOICES = [(relation, relation) for relation in RELATIONS]


class HouseholdOrigin(models.TextChoices):
    CARD = "card", _("建档立卡户(按户编号)")
    CIVIL = "civil", _("民政在册户(按户主身份证号)")


class Hukou(models.TextChoices):
    RURAL = "rural", _("农业户口")
    URBAN = "urban", _("非农业户口")


class Household(RegionCoded, Sourced):
    """A card household of the poverty registry (keyed by household_no), or a civil-affairs household of the
    dibao or tekun roll (keyed by its head's ID) not (yet) linked to a card household."""

    origin = models.CharField(_("来源"), max_length=8, choices=HouseholdOrigin.choices)
    household_no = models.CharField(_("户编号"), max_length=32, null=True, blank=True)
    head = models.ForeignKey(
        "registry.Person",
        verbose_name=_("户主"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_households",
    )
    hukou = models.CharField(_("户口性质"), max_length=8, choices=Hukou.choices, default=Hukou.RURAL)
    hukou_county_code = models.CharField(_("户籍所在县代码"), max_length=6, blank=True, db_index=True)
    history = HistoricalRecords(verbose_name=_("家庭户历史"), verbose_name_plural=_("家庭户历史"))

    class Meta:
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")
        constraints = (
            models.UniqueConstraint(
                fields=["county_code", "household_no"],
                condition=models.Q(household_no__isnull=False),
                name="registry_household_no_unique_in_county",
            ),
            models.CheckConstraint(
                condition=~models.Q(origin="card") | models.Q(household_no__isnull=False),
                name="registry_card_household_has_no",
            ),
        )

    def __str__(self) -> str:
        head = self.head.name if self.head_id and self.head else "户主未知"
        if self.household_no:
            return f"户编号 {self.household_no}({head})"
        return f"{head}户"


class Membership(Sourced):
    """A person's membership of a household over a period; a move closes one and opens another."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="memberships"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("家庭户"), on_delete=models.CASCADE, related_name="memberships"
    )
    relation = models.CharField(_("与户主关系"), max_length=8, choices=RELATION_CHOICES)
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("家庭成员历史"), verbose_name_plural=_("家庭成员历史"))

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        constraints = (
            models.UniqueConstraint(
                fields=["person", "household"],
                condition=models.Q(valid_to__isnull=True),
                name="registry_membership_one_open_per_household",
            ),
        )

    def __str__(self) -> str:
        return f"{self.person.name}:{self.household}{self.relation}"
