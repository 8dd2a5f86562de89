from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterbookConfig(AppConfig):
    name = "doudi.rosterbook"
    label = "rosterbook"
    verbose_name = _("签章名册")
    default_auto_field = "django.db.models.BigAutoField"
