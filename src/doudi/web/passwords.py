"""Password validation with messages in Chinese (Django's zh_Hans catalogue lacks the 5.x length message)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length check, with its message and help text in Chinese."""

    def get_error_message(self) -> str:
        return _("密码太短: 至少要有 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少要有 %(n)d 个字符。") % {"n": self.min_length}
