"""Users' roles and region scope, and the append-only audit log of reads, exports and imports."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from doudi.core.divisions import yunnan


class Role(models.TextChoices):
    VILLAGE = "village", _("村(驻村工作队)")
    TOWNSHIP = "township", _("乡镇")
    COUNTY_CIVIL = "county_civil", _("县民政局")
    COUNTY_POVERTY = "county_poverty", _("县扶贫办")
    COUNTY_COMMITTEE = "county_committee", _("县领导小组秘书")
    PREFECTURE = "prefecture", _("州(市)督导")
    PROVINCE = "province", _("省督导")
    ADMIN = "admin", _("系统管理员")


# Length of the division-code scope each role works at.
SCOPE_LENGTH = {
    Role.VILLAGE: 12,
    Role.TOWNSHIP: 9,
    Role.COUNTY_CIVIL: 6,
    Role.COUNTY_POVERTY: 6,
    Role.COUNTY_COMMITTEE: 6,
    Role.PREFECTURE: 4,
    Role.PROVINCE: 2,
}


class Profile(models.Model):
    """A user's role and scope: a division-code prefix; every row whose village code starts with it is theirs.
    Only an admin may have the empty scope (the whole database)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    scope = models.CharField(_("管辖区划代码"), max_length=12, blank=True, db_index=True)
    history = HistoricalRecords(verbose_name=_("用户角色历史"), verbose_name_plural=_("用户角色历史"))

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(role="admin") | ~models.Q(scope=""), name="registry_profile_scope_required"
            ),
        )

    def __str__(self) -> str:
        return f"{self.user.get_username()}({self.get_role_display()},{self.scope or '全部'})"

    def clean(self) -> None:
        expected = SCOPE_LENGTH.get(Role(self.role)) if self.role in Role.values else None
        if expected is not None and (len(self.scope) != expected or not self.scope.isdigit()):
            raise ValidationError(
                {"scope": _("该角色的管辖区划代码应为%(n)d位数字") % {"n": expected}}, code="bad_scope"
            )
        if self.scope and self.scope not in yunnan().by_code:
            raise ValidationError(
                {"scope": _("区划代码 %(code)s 不存在(统计用区划代码 2023 版)") % {"code": self.scope}},
                code="unknown_scope",
            )


class AuditAction(models.TextChoices):
    VIEW_FULL_ID = "view_full_id", _("查看完整身份证号")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("审计记录只能追加,不能修改")

    def delete(self) -> NoReturn:
        raise PermissionError("审计记录只能追加,不能删除")


class AuditEvent(models.Model):
    """Who did what to which object, where and when. Rows are only ever added."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # The hash chain (doudi.registry.audit): position, the previous event's SM3 digest, this event's digest.
    seq = models.PositiveBigIntegerField(_("链序号"), unique=True, null=True, editable=False)
    prev_digest = models.CharField(_("前一条摘要"), max_length=64, blank=True, editable=False)
    digest = models.CharField(_("摘要(SM3)"), max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ("-at",)

    def __str__(self) -> str:
        who = self.user.get_username() if self.user_id and self.user else "系统"
        return (
            f"{self.at:%Y-%m-%d %H:%M} {who} {self.get_action_display()} {self.object_type} {self.object_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("审计记录只能追加,不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("审计记录只能追加,不能删除")
