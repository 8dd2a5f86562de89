from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "doudi.watch"
    label = "watch"
    verbose_name = _("动态管理")

    def ready(self) -> None:
        from doudi.registry import access

        from . import models as w

        paths = {
            w.Review: ("household__village_code",),
            w.ChangeEvent: ("household__village_code",),
            w.TemporaryGrant: ("household__village_code",),
            w.WarningVisit: ("household__village_code",),
            w.ReviewFlag: ("village_code",),
            w.Refusal: ("household__village_code",),
            w.ReserveFund: ("township_code",),
        }
        for model, path in paths.items():
            access.REGION_PATHS.setdefault(model, path)
