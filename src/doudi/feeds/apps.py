from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "doudi.feeds"
    label = "feeds"
    verbose_name = _("部门比对数据")

    def ready(self) -> None:
        from .access import register

        register()
