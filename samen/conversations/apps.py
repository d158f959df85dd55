from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "samen.conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from samen.conversations.actions.watching import unsubscribe_hook
        from samen.conversations.kinds import register_kinds
        from samen.notifications.registry import on_unsubscribe

        register_kinds()
        on_unsubscribe(unsubscribe_hook)
