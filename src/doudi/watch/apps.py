from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "doudi.watch"
    label = "watch"
    verbose_name = _("动态管理")
