"""Person: one resident, identified by the canonical 18-character resident ID when there is one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from doudi.core import ids
from doudi.core.ids import DisabilityCategory, mask
from doudi.core.rosters import LABOR

from .base import RegionCoded, Sourced

DISABILITY_CATEGORY_CHOICES = [(c.value, c.label) for c in DisabilityCategory]
LABOR_LABEL_CHOICES = [(label, label) for label in LABOR]


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class LaborCapacity(models.TextChoices):
    FULL = "full", _("有劳动能力")
    PARTIAL = "partial", _("部分丧失劳动能力")
    NONE = "none", _("完全丧失劳动能力")


class Schooling(models.TextChoices):
    NONE = "none", _("未在校")
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中职")
    COLLEGE = "college", _("大专(高职)")
    BACHELOR = "bachelor", _("本科")


class Employment(models.TextChoices):
    NONE = "none", _("未务工")
    LOCAL = "local", _("乡镇内务工")
    COUNTY = "county", _("县内乡镇外务工")
    PROVINCE = "province", _("省内县外务工")
    OUT_OF_PROVINCE = "out_of_province", _("省外务工")
    PUBLIC_WELFARE_JOB = "public_welfare_job", _("公益性岗位")


# The six daily activities of the tekun care assessment (RULES.md §4), as `manages_*` fields.
DAILY_ACTIVITIES = (
    "manages_eating",
    "manages_dressing",
    "manages_bed_transfer",
    "manages_toileting",
    "manages_walking_indoors",
    "manages_bathing",
)


class Person(RegionCoded, Sourced):
    """A resident. Region codes are where the person currently lives (household village, or the institution's
    village for tekun in care), so persons can be scoped even without a household."""

    id_number = models.CharField(_("公民身份号码"), max_length=18, null=True, blank=True)
    name = models.CharField(_("姓名"), max_length=64)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    alive = models.BooleanField(_("在世"), default=True)
    death_date = models.DateField(_("死亡日期"), null=True, blank=True)
    disability_category = models.CharField(
        _("残疾类别"), max_length=1, choices=DISABILITY_CATEGORY_CHOICES, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("残疾等级"), null=True, blank=True, choices=[(g, f"{g}级") for g in range(1, 5)]
    )
    disability_certificate = models.CharField(_("残疾证号"), max_length=20, blank=True)
    health_label = models.CharField(_("健康状况(名册原文)"), max_length=32, blank=True)
    major_illness = models.BooleanField(_("患有大病"), default=False)
    major_illness_assistance = models.BooleanField(_("获重特大疾病医疗救助"), default=False)
    major_illness_assistance_on = models.DateField(_("重特大疾病医疗救助日期"), null=True, blank=True)
    labor_capacity = models.CharField(_("劳动能力"), max_length=16, choices=LaborCapacity.choices, blank=True)
    labor_label = models.CharField(_("劳动技能(名册原文)"), max_length=32, blank=True)
    manages_eating = models.BooleanField(_("能自主进食"), default=True)
    manages_dressing = models.BooleanField(_("能自主穿衣"), default=True)
    manages_bed_transfer = models.BooleanField(_("能自主上下床"), default=True)
    manages_toileting = models.BooleanField(_("能自主如厕"), default=True)
    manages_walking_indoors = models.BooleanField(_("能室内行走"), default=True)
    manages_bathing = models.BooleanField(_("能自主洗澡"), default=True)
    schooling = models.CharField(_("在校情况"), max_length=16, choices=Schooling.choices, blank=True)
    employment = models.CharField(_("务工状况"), max_length=24, choices=Employment.choices, blank=True)
    history = HistoricalRecords(verbose_name=_("人员历史"), verbose_name_plural=_("人员历史"))

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = (
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(id_number__isnull=False),
                name="registry_person_id_number_unique",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name}({mask(self.id_number) if self.id_number else '无身份证号'})"

    def clean(self) -> None:
        if self.id_number and (found := ids.problem(self.id_number)) is not None:
            raise ValidationError({"id_number": found.message}, code=found.value)
        if self.id_number and ids.validate(self.id_number) != self.id_number:
            raise ValidationError(
                {"id_number": _("请填写18位规范身份证号:%(id)s") % {"id": ids.validate(self.id_number)}},
                code="id_not_canonical",
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.id_number == "":
            self.id_number = None  # an empty ID is "none yet", never a value that could collide
        super().save(*args, **kwargs)

    @property
    def failed_daily_activities(self) -> int:
        """How many of the six daily activities the person cannot manage (RULES.md §4)."""
        return sum(not getattr(self, field) for field in DAILY_ACTIVITIES)
