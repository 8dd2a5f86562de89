"""Feed batches and their records, household authorisations (家庭经济状况核对授权), near-relative filings
(近亲属备案) and findings. Rows are written only by doudi.feeds.actions, doudi.feeds.imports and
doudi.feeds.checking; reads go through doudi.feeds.access."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.evidence.feeds import FEEDS
from doudi.evidence.model import LABELS
from doudi.registry.models import RegionCoded

KIND_CHOICES = [(spec.kind.value, spec.label) for spec in FEEDS.values()]
CODE_CHOICES = [(code.value, label) for code, label in LABELS.items()]


class FeedBatch(models.Model):
    """One imported feed file. rows_read = rows_accepted + rows_rejected, always; rejected rows are listed in
    `problems` with their row, column and how to fix them."""

    kind = models.CharField(_("数据类别"), max_length=24, choices=KIND_CHOICES)
    region_code = models.CharField(_("所属区划代码"), max_length=12, blank=True, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件摘要(SHA-256)"), max_length=64)
    size_bytes = models.BigIntegerField(_("文件大小"))
    rows_read = models.PositiveIntegerField(_("读取行数"))
    rows_accepted = models.PositiveIntegerField(_("接收行数"))
    rows_rejected = models.PositiveIntegerField(_("退回行数"))
    rows_linked = models.PositiveIntegerField(_("匹配到登记人员的行数"), default=0)
    problems = models.JSONField(_("退回明细"), default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("部门数据批次")
        verbose_name_plural = _("部门数据批次")
        constraints = (models.UniqueConstraint(fields=["kind", "sha256"], name="feeds_batch_unique_file"),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"


class LinkMethod(models.TextChoices):
    """How a feed row was linked to a registry person (doudi.evidence.linking)."""

    EXACT = "exact", _("身份证号一致")
    HOUSEHOLD = "household", _("同户姓名一致")
    PROBABILISTIC = "probabilistic", _("概率匹配")
    UNLINKED = "unlinked", _("未关联")


class FeedRecord(models.Model):
    """One accepted row, with the resident ID cleaned as the matching engine cleans it and the registry person
    it links to (null when no stage of the matching engine links it), with how it was linked."""

    batch = models.ForeignKey(
        FeedBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField(_("数据类别"), max_length=24, choices=KIND_CHOICES)
    row = models.PositiveIntegerField(_("行号"))
    id_number = models.CharField(_("公民身份号码(清洗后)"), max_length=18, db_index=True)
    id_valid = models.BooleanField(_("身份证号校验通过"), default=True)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("登记人员"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_method = models.CharField(
        _("关联方式"), max_length=16, choices=LinkMethod.choices, default=LinkMethod.UNLINKED
    )
    link_weight = models.FloatField(_("匹配权重"), null=True, blank=True)  # probabilistic links only
    fields = models.JSONField(_("内容"), default=dict)

    class Meta:
        verbose_name = _("部门数据记录")
        verbose_name_plural = _("部门数据记录")
        indexes = (models.Index(fields=["kind", "person"], name="feeds_record_kind_person"),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 第{self.row}行"


class AuthorisationKind(models.TextChoices):
    SIGNED = "signed", _("户主签署授权书")
    OVERRIDE = "override", _("依规定免于授权(经审批)")


class Authorisation(models.Model):
    """The household's written authorisation to verify its economic status with other departments' data, or an
    audited override where the rules allow one. A tekun person the registry keeps without a household (集中供养)
    signs for themself: `person` is set and `household` is null."""

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="authorisations",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("特困人员(无家庭户)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("方式"), max_length=16, choices=AuthorisationKind.choices)
    signed_on = models.DateField(_("签署(审批)日期"))
    reason = models.TextField(_("免于授权的依据和理由"), blank=True)
    revoked_on = models.DateField(_("撤回日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("家庭经济状况核对授权")
        verbose_name_plural = _("家庭经济状况核对授权")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(household__isnull=False) | models.Q(person__isnull=False),
                name="feeds_authorisation_household_or_person",
            ),
        )

    def __str__(self) -> str:
        return f"{self.household or self.person} {self.get_kind_display()} {self.signed_on.isoformat()}"


class Filing(models.Model):
    """近亲属备案 (民发〔2021〕57号): a village official's or caseworker's near relative in a case household, filed in
    the campaign. The official named here cannot act on that household's case."""

    campaign = models.ForeignKey(
        "casework.Campaign", verbose_name=_("兜底保障行动"), on_delete=models.PROTECT, related_name="filings"
    )
    official_id_number = models.CharField(_("干部(经办人员)身份证号"), max_length=18)
    official_name = models.CharField(_("干部(经办人员)姓名"), max_length=64)
    official_role = models.CharField(_("职务"), max_length=32)
    official_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("干部(经办人员)账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relative_filings",
    )
    relative = models.ForeignKey(
        "registry.Person", verbose_name=_("近亲属"), on_delete=models.PROTECT, related_name="+"
    )
    relation = models.CharField(_("亲属关系"), max_length=16)
    filed_on = models.DateField(_("备案日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("近亲属备案")
        verbose_name_plural = _("近亲属备案")

    def __str__(self) -> str:
        return f"{self.official_name}({self.official_role}) 近亲属 {self.relative.name}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待核查")
    CASE = "case", _("已立案核查")


class Finding(RegionCoded):
    """One finding of a check: a stable code, the household, the person (if any) and the evidence."""

    code = models.CharField(_("发现代码"), max_length=32, choices=CODE_CHOICES, db_index=True)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="findings",
    )  # null: a tekun person the registry keeps without a household
    subject = models.CharField(_("涉及人员身份证号"), max_length=18, blank=True)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("涉及人员"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.JSONField(_("证据"), default=dict)
    found_on = models.DateField(_("发现日期"))
    status = models.CharField(
        _("状态"), max_length=8, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    case = models.ForeignKey(
        "casework.Case", verbose_name=_("核查个案"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("比对发现")
        verbose_name_plural = _("比对发现")
        constraints = (
            models.UniqueConstraint(fields=["code", "household", "subject"], name="feeds_finding_unique"),
        )

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.household}"

    @property
    def integrity(self) -> bool:
        return self.code.startswith("INT_")
