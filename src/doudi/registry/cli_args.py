"""What the database-backed commands share: the acting login, and days and months given on the command line."""

from __future__ import annotations

from datetime import date
from typing import Any

import click


def parse_day(value: str | None) -> date:
    """YYYY-MM-DD, or today (in the project's time zone) when not given."""
    from django.utils import timezone

    if value is None:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期 {value!r} 无效, 应写 YYYY-MM-DD, 如 2020-04-15") from None


def parse_month(value: str) -> date:
    """YYYY-MM (or a day in it) as the first day of that month."""
    try:
        return date.fromisoformat(f"{value}-01" if len(value) == 7 else value).replace(day=1)
    except ValueError:
        raise click.BadParameter(f"月份 {value!r} 无效, 应写 YYYY-MM, 如 2020-04") from None


def login(username: str) -> Any:
    """The active login a command acts as; its role and scope decide what the command may see and do."""
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.select_related("profile").get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise click.ClickException(
            f"账号 {username!r} 不存在或已停用; 用 `doudi db create-user` 建立账号"
            "(演示县可用 `doudi db create-demo-users`)"
        ) from None
