"""Why a Solution Lab action refused: one code per rule, for people and API clients."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class LabErrorCode(models.TextChoices):
    TITLE_MISSING = "lab_title_missing", _("Give it a title.")
    CONTEXT_MISSING = "lab_context_missing", _("Describe the context of your question.")
    NAIVE_TIME = "lab_naive_time", _("Give the deadline with its time zone.")
    DEADLINE_PAST = "deadline_past", _("The deadline must be in the future.")
    DEADLINE_FAR = "deadline_far", _("The deadline must fall within the next two years.")
    CALL_CLOSED = "call_closed", _("This call is closed: its deadline has passed.")
    CALL_OPEN = "call_open", _("Questions are selected once the call has closed.")
    OWN_QUESTION = "own_question", _("This is your own question; support the others'.")
    ALREADY_SUPPORTED = "already_supported", _("You already support this question.")
    NOT_SUPPORTED = "not_supported", _("You do not support this question.")
    NOT_A_LAB = (
        "not_a_lab",
        _("Choose a published Solution Lab event of this host."),
    )
    OUTCOME_GIVEN = (
        "outcome_given",
        _("The outcome of this question is recorded; it stays with its lab."),
    )
    NOT_SELECTED = "not_selected", _("This question is not selected for a lab.")
    LAB_NOT_HELD = (
        "lab_not_held",
        _("What came out of the lab can be recorded once the lab has taken place."),
    )
    OUTCOME_MISSING = "outcome_missing", _("Write what came out of the lab.")


class LabError(DomainError):
    statuses = {
        LabErrorCode.CALL_CLOSED: 409,
        LabErrorCode.CALL_OPEN: 409,
        LabErrorCode.OWN_QUESTION: 409,
        LabErrorCode.ALREADY_SUPPORTED: 409,
        LabErrorCode.NOT_SUPPORTED: 409,
        LabErrorCode.OUTCOME_GIVEN: 409,
        LabErrorCode.NOT_SELECTED: 409,
        LabErrorCode.LAB_NOT_HELD: 409,
    }
