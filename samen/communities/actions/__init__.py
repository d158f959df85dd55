"""Every write in the communities app. Views, the API, tasks and the demo all call these.

Each action is atomic and writes its audit row in the same transaction. Rules that depend
on how many admins there are lock the owner's row first (``select_for_update``), so two
admins stepping down at once cannot leave a collective without one.
"""

from samen.communities.actions._common import RESERVED_SLUGS, Owner
from samen.communities.actions.chapters import (
    CHAPTER_TEXT_FIELDS,
    chapter_connector_add,
    chapter_connector_remove,
    chapter_create,
    chapter_join,
    chapter_leave,
    chapter_update,
)
from samen.communities.actions.collectives import (
    COLLECTIVE_TEXT_FIELDS,
    collective_create,
    collective_update,
)
from samen.communities.actions.hosting import (
    application_approve,
    application_reject,
    application_reply,
    application_request_info,
    application_submit,
    application_withdraw,
    collective_freeze,
    collective_unfreeze,
    collective_unhost,
)
from samen.communities.actions.hosts import HOST_FIELDS, host_create, host_update
from samen.communities.actions.joining import (
    host_join_request_submit,
    invitation_accept,
    invitation_decline,
    invitation_revoke,
    invitation_send,
    join_request_approve,
    join_request_decline,
    join_request_submit,
    join_request_withdraw,
)
from samen.communities.actions.memberships import (
    member_add,
    member_remove,
    member_set_role,
    membership_leave,
    rules_accept,
    rules_publish,
)
from samen.communities.actions.news import (
    NEWS_BATCH,
    NewsOwner,
    follow_add,
    follow_remove,
    follow_set_news,
    news_create,
    news_delete,
    news_deliver,
    news_edit,
    news_publish,
    news_unsubscribe,
)

__all__ = [
    "CHAPTER_TEXT_FIELDS",
    "COLLECTIVE_TEXT_FIELDS",
    "HOST_FIELDS",
    "NEWS_BATCH",
    "RESERVED_SLUGS",
    "NewsOwner",
    "Owner",
    "application_approve",
    "application_reject",
    "application_reply",
    "application_request_info",
    "application_submit",
    "application_withdraw",
    "chapter_connector_add",
    "chapter_connector_remove",
    "chapter_create",
    "chapter_join",
    "chapter_leave",
    "chapter_update",
    "collective_create",
    "collective_freeze",
    "collective_unfreeze",
    "collective_unhost",
    "collective_update",
    "follow_add",
    "follow_remove",
    "follow_set_news",
    "host_create",
    "host_join_request_submit",
    "host_update",
    "invitation_accept",
    "invitation_decline",
    "invitation_revoke",
    "invitation_send",
    "join_request_approve",
    "join_request_decline",
    "join_request_submit",
    "join_request_withdraw",
    "member_add",
    "member_remove",
    "member_set_role",
    "membership_leave",
    "news_create",
    "news_delete",
    "news_deliver",
    "news_edit",
    "news_publish",
    "news_unsubscribe",
    "rules_accept",
    "rules_publish",
]
