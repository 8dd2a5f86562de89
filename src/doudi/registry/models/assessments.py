"""Stored results of the rules engine: one row per household, assessment date and parameter version."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.rules.reasons import OUTCOME_TEXT, Outcome

OUTCOME_CHOICES = [(o.value, OUTCOME_TEXT[o]) for o in Outcome]


class AssessmentResult(models.Model):
    """What the rules say of a household on a date, under a parameter version, with the full explanation."""

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("研判日期"))
    parameter_version = models.CharField(_("参数版本"), max_length=64)
    outcome = models.CharField(_("研判结论"), max_length=24, choices=OUTCOME_CHOICES, db_index=True)
    reasons = models.JSONField(_("理由代码"), default=list)
    benefit_fen = models.BigIntegerField(_("低保金(分/月)"), default=0)
    total_fen = models.BigIntegerField(_("合计救助(分/月)"), default=0)
    edge = models.BooleanField(_("低保边缘"), default=False)
    result = models.JSONField(_("研判结果及计算过程"))
    created_at = models.DateTimeField(_("研判时间"), default=timezone.now)

    class Meta:
        verbose_name = _("研判结果")
        verbose_name_plural = _("研判结果")
        constraints = (
            models.UniqueConstraint(
                fields=["household", "assessed_on", "parameter_version"], name="registry_assessment_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.household}:{self.get_outcome_display()}({self.assessed_on})"
