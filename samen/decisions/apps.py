from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "samen.decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        from samen.decisions.access import register_readers
        from samen.decisions.kinds import register_kinds

        register_kinds()
        register_readers()
