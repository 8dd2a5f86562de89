"""Campaigns, cases, their history, committee meetings and referrals (the action plan's casework).

Rows are written only by doudi.casework.actions; reads go through doudi.casework.access.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.campaign import Decision, Program, State, Step
from doudi.registry.models import RegionCoded

STATE_CHOICES = [(s.value, s.text) for s in State]
STEP_CHOICES = [(s.value, f"{s.value} {s.text}") for s in Step]
PROGRAM_CHOICES = [(p.value, p.text) for p in Program]
DECISION_CHOICES = [(Decision.ELIGIBLE.value, _("符合条件")), (Decision.NOT_ELIGIBLE.value, _("不符合条件"))]


class Campaign(models.Model):
    """One county's run of the action plan in one year, with a deadline per step (defaults from the plan)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    county_code = models.CharField(_("县(市、区)代码"), max_length=6, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    s1_deadline = models.DateField(_("S1 梳理对接截止日期"))
    s2_deadline = models.DateField(_("S2 排查识别截止日期"))
    s3_deadline = models.DateField(_("S3 落实兜底截止日期"))
    s4_deadline = models.DateField(_("S4 确认结果截止日期"))
    s5_deadline = models.DateField(_("S5 巩固衔接截止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("兜底保障行动")
        verbose_name_plural = _("兜底保障行动")
        constraints = (
            models.UniqueConstraint(fields=["year", "county_code"], name="casework_campaign_unique"),
        )

    def __str__(self) -> str:
        return self.name

    def deadlines(self) -> dict[Step, date]:
        return {step: getattr(self, f"{step.value.lower()}_deadline") for step in Step}

    def set_deadlines(self, deadlines: dict[Step, date]) -> None:
        for step, day in deadlines.items():
            setattr(self, f"{step.value.lower()}_deadline", day)


class CommitteeMeeting(models.Model):
    """A meeting of the county leading group (or standing committee) that confirms cases in batch (S4)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("兜底保障行动"), on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField(_("会议日期"))
    attendees = models.TextField(_("参会人员"))
    minutes = models.FileField(_("会议纪要"), upload_to="casework/minutes/%Y/", blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("领导小组审定会议")
        verbose_name_plural = _("领导小组审定会议")

    def __str__(self) -> str:
        return f"{self.campaign} 审定会议 {self.held_on.isoformat()}"


class Case(RegionCoded):
    """One card household in one campaign. Region codes are copied from the household when the case opens."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("兜底保障行动"), on_delete=models.PROTECT, related_name="cases"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="cases"
    )
    state = models.CharField(_("状态"), max_length=24, choices=STATE_CHOICES, default=State.RECEIVED.value)
    due_step = models.CharField(_("当前步骤"), max_length=2, choices=STEP_CHOICES, blank=True, db_index=True)
    due_date = models.DateField(_("办理时限"), null=True, blank=True, db_index=True)
    safety_net = models.BooleanField(_("扶贫部门兜底保障标识名单"), default=False)  # S1 list
    assessment_outcome = models.CharField(_("研判结论"), max_length=32, blank=True)
    assessment_reasons = models.JSONField(_("研判理由代码"), default=list, blank=True)
    # The cross-match (doudi.matching): the run the inputs came from, the household's class, and the evidence.
    match_run = models.ForeignKey(
        "matching.MatchRun",
        verbose_name=_("名册比对运行"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    coverage_class = models.CharField(_("名册比对结果"), max_length=16, blank=True)
    coverage = models.JSONField(_("名册比对依据"), default=dict, blank=True)
    decision = models.CharField(_("认定结论"), max_length=16, choices=DECISION_CHOICES, blank=True)
    program = models.CharField(_("纳入方式"), max_length=16, choices=PROGRAM_CHOICES, blank=True)
    benefit_fen = models.BigIntegerField(_("保障金额(分/月)"), null=True, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("保障对象(单人户或特困)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    reason_code = models.CharField(_("不符合原因代码"), max_length=32, blank=True)
    note = models.TextField(_("说明"), blank=True)
    disputed = models.BooleanField(_("有争议"), default=False)
    approved_by = models.JSONField(_("审批人"), default=list, blank=True)
    enrolled = models.BooleanField(_("本案保障记录在保"), default=False)
    dibao_enrolment = models.ForeignKey(
        "registry.DibaoEnrolment",
        verbose_name=_("低保保障记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tekun_enrolment = models.ForeignKey(
        "registry.TekunEnrolment",
        verbose_name=_("特困供养记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopen_count = models.PositiveSmallIntegerField(_("重新研判次数"), default=0)
    meeting = models.ForeignKey(
        CommitteeMeeting,
        verbose_name=_("审定会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    opened_on = models.DateField(_("立案日期"))
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("兜底保障对象个案")
        verbose_name_plural = _("兜底保障对象个案")
        constraints = (
            models.UniqueConstraint(fields=["campaign", "household"], name="casework_case_one_per_household"),
        )
        indexes = (
            models.Index(fields=["campaign", "state"], name="casework_case_state"),
            # A campaign's cases in a scope, counted or paged in id order, from this index alone.
            models.Index(fields=["campaign", "id", "village_code"], name="casework_case_scope"),
        )

    def __str__(self) -> str:
        return f"{self.household}({State(self.state).text})"


class CaseEvent(models.Model):
    """The history of a case: one row per transition, never changed."""

    case = models.ForeignKey(Case, verbose_name=_("个案"), on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    on = models.DateField(_("办理日期"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("角色"), max_length=24)
    transition = models.CharField(_("操作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=24, blank=True)
    to_state = models.CharField(_("新状态"), max_length=24)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    writes = models.JSONField(_("写入"), default=list, blank=True)

    class Meta:
        verbose_name = _("个案办理记录")
        verbose_name_plural = _("个案办理记录")
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.on.isoformat()} {self.transition} {self.from_state}→{self.to_state}"


class Referral(models.Model):
    """A not-covered case handed to the poverty office with the other support measures decided (S4)."""

    case = models.ForeignKey(Case, verbose_name=_("个案"), on_delete=models.PROTECT, related_name="referrals")
    measures = models.TextField(_("其他帮扶措施"))
    sent_on = models.DateField(_("转扶贫部门日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("转扶贫部门记录")
        verbose_name_plural = _("转扶贫部门记录")

    def __str__(self) -> str:
        return f"{self.case} 转扶贫部门 {self.sent_on.isoformat()}"
