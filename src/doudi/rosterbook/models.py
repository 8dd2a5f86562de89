"""RosterVersion: one issued, signed version of a roster of one kind for one region."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterVersion(models.Model):
    """Numbered per (kind, region); `content` holds the exact canonical bytes (UTF-8) that were digested and
    signed, so a version can be verified and compared long after the registry has changed. `files` maps a format
    ("xlsx", "pdf") to {"path": ..., "sm3": ...} of the file handed over. Rows are never updated after issue."""

    kind = models.CharField(_("名册类型"), max_length=32)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    number = models.PositiveIntegerField(_("版本号"))
    period = models.CharField(_("所属期间"), max_length=16, blank=True)
    title = models.CharField(_("名册名称"), max_length=100)
    digest = models.CharField(_("SM3摘要"), max_length=64, unique=True)
    content = models.TextField(_("规范化内容"))
    signature = models.CharField(_("SM2签名(Base64)"), max_length=200)
    key_id = models.CharField(_("签名公钥指纹"), max_length=64)
    public_key_pem = models.TextField(_("签名公钥(PEM)"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签发时间"))
    row_count = models.PositiveIntegerField(_("行数"))
    files = models.JSONField(_("文件"), default=dict, blank=True)

    class Meta:
        verbose_name = _("签章名册版本")
        verbose_name_plural = _("签章名册版本")
        ordering = ("kind", "region_code", "-number")
        constraints = (
            models.UniqueConstraint(
                fields=["kind", "region_code", "number"], name="rosterbook_version_number"
            ),
        )

    def __str__(self) -> str:
        return f"{self.region_code} {self.title} 第{self.number}版"

    @property
    def content_bytes(self) -> bytes:
        return self.content.encode("utf-8")

    @property
    def reference(self) -> str:
        """KIND/REGION/NUMBER, how the CLI names a version."""
        return f"{self.kind}/{self.region_code}/{self.number}"
