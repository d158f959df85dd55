from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "samen.events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from samen.events.access import register_comments, register_readers
        from samen.events.kinds import register_kinds
        from samen.events.labs.kinds import register_kinds as register_lab_kinds

        register_kinds()
        register_comments()
        register_lab_kinds()
        register_readers()
