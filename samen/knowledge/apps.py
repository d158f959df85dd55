from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "samen.knowledge"
    verbose_name = _("Knowledge")

    def ready(self) -> None:
        from samen.knowledge.access import register_readers
        from samen.knowledge.kinds import register_kinds
        from samen.knowledge.signals import connect_signals

        register_kinds()
        connect_signals()
        register_readers()
