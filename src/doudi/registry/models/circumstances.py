"""What the assessment counts: income, rigid spending (deductions) and property. Money in fen."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from doudi.core.money import yuan

from .base import PeriodMixin, Sourced


class IncomeKind(models.TextChoices):
    WAGE = "wage", _("工资性收入")
    BUSINESS = "business", _("经营性收入")
    AGRICULTURE = "agriculture", _("农业生产收入")
    PROPERTY = "property", _("财产性收入")
    TRANSFER = "transfer", _("转移性收入")
    PENSION_BASIC_RURAL = "pension_basic_rural", _("城乡居民基础养老金")
    MILITARY_ALLOWANCE = "military_allowance", _("优待抚恤金")
    FAMILY_PLANNING_REWARD = "family_planning_reward", _("计划生育奖励扶助金")
    SCHOLARSHIP = "scholarship", _("奖学金、助学金")
    BRAVERY_AWARD = "bravery_award", _("见义勇为奖励")
    SOCIAL_ASSISTANCE = "social_assistance", _("社会救助金")
    OTHER = "other", _("其他收入")


# Kinds RULES.md §3 leaves out of countable income; the importer's default for `IncomeItem.countable`.
EXCLUDED_INCOME_KINDS = frozenset(
    {
        IncomeKind.PENSION_BASIC_RURAL,
        IncomeKind.MILITARY_ALLOWANCE,
        IncomeKind.FAMILY_PLANNING_REWARD,
        IncomeKind.SCHOLARSHIP,
        IncomeKind.BRAVERY_AWARD,
        IncomeKind.SOCIAL_ASSISTANCE,
    }
)


class DeductionKind(models.TextChoices):
    ILLNESS = "illness", _("因病刚性支出")
    DISABILITY = "disability", _("因残刚性支出")
    SCHOOLING = "schooling", _("因学刚性支出")
    EMPLOYMENT = "employment", _("必要就业成本")


class PropertyKind(models.TextChoices):
    HOUSE = "house", _("住房")
    VEHICLE = "vehicle", _("机动车辆")
    FINANCIAL = "financial", _("金融资产")
    NON_RESIDENTIAL = "non_residential", _("非居住类房屋")
    COMPANY = "company", _("企业")


def _owner_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(person__isnull=False) | models.Q(household__isnull=False), name=name
    )


class OwnedItem(Sourced):
    """Belongs to a person (of a household, or alone) or to a household as a whole."""

    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )

    class Meta:
        abstract = True

    @property
    def owner_label(self) -> str:
        return str(self.person) if self.person_id else str(self.household)


class IncomeItem(OwnedItem, PeriodMixin):
    kind = models.CharField(_("收入类型"), max_length=32, choices=IncomeKind.choices)
    amount_fen = models.BigIntegerField(_("金额(分)"))
    countable = models.BooleanField(_("计入家庭收入"), default=True)
    history = HistoricalRecords(verbose_name=_("收入历史"), verbose_name_plural=_("收入历史"))

    class Meta:
        verbose_name = _("收入")
        verbose_name_plural = _("收入")
        constraints = (_owner_constraint("registry_incomeitem_has_owner"),)

    def __str__(self) -> str:
        return f"{self.owner_label} {self.get_kind_display()} {yuan(self.amount_fen)}元"


class DeductionItem(OwnedItem, PeriodMixin):
    """Rigid spending actually paid (因病、因残、因学刚性支出) or employment cost, net of `reimbursed_fen`."""

    kind = models.CharField(_("支出类型"), max_length=16, choices=DeductionKind.choices)
    amount_fen = models.BigIntegerField(_("支出金额(分)"))
    reimbursed_fen = models.BigIntegerField(_("已报销金额(分)"), default=0)
    history = HistoricalRecords(verbose_name=_("刚性支出历史"), verbose_name_plural=_("刚性支出历史"))

    class Meta:
        verbose_name = _("刚性支出")
        verbose_name_plural = _("刚性支出")
        constraints = (_owner_constraint("registry_deductionitem_has_owner"),)

    def __str__(self) -> str:
        return f"{self.owner_label} {self.get_kind_display()} {yuan(self.amount_fen)}元"


class PropertyItem(OwnedItem):
    """One house, vehicle, financial asset, non-residential property or company."""

    kind = models.CharField(_("财产类型"), max_length=16, choices=PropertyKind.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    value_fen = models.BigIntegerField(_("价值或购置价格(分)"), null=True, blank=True)
    purchase_date = models.DateField(_("购置日期"), null=True, blank=True)
    disability_vehicle = models.BooleanField(_("残疾人功能性补偿代步车"), default=False)
    net_profit_fen = models.BigIntegerField(_("企业年净利润(分)"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("财产历史"), verbose_name_plural=_("财产历史"))

    class Meta:
        verbose_name = _("财产")
        verbose_name_plural = _("财产")
        constraints = (_owner_constraint("registry_propertyitem_has_owner"),)

    def __str__(self) -> str:
        return f"{self.owner_label} {self.get_kind_display()} {self.description}".strip()
