from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "samen.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from samen.core import pagecache

        for label in ("communities", "funding", "conversations"):
            pagecache.watch_app(label)
