"""What a household or person receives: poverty registration, dibao, tekun, temporary assistance."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from doudi.core.money import yuan
from doudi.core.rosters import EXIT_STATUS, POVERTY_TYPES

from .base import Sourced

POVERTY_TYPE_CHOICES = [(label, label) for label in POVERTY_TYPES]
EXIT_STATUS_CHOICES = [(label, label) for label in EXIT_STATUS]


class PovertyRegistration(Sourced):
    """A card household's entry in the poverty registry (建档立卡)."""

    household = models.OneToOneField(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.CASCADE, related_name="poverty"
    )
    household_no = models.CharField(_("户编号"), max_length=32, db_index=True)
    registration_year = models.PositiveSmallIntegerField(_("识别年度"), null=True, blank=True)
    poverty_type = models.CharField(_("贫困户属性"), max_length=16, choices=POVERTY_TYPE_CHOICES, blank=True)
    status = models.CharField(
        _("脱贫属性"), max_length=8, choices=EXIT_STATUS_CHOICES, default=EXIT_STATUS[0]
    )
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    exit_pathway = models.CharField(_("脱贫方式"), max_length=100, blank=True)
    safety_net_mark = models.BooleanField(_("兜底保障标识"), default=False)  # S1: marked for 兜底保障一批
    support_measures = models.TextField(_("帮扶措施"), blank=True)
    income_per_capita_fen = models.BigIntegerField(_("家庭年人均纯收入(分)"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("建档立卡信息历史"), verbose_name_plural=_("建档立卡信息历史"))

    class Meta:
        verbose_name = _("建档立卡信息")
        verbose_name_plural = _("建档立卡信息")

    def __str__(self) -> str:
        return f"建档立卡户 {self.household_no}({self.status})"


class SupportKind(models.TextChoices):
    INDUSTRY = "industry", _("产业帮扶")
    EMPLOYMENT = "employment", _("就业帮扶")


class SupportMeasure(Sourced):
    """Industry or employment support of a labour-capable member (P5 只兜不扶 guard), confirmed village →
    township → county poverty office; each confirmation is a date (null = not yet)."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="support_measures"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_measures",
    )
    kind = models.CharField(_("帮扶类型"), max_length=16, choices=SupportKind.choices)
    description = models.CharField(_("帮扶内容"), max_length=200, blank=True)
    village_confirmed_on = models.DateField(_("村级确认日期"), null=True, blank=True)
    township_confirmed_on = models.DateField(_("乡镇确认日期"), null=True, blank=True)
    county_confirmed_on = models.DateField(_("县扶贫办确认日期"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("帮扶措施历史"), verbose_name_plural=_("帮扶措施历史"))

    class Meta:
        verbose_name = _("产业就业帮扶")
        verbose_name_plural = _("产业就业帮扶")

    def __str__(self) -> str:
        return f"{self.person.name} {self.get_kind_display()}"

    @property
    def fully_confirmed(self) -> bool:
        return None not in (self.village_confirmed_on, self.township_confirmed_on, self.county_confirmed_on)


class DibaoTier(models.TextChoices):
    A = "A", _("A类")
    B = "B", _("B类")
    C = "C", _("C类")


class DibaoStatus(models.TextChoices):
    ACTIVE = "active", _("在保")
    GRADUAL_EXIT = "gradual_exit", _("救助渐退")
    SUSPENDED = "suspended", _("暂停发放")
    ENDED = "ended", _("已停保")


class DibaoEnrolment(Sourced):
    """A household's dibao cover, or one person's cover as a single-person household (参照单人户, P4)."""

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        on_delete=models.CASCADE,
        related_name="dibao_enrolments",
    )
    single_person = models.BooleanField(_("参照单人户"), default=False)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("单人户保障对象"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="single_dibao_enrolments",
    )
    tier = models.CharField(_("保障类别"), max_length=1, choices=DibaoTier.choices, blank=True)
    covered_members = models.PositiveSmallIntegerField(_("保障人口"))
    monthly_amount_fen = models.BigIntegerField(_("月保障金(分)"))
    start_date = models.DateField(_("纳入日期"), null=True, blank=True)
    end_date = models.DateField(_("停保日期"), null=True, blank=True)
    gradual_exit_end = models.DateField(_("渐退期截止日期"), null=True, blank=True)  # 救助渐退 (P3)
    status = models.CharField(
        _("状态"), max_length=16, choices=DibaoStatus.choices, default=DibaoStatus.ACTIVE
    )
    history = HistoricalRecords(verbose_name=_("低保保障历史"), verbose_name_plural=_("低保保障历史"))

    class Meta:
        verbose_name = _("低保保障")
        verbose_name_plural = _("低保保障")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(single_person=False) | models.Q(person__isnull=False),
                name="registry_dibao_single_person_has_person",
            ),
        )

    def __str__(self) -> str:
        who = f"{self.person.name}(单人户)" if self.single_person and self.person else str(self.household)
        return f"低保 {who} {self.covered_members}人 月{yuan(self.monthly_amount_fen)}元"


class DibaoMember(models.Model):
    """A covered member of a dibao enrolment (保障对象)."""

    enrolment = models.ForeignKey(
        DibaoEnrolment, verbose_name=_("低保保障"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="dibao_memberships"
    )
    history = HistoricalRecords(verbose_name=_("低保保障对象历史"), verbose_name_plural=_("低保保障对象历史"))

    class Meta:
        verbose_name = _("低保保障对象")
        verbose_name_plural = _("低保保障对象")
        constraints = (
            models.UniqueConstraint(fields=["enrolment", "person"], name="registry_dibao_member_unique"),
        )

    def __str__(self) -> str:
        return f"{self.person.name}(低保保障对象)"


class SupportMode(models.TextChoices):
    HOME = "home", _("分散供养")
    INSTITUTION = "institution", _("集中供养")


class SelfCareLevel(models.TextChoices):
    SELF_CARE = "self_care", _("全自理")
    PARTIAL = "partial", _("半自理")
    FULL_CARE = "full_care", _("全护理")


class TekunEnrolment(Sourced):
    """A person's tekun support (特困人员救助供养); standards in fen per month."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="tekun_enrolments"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tekun_enrolments",
    )
    support_mode = models.CharField(_("供养方式"), max_length=16, choices=SupportMode.choices)
    self_care_level = models.CharField(
        _("自理能力"), max_length=16, choices=SelfCareLevel.choices, blank=True
    )
    basic_standard_fen = models.BigIntegerField(_("基本生活标准(分/月)"), null=True, blank=True)
    care_standard_fen = models.BigIntegerField(_("照料护理标准(分/月)"), null=True, blank=True)
    start_date = models.DateField(_("纳入日期"), null=True, blank=True)
    end_date = models.DateField(_("终止日期"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("特困供养历史"), verbose_name_plural=_("特困供养历史"))

    class Meta:
        verbose_name = _("特困供养")
        verbose_name_plural = _("特困供养")

    def __str__(self) -> str:
        return f"特困 {self.person.name}({self.get_support_mode_display()})"


class AssistanceKind(models.TextChoices):
    EMERGENCY = "emergency", _("急难型")
    EXPENSE = "expense", _("支出型")


class TemporaryAssistancePayment(Sourced):
    """A temporary assistance payment (临时救助, M2), to a person or a household."""

    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="temporary_assistance",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="temporary_assistance",
    )
    kind = models.CharField(_("救助类型"), max_length=16, choices=AssistanceKind.choices)
    amount_fen = models.BigIntegerField(_("救助金额(分)"))
    event_description = models.TextField(_("事由"), blank=True)
    event_date = models.DateField(_("事发日期"), null=True, blank=True)
    approved_on = models.DateField(_("审批日期"), null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    paid_by_township_reserve = models.BooleanField(_("乡镇备用金先行救助"), default=False)
    history = HistoricalRecords(verbose_name=_("临时救助历史"), verbose_name_plural=_("临时救助历史"))

    class Meta:
        verbose_name = _("临时救助")
        verbose_name_plural = _("临时救助")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(household__isnull=False),
                name="registry_temporary_assistance_has_recipient",
            ),
        )

    def __str__(self) -> str:
        who = self.person.name if self.person_id and self.person else str(self.household)
        return f"临时救助 {who} {yuan(self.amount_fen)}元"
