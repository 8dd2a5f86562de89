"""The Django side of the action plan's campaign: campaigns, cases, transitions, committee meetings.

The state machine lives in the pure package doudi.campaign; this app stores cases and runs its actions.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "doudi.casework"
    label = "casework"
    verbose_name = _("兜底保障行动")

    def ready(self) -> None:
        from doudi.registry.audit import connect_login_audit

        from .access import register

        register()
        connect_login_audit()  # the "logging in is audited"; belongs in registry's AppConfig.ready
