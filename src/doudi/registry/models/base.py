"""Abstract building blocks shared by the registry models: region codes and provenance."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.core.divisions import CODE_SYSTEM, EDITION


class RegionCoded(models.Model):
    """Division codes of where a row belongs; the access layer scopes users by a prefix of `village_code`.

    Divisions themselves are not stored: names and parents come from `doudi.core.divisions.yunnan()`.
    """

    county_code = models.CharField(_("县(市、区)代码"), max_length=6, db_index=True)
    township_code = models.CharField(_("乡(镇)代码"), max_length=9, db_index=True)
    village_code = models.CharField(_("行政村代码"), max_length=12, db_index=True)
    code_system = models.CharField(_("区划代码体系"), max_length=8, default=CODE_SYSTEM)
    code_edition = models.CharField(_("区划代码版本"), max_length=8, default=EDITION)

    class Meta:
        abstract = True

    def set_village(self, village_code: str) -> None:
        """Fill all three codes from a 12-digit village code."""
        self.county_code = village_code[:6]
        self.township_code = village_code[:9]
        self.village_code = village_code


class Sourced(models.Model):
    """A row read from an imported roster keeps the batch it came from (null when entered by hand)."""

    source_batch = models.ForeignKey(
        "registry.ImportBatch",
        verbose_name=_("来源导入批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


class PeriodMixin(models.Model):
    """The period an income, deduction or payment covers."""

    period_start = models.DateField(_("起始日期"), null=True, blank=True)
    period_end = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        abstract = True
