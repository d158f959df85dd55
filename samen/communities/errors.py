"""Why a communities action refused: one code per rule, shown to people and API clients."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class CommunityErrorCode(models.TextChoices):
    SLUG_TAKEN = "slug_taken", _("This address is already taken; choose another one.")
    INVALID_IBAN = "invalid_iban", _("This is not a valid IBAN.")
    INVALID_BIC = "invalid_bic", _("This is not a valid BIC.")
    INVALID_ENTERPRISE_NUMBER = (
        "invalid_enterprise_number",
        _("This is not a valid Belgian enterprise number (KBO/BCE)."),
    )
    INVALID_VAT_NUMBER = "invalid_vat_number", _("This is not a valid VAT number.")
    INVALID_URL = "invalid_url", _("Enter a web address starting with http:// or https://.")
    INVALID_EMAIL = "invalid_email", _("Enter a valid e-mail address.")
    INVALID_FEE = "invalid_fee", _("Enter a percentage between 0 and 100.")
    INVALID_IMAGE = "invalid_image", _("Upload a JPEG, PNG or WebP image.")
    NOT_HOST_ADMIN = "not_host_admin", _("Only an admin of the host may decide on this.")
    NOT_ACCEPTING = "not_accepting", _("This host does not accept applications at the moment.")
    ALREADY_HOSTED = "already_hosted", _("This collective already has a host.")
    APPLICATION_OPEN = (
        "application_open",
        _("This collective already has an open application."),
    )
    APPLICATION_CLOSED = "application_closed", _("This application has already been decided.")
    ANSWERS_MISSING = "answers_missing", _("Answer every question.")
    TERMS_NOT_ACCEPTED = "terms_not_accepted", _("You must accept the terms.")
    RULES_NOT_ACCEPTED = "rules_not_accepted", _("You must accept the house rules.")
    LAST_ADMIN = "last_admin", _("The last admin cannot leave or step down; appoint another first.")
    NOT_A_MEMBER = "not_a_member", _("This person is not a member.")
    ALREADY_MEMBER = "already_member", _("This person is already a member.")
    INVITATION_CLOSED = "invitation_closed", _("This invitation has already been answered.")
    INVITATION_EMAIL = (
        "invitation_email",
        _("This invitation was sent to another e-mail address."),
    )
    JOIN_CLOSED = "join_closed", _("This collective does not take join requests.")
    HOST_JOIN_CLOSED = (
        "host_join_closed",
        _("This host does not take requests to join its community."),
    )
    IDEA_MISSING = (
        "idea_missing",
        _("Describe the idea or project you come with (at most 2000 characters)."),
    )
    JOIN_REQUEST_OPEN = "join_request_open", _("You have already asked to join.")
    JOIN_REQUEST_CLOSED = "join_request_closed", _("This join request has already been answered.")
    NOT_HOSTED = "not_hosted", _("This collective has no host.")
    ALREADY_FROZEN = "already_frozen", _("This collective is already frozen.")
    NOT_FROZEN = "not_frozen", _("This collective is not frozen.")
    INVALID_ROLE = "invalid_role", _("This role does not exist here.")
    RULES_UNCHANGED = "rules_unchanged", _("The text is the same as the current version.")
    NO_RULES = "no_rules", _("There are no house rules to accept.")
    UNKNOWN_PERSON = "unknown_person", _("Nobody has an account with this e-mail address.")
    ALREADY_CONNECTOR = "already_connector", _("This person is already a connector.")
    NOT_A_CONNECTOR = "not_a_connector", _("This person is not a connector of the chapter.")
    LAST_CONNECTOR = (
        "last_connector",
        _("Only platform staff can remove the last connector of a chapter."),
    )
    INVALID_COUNTRY = "invalid_country", _("Enter a two-letter country code, e.g. BE.")
    NAME_REQUIRED = "name_required", _("Enter a name.")
    TITLE_REQUIRED = "title_required", _("Enter a title.")
    BODY_REQUIRED = "body_required", _("Write the text of the news.")
    INVALID_AUDIENCE = "invalid_audience", _("Choose who may read this: everyone or members.")
    NEWS_PUBLISHED = (
        "news_published",
        _("A published news post cannot be deleted; edit it instead."),
    )
    NOT_FOLLOWING = "not_following", _("You do not follow this.")
    BANNED = "banned", _("You have been banned from this community.")


_CONFLICTS = (
    CommunityErrorCode.SLUG_TAKEN,
    CommunityErrorCode.ALREADY_HOSTED,
    CommunityErrorCode.APPLICATION_OPEN,
    CommunityErrorCode.APPLICATION_CLOSED,
    CommunityErrorCode.ALREADY_MEMBER,
    CommunityErrorCode.INVITATION_CLOSED,
    CommunityErrorCode.JOIN_REQUEST_OPEN,
    CommunityErrorCode.JOIN_REQUEST_CLOSED,
    CommunityErrorCode.LAST_ADMIN,
    CommunityErrorCode.ALREADY_FROZEN,
    CommunityErrorCode.NOT_FROZEN,
    CommunityErrorCode.ALREADY_CONNECTOR,
    CommunityErrorCode.LAST_CONNECTOR,
    CommunityErrorCode.NEWS_PUBLISHED,
    CommunityErrorCode.NOT_FOLLOWING,
)


class CommunityError(DomainError):
    """A communities rule refused the action; nothing was written."""

    statuses = {
        CommunityErrorCode.NOT_HOST_ADMIN: 403,
        CommunityErrorCode.BANNED: 403,
    } | dict.fromkeys(_CONFLICTS, 409)
    default_status = 400
