"""ImportBatch: one roster file read into the registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.core.divisions import CODE_SYSTEM, EDITION
from doudi.core.rosters import RosterKind

ROSTER_KIND_CHOICES = [(kind.value, kind.label) for kind in RosterKind]


class BatchStatus(models.TextChoices):
    RUNNING = "running", _("导入中")
    COMPLETE = "complete", _("已完成")
    FAILED = "failed", _("失败")


class ImportBatch(models.Model):
    """A roster file and what became of it. A completed batch is unique per (kind, sha256): re-importing the
    same file is a no-op. A new file of the same kind and region `supersedes` the previous batch."""

    kind = models.CharField(_("名册类型"), max_length=16, choices=ROSTER_KIND_CHOICES)
    region_code = models.CharField(_("名册所属区划代码"), max_length=12, blank=True, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256 摘要"), max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(_("文件大小(字节)"))
    code_system = models.CharField(_("区划代码体系"), max_length=8, default=CODE_SYSTEM)
    code_edition = models.CharField(_("区划代码版本"), max_length=8, default=EDITION)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.RUNNING
    )
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_accepted = models.PositiveIntegerField(_("接收行数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("拒收行数"), default=0)
    error_workbook = models.CharField(_("错误清单文件路径"), max_length=500, blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("取代的批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ("-started_at",)
        constraints = (
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=models.Q(status="complete"),
                name="registry_batch_complete_unique_file",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}({self.get_status_display()})"
