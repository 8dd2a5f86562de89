from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterbookConfig(AppConfig):
    name = "doudi.rosterbook"
    label = "rosterbook"
    verbose_name = _("签章名册")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from doudi.registry import access

        from .models import RosterVersion

        access.REGION_PATHS[RosterVersion] = (
            "region_code",
        )  # versions are region-scoped like everything else
