"""Match runs and their results: person links, the clerical-review queue, household coverage classes.

Written only by doudi.matching.actions (one write path); read for a user through doudi.matching.queries, which
scopes by region like doudi.registry.access.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.registry.models import Household, ImportBatch, Person


class Engine(models.TextChoices):
    DUCKDB = "duckdb", "DuckDB"
    SPARK = "spark", "Spark"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    COMPLETE = "complete", _("已完成")
    FAILED = "failed", _("失败")


class Band(models.TextChoices):
    AUTO = "auto", _("自动链接")
    REVIEW = "review", _("人工复核")


class Stage(models.TextChoices):
    EXACT = "exact", _("身份证号精确比对")
    PROBABILISTIC = "probabilistic", _("概率比对")
    HOUSEHOLD = "household", _("同户关联")


class RollKind(models.TextChoices):
    DIBAO = "dibao", _("低保")
    TEKUN = "tekun", _("特困")


class CoverageClass(models.TextChoices):
    COVERED_DIBAO = "covered_dibao", _("已纳入低保")
    COVERED_TEKUN = "covered_tekun", _("已纳入特困")
    COVERED_BOTH = "covered_both", _("低保特困均有")
    PARTLY = "partly_covered", _("部分成员纳入")
    NOT_COVERED = "not_covered", _("未纳入(疑似漏保)")
    CONFLICT = "conflict", _("信息冲突")
    ROLL_ONLY = "roll_only", _("不在建档立卡名册")


class Decision(models.TextChoices):
    PENDING = "pending", _("待复核")
    MATCH = "match", _("确认为同一人")
    NON_MATCH = "non_match", _("确认不是同一人")


class MatchRun(models.Model):
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("运行人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="match_runs",
    )  # fmt: skip
    region_code = models.CharField(_("比对范围区划代码"), max_length=12, blank=True, db_index=True)
    engine = models.CharField(_("计算引擎"), max_length=16, choices=Engine.choices, default=Engine.DUCKDB)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    model = models.JSONField(_("比对模型(Splink JSON)"), default=dict)
    trained = models.BooleanField(_("本次训练模型"), default=False)
    thresholds = models.JSONField(_("阈值"), default=dict)
    batches = models.ManyToManyField(
        ImportBatch, verbose_name=_("使用的导入批次"), blank=True, related_name="+"
    )
    counts = models.JSONField(_("统计"), default=dict)

    class Meta:
        verbose_name = _("比对运行")
        verbose_name_plural = _("比对运行")
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"{_('比对运行')} {self.pk}({self.get_status_display()})"


class PersonLink(models.Model):
    run = models.ForeignKey(
        MatchRun, verbose_name=_("比对运行"), on_delete=models.CASCADE, related_name="links"
    )
    poverty_person = models.ForeignKey(
        Person, verbose_name=_("建档立卡人员"), on_delete=models.PROTECT, related_name="+"
    )
    poverty_household = models.ForeignKey(
        Household, verbose_name=_("建档立卡户"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    roll = models.CharField(_("救助名册"), max_length=8, choices=RollKind.choices)
    roll_person = models.ForeignKey(
        Person, verbose_name=_("救助名册人员"), on_delete=models.PROTECT, related_name="+"
    )
    roll_household = models.ForeignKey(
        Household, verbose_name=_("救助名册家庭"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    band = models.CharField(_("结果"), max_length=8, choices=Band.choices, db_index=True)
    stage = models.CharField(_("比对方式"), max_length=16, choices=Stage.choices)
    match_probability = models.FloatField(_("匹配概率"))
    match_weight = models.FloatField(_("匹配权重"))
    evidence = models.JSONField(_("比对依据"), default=dict)
    village_code = models.CharField(_("行政村代码"), max_length=12, blank=True, db_index=True)

    class Meta:
        verbose_name = _("人员链接")
        verbose_name_plural = _("人员链接")

    def __str__(self) -> str:
        return f"{self.poverty_person_id}~{self.roll_person_id}({self.get_band_display()})"


class ClericalReview(models.Model):
    """A pair the model could not decide: for a person to decide, with the evidence beside it."""

    link = models.OneToOneField(
        PersonLink, verbose_name=_("待复核链接"), on_delete=models.CASCADE, related_name="review"
    )
    decision = models.CharField(
        _("复核结论"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    note = models.TextField(_("复核说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("复核人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("人工复核")
        verbose_name_plural = _("人工复核")

    def __str__(self) -> str:
        return f"{_('人工复核')} {self.link_id}({self.get_decision_display()})"


class HouseholdCoverage(models.Model):
    """A card household's class (or, class roll_only, a roll household or tekun person not in the registry)."""

    run = models.ForeignKey(
        MatchRun, verbose_name=_("比对运行"), on_delete=models.CASCADE, related_name="coverage"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("家庭"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员(无家庭的特困人员)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    coverage_class = models.CharField(_("分类"), max_length=16, choices=CoverageClass.choices, db_index=True)
    covered_members = models.JSONField(_("已纳入成员(人员编号)"), default=list)
    priority_members = models.JSONField(_("重点对象(人员编号)"), default=list)
    detail = models.JSONField(_("详情"), default=dict)
    village_code = models.CharField(_("行政村代码"), max_length=12, blank=True, db_index=True)

    class Meta:
        verbose_name = _("家庭覆盖情况")
        verbose_name_plural = _("家庭覆盖情况")

    def __str__(self) -> str:
        return f"{self.household_id or self.person_id}:{self.get_coverage_class_display()}"
