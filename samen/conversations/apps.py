from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "samen.conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from samen.conversations.access import register_readers
        from samen.conversations.actions.watching import unsubscribe_hook
        from samen.conversations.kinds import register_kinds
        from samen.notifications.registry import on_unsubscribe

        register_kinds()
        register_readers()
        on_unsubscribe(unsubscribe_hook)

        from samen.communities.access import Need
        from samen.communities.dashboard import InboxItem, register_inbox_item
        from samen.conversations.queries import host_pending_review_count

        # Reports and held posts in the host's collectives wait in the host's review queue.
        register_inbox_item(
            InboxItem(
                "reports",
                _("Reports to review"),
                "conversations:review",
                host_pending_review_count,
                order=40,
                need=Need.HOST_ADMIN,
                url_args=("host",),
            )
        )
