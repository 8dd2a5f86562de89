"""Reviews (定期核查), dated benefit changes (增发/减发/停发) and change events of covered households."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.monitor.reviews import DECISION_TEXT, Decision
from doudi.registry.models.assessments import OUTCOME_CHOICES

DECISION_CHOICES = [(d.value, DECISION_TEXT[d]) for d in Decision]


class Review(models.Model):
    """One periodic review of a covered household and what the rules concluded."""

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="watch_reviews"
    )
    reviewed_on = models.DateField(_("核查日期"), db_index=True)
    effective_month = models.DateField(_("生效月份"))
    irregular_income = models.BooleanField(_("收入不稳定"), default=False)
    outcome = models.CharField(_("研判结论"), max_length=24, choices=OUTCOME_CHOICES)
    decision = models.CharField(_("核查决定"), max_length=16, choices=DECISION_CHOICES)
    amount_before_fen = models.BigIntegerField(_("原月保障金(分)"), default=0)
    amount_after_fen = models.BigIntegerField(_("新月保障金(分)"), default=0)
    next_due = models.DateField(_("下次核查月份"), null=True, blank=True)
    result = models.JSONField(_("研判结果"), default=dict)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("定期核查")
        verbose_name_plural = _("定期核查")
        ordering = ("household", "-reviewed_on", "-pk")

    def __str__(self) -> str:
        return f"{self.household}:{self.get_decision_display()}({self.reviewed_on})"


class BenefitChange(models.Model):
    """A dated change of a dibao enrolment's monthly amount, so a payroll of any month pays what was due then."""

    enrolment = models.ForeignKey(
        "registry.DibaoEnrolment",
        verbose_name=_("低保"),
        on_delete=models.PROTECT,
        related_name="watch_changes",
    )
    effective_month = models.DateField(_("生效月份"), db_index=True)
    decision = models.CharField(_("决定"), max_length=16, choices=DECISION_CHOICES)
    amount_before_fen = models.BigIntegerField(_("原月保障金(分)"))
    amount_after_fen = models.BigIntegerField(_("新月保障金(分)"))
    cause = models.CharField(_("原因"), max_length=200)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("保障金变动")
        verbose_name_plural = _("保障金变动")
        ordering = ("enrolment", "effective_month", "pk")

    def __str__(self) -> str:
        return f"{self.enrolment_id}:{self.get_decision_display()}({self.effective_month})"


class ChangeKind(models.TextChoices):
    BIRTH = "birth", _("出生")
    DEATH = "death", _("死亡")
    MOVE = "move", _("迁出")
    INCOME = "income", _("收入变化")
    DISABILITY = "disability", _("新增残疾")
    ILLNESS = "illness", _("患重特大疾病")
    ROSTER = "roster", _("名册更新")


class ChangeEvent(models.Model):
    """Something that happened to a household, and whether it changed what the rules say of it."""

    kind = models.CharField(_("变化类型"), max_length=16, choices=ChangeKind.choices)
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="watch_events"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_on = models.DateField(_("发生日期"))
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    outcome_before = models.CharField(_("变化前结论"), max_length=24, choices=OUTCOME_CHOICES, blank=True)
    outcome_after = models.CharField(_("变化后结论"), max_length=24, choices=OUTCOME_CHOICES, blank=True)
    total_before_fen = models.BigIntegerField(_("变化前月救助(分)"), default=0)
    total_after_fen = models.BigIntegerField(_("变化后月救助(分)"), default=0)
    needs_action = models.BooleanField(_("需重新审核"), default=False, db_index=True)
    cases_reopened = models.PositiveIntegerField(_("重新打开的个案数"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("家庭变化")
        verbose_name_plural = _("家庭变化")
        ordering = ("-occurred_on", "-pk")

    def __str__(self) -> str:
        return f"{self.household}:{self.get_kind_display()}({self.occurred_on})"


class ReserveFund(models.Model):
    """A township's reserve fund (乡镇临时救助备用金) for paying first (先行救助)."""

    township_code = models.CharField(_("乡镇代码"), max_length=9, unique=True)
    name = models.CharField(_("名称"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("乡镇备用金")
        verbose_name_plural = _("乡镇备用金")

    def __str__(self) -> str:
        return self.name or self.township_code


class ReserveEntryKind(models.TextChoices):
    TOP_UP = "top_up", _("拨付")
    PAYMENT = "payment", _("支出")


class ReserveEntry(models.Model):
    """One movement of a reserve fund; the balance is top-ups minus payments (amounts positive, fen)."""

    fund = models.ForeignKey(
        ReserveFund, verbose_name=_("备用金"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=ReserveEntryKind.choices)
    amount_fen = models.BigIntegerField(_("金额(分)"))
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("备用金收支")
        verbose_name_plural = _("备用金收支")
        constraints = (
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="watch_reserve_positive"),
        )

    def __str__(self) -> str:
        return f"{self.fund}:{self.get_kind_display()} {self.amount_fen}"


class EmergencyMode(models.Model):
    """应急状态: within the region and dates, approval is simplified, document deadlines are extended and
    assistance is approved and paid in the same month (当月审批当月发放)."""

    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=200)

    class Meta:
        verbose_name = _("应急状态")
        verbose_name_plural = _("应急状态")

    def __str__(self) -> str:
        return f"{self.region_code} {self.start}~{self.end}"


class TemporaryGrant(models.Model):
    """One temporary-assistance grant (临时救助) for one event of one household; never twice for the same event."""

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="watch_grants"
    )
    event_key = models.CharField(_("事件"), max_length=100)
    event_date = models.DateField(_("事发日期"))
    severity = models.CharField(_("困难程度"), max_length=8)
    route = models.CharField(_("救助方式"), max_length=16)
    emergency = models.BooleanField(_("应急状态"), default=False)
    amount_fen = models.BigIntegerField(_("金额(分)"))
    payment = models.OneToOneField(
        "registry.TemporaryAssistancePayment",
        verbose_name=_("发放记录"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    documents_due = models.DateField(_("补齐材料期限"), null=True, blank=True)
    documents_received_on = models.DateField(_("材料补齐日期"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("临时救助")
        verbose_name_plural = _("临时救助")
        constraints = (
            models.UniqueConstraint(fields=["household", "event_key"], name="watch_grant_once_per_event"),
        )

    def __str__(self) -> str:
        return f"{self.household}:{self.event_key}"


class VisitResult(models.TextChoices):
    APPLIED = "applied", _("已引导申请救助")
    REFERRED = "referred", _("已转介帮扶")
    MONITOR = "monitor", _("继续跟踪")
    NO_NEED = "no_need", _("经核实无需救助")


class WarningVisit(models.Model):
    """A caseworker's visit to a household on an early-warning list (主动发现), and what came of it."""

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="watch_visits"
    )
    visited_on = models.DateField(_("走访日期"))
    signals = models.JSONField(_("预警类型"), default=list)
    result = models.CharField(_("走访结果"), max_length=16, choices=VisitResult.choices)
    note = models.TextField(_("情况说明"), blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("预警走访")
        verbose_name_plural = _("预警走访")
        ordering = ("household", "-visited_on", "-pk")

    def __str__(self) -> str:
        return f"{self.household}:{self.get_result_display()}({self.visited_on})"


class WarningCount(models.Model):
    """How many households of a village showed each early-warning signal on a day: written whenever the lists
    are computed (the warnings page, `doudi watch warnings`, the demo), read by the dashboard and the monthly
    report so that neither recomputes the lists."""

    village_code = models.CharField(_("村代码"), max_length=12, db_index=True)
    computed_on = models.DateField(_("预警日期"), db_index=True)
    signal = models.CharField(_("预警类型"), max_length=16)
    households = models.PositiveIntegerField(_("户数"))
    visited = models.PositiveIntegerField(_("已走访户数"), default=0)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("预警户数")
        verbose_name_plural = _("预警户数")
        constraints = (
            models.UniqueConstraint(
                fields=["village_code", "computed_on", "signal"], name="watch_warning_count_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.village_code} {self.computed_on} {self.signal}: {self.households}"


class FlagKind(models.TextChoices):
    MISSING_FROM_ROSTER = "missing_from_roster", _("新版名册中缺失")


class ReviewFlag(models.Model):
    """A person the registry holds for a roster and region who is missing from its newer version: to be checked
    (died, moved, left the roll, or left out by mistake) before anything changes. Never deletes anything; shown
    in the review worklist until a caseworker resolves it."""

    kind = models.CharField(
        _("核查事项"), max_length=24, choices=FlagKind.choices, default=FlagKind.MISSING_FROM_ROSTER
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="watch_flags"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watch_flags",
    )
    village_code = models.CharField(_("行政村代码"), max_length=12, db_index=True)
    roster_kind = models.CharField(_("名册类型"), max_length=16)
    batch = models.ForeignKey(
        "registry.ImportBatch", verbose_name=_("新版名册批次"), on_delete=models.PROTECT, related_name="+"
    )
    previous_batch = models.ForeignKey(
        "registry.ImportBatch",
        verbose_name=_("上一版名册批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    resolved_on = models.DateField(_("处理日期"), null=True, blank=True)
    resolution = models.CharField(_("处理结果"), max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("待核查事项")
        verbose_name_plural = _("待核查事项")
        ordering = ("village_code", "pk")
        constraints = (
            models.UniqueConstraint(fields=["kind", "person", "batch"], name="watch_flag_once_per_batch"),
        )

    def __str__(self) -> str:
        return f"{self.person}:{self.get_kind_display()}"


class RefusalKind(models.TextChoices):
    PROJECT = "project", _("扶贫项目")
    EMPLOYMENT = "employment", _("就业推荐")
    VERIFICATION = "verification", _("配合核查")


class RefusalResponse(models.TextChoices):
    REFUSED = "refused", _("无正当理由拒绝")
    REFUSED_VALID = "refused_valid", _("有正当理由未参加")
    ACCEPTED = "accepted", _("已参加/已配合")


class Refusal(models.Model):
    """One offer made to a person (a poverty project, a job referral, a verification visit) and the response
    (P6). Refusals without valid reason in a row reach the rules' threshold and cut the person's own share of
    the household's dibao from the next month; a valid reason breaks the run, and an acceptance lifts the cut
    from the next month (doudi.rules.timelines.sanctions)."""

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="watch_refusals"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        on_delete=models.PROTECT,
        related_name="watch_refusals",
    )
    kind = models.CharField(_("事项"), max_length=16, choices=RefusalKind.choices)
    offered_on = models.DateField(_("日期"), db_index=True)
    response = models.CharField(_("本人表现"), max_length=16, choices=RefusalResponse.choices)
    note = models.CharField(_("情况说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("拒绝参与记录")
        verbose_name_plural = _("拒绝参与记录")
        ordering = ("person", "offered_on", "pk")

    def __str__(self) -> str:
        return f"{self.person}:{self.get_kind_display()} {self.get_response_display()}({self.offered_on})"
