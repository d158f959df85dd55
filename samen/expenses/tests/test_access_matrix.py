"""Every state of an expense x every persona x every private endpoint, from one table.

``VISIBILITY`` is the single source: per state, what each persona may see of Chloé's
expense. ``P``: the private side (attachments, payout account, the comment thread); ``V``: only
the public face; ``H``: nothing, the expense does not exist for them (404). The expected answer
of each endpoint follows from that letter (``ENDPOINTS``), so a rule changed in ``access.py``
shows up as wrong cells, all reported together.

Personas: anonymous, the submitter (chloé, member), a follower (dries), the collective admin
(bram), the host admin (anna), the host accountant (femke), the admin of another collective
(gilles) and a person with no role (eva).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from samen.expenses import actions
from samen.expenses.models import Expense, ExpenseComment, ExpenseStatus
from samen.expenses.tests.factories import PDF_BYTES, approved_expense, make_expense

PERSONAS = ["anon", "submitter", "follower", "cadmin", "hadmin", "accountant", "other", "eva"]
ATTR = {
    "submitter": "chloe",
    "follower": "dries",
    "cadmin": "bram",
    "hadmin": "anna",
    "accountant": "femke",
    "other": "gilles",
    "eva": "eva",
}

#                 anon sub  fol  cadm hadm acct othr eva
VISIBILITY = {
    "draft": "     H    P    H    H    H    H    H    H",
    "pending": "   V    P    V    P    P    P    V    V",
    "incomplete": "V    P    V    P    P    P    V    V",
    "approved": "  V    P    V    P    P    P    V    V",
    "paid": "      V    P    V    P    P    P    V    V",
    "rejected": "  V    P    V    P    P    P    V    V",
    "canceled": "  V    P    V    P    P    P    V    V",
    "spam": "      H    P    H    P    P    P    H    H",
}


def _draft(c: Any) -> Expense:
    return make_expense(c.chloe, c.collective, submit=False)


def _pending(c: Any) -> Expense:
    return make_expense(c.chloe, c.collective)


def _paid(c: Any) -> Expense:
    return actions.expense_pay(
        actor=c.anna, expense=approved_expense(c), paid_on=timezone.localdate()
    )


BUILD: dict[str, Callable[[Any], Expense]] = {
    "draft": _draft,
    "pending": _pending,
    "incomplete": lambda c: actions.expense_request_changes(actor=c.bram, expense=_pending(c)),
    "approved": approved_expense,
    "paid": _paid,
    "rejected": lambda c: actions.expense_reject(actor=c.bram, expense=_pending(c)),
    "canceled": lambda c: actions.expense_cancel(actor=c.chloe, expense=_pending(c)),
    "spam": lambda c: actions.expense_mark_spam(actor=c.bram, expense=_pending(c)),
}


@dataclass(frozen=True)
class Endpoint:
    """One private endpoint: how to call it, what an anonymous caller gets, and what the
    answer for each letter is (status code, and a check of the body for a success)."""

    method: str
    url: Callable[[Expense], str]
    api: bool
    anon: int | None  # the answer to anonymous callers whatever the letter (None: by letter)
    codes: dict[str, int]
    body: dict[str, Any] | None = None


def _attachment_url(e: Expense) -> str:
    return f"/expenses/{e.pk}/attachments/{e.attachments.get().pk}/"


ENDPOINTS = {
    "attachment": Endpoint("get", _attachment_url, False, 302, {"P": 200, "V": 403, "H": 404}),
    "payout": Endpoint(
        "get", lambda e: f"/expenses/{e.pk}/payout/", False, 302, {"P": 200, "V": 403, "H": 404}
    ),
    "comment": Endpoint(
        "post",
        lambda e: f"/expenses/{e.pk}/comment/",
        False,
        302,
        {"P": 302, "V": 403, "H": 404},
        {"body": "Where is the receipt?"},
    ),
    "api_detail": Endpoint(
        "get", lambda e: f"/api/v1/expenses/{e.pk}", True, None, {"P": 200, "V": 200, "H": 404}
    ),
    "api_payout": Endpoint(
        "get",
        lambda e: f"/api/v1/expenses/{e.pk}/payout",
        True,
        401,
        {"P": 200, "V": 403, "H": 404},
    ),
    "api_comments": Endpoint(
        "post",
        lambda e: f"/api/v1/expenses/{e.pk}/comments",
        True,
        401,
        {"P": 200, "V": 403, "H": 404},
        {"body": "Where is the receipt?"},
    ),
}


def _letters(state: str) -> dict[str, str]:
    letters = VISIBILITY[state].split()
    assert len(letters) == len(PERSONAS), state
    return dict(zip(PERSONAS, letters, strict=True))


def test_the_table_covers_every_state():
    assert (
        set(VISIBILITY)
        == set(BUILD)
        == {status.value for status in ExpenseStatus}
        - {
            # scheduled is approved plus a payout batch: the same rules as approved.
            ExpenseStatus.SCHEDULED.value
        }
    )


def _check_success(name: str, letter: str, expense: Expense, response: Any) -> str | None:
    """What is wrong with a successful answer, if anything."""
    if name == "attachment":
        content = b"".join(response.streaming_content)
        return None if content == PDF_BYTES else "the attachment's bytes differ"
    if name == "payout":
        return None if "BE71" in response.content.decode() else "no IBAN on the payout page"
    if name in ("comment", "api_comments"):
        stored = ExpenseComment.objects.filter(expense=expense).count()
        return None if stored == 1 else f"{stored} comments stored"
    body = response.json()
    if name == "api_payout":
        return None if body["iban"].startswith("BE71") else f"payout {body}"
    private_keys = {"attachments", "comments", "payout_account", "items"}
    shown = private_keys & set(body)
    if letter == "P":
        return None if shown == private_keys else f"private fields missing: {body}"
    return None if not shown else f"private fields shown: {sorted(shown)}"


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(VISIBILITY))
def test_expense_access(client, community, state):
    """One expense in ``state``; every endpoint asked by every persona."""
    expense = BUILD[state](community)
    expense.refresh_from_db()
    assert expense.status == state
    wrong = []
    for name, endpoint in ENDPOINTS.items():
        wrong += _ask_everyone(client, community, expense, state, name, endpoint)
    assert not wrong, f"{state}:\n" + "\n".join(wrong)


def _ask_everyone(
    client: Any, community: Any, expense: Expense, state: str, name: str, endpoint: Endpoint
) -> list[str]:
    target = endpoint.url(expense)
    wrong = []
    for persona, letter in _letters(state).items():
        expected = endpoint.codes[letter]
        if persona == "anon" and endpoint.anon is not None:
            expected = endpoint.anon
        where = f"{name} {endpoint.method.upper()} {target} as {persona} ({letter})"
        # Each try is rolled back, so every persona and endpoint sees the same expense.
        with transaction.atomic():
            client.logout()
            if persona != "anon":
                client.force_login(getattr(community, ATTR[persona]))
            call = getattr(client, endpoint.method)
            if endpoint.api:
                body = json.dumps(endpoint.body) if endpoint.body else None
                response = call(target, data=body, content_type="application/json")
            else:
                response = call(target, data=endpoint.body or {})
            got = response.status_code
            if got != expected:
                wrong.append(f"{where}: expected {expected}, got {got}")
            elif persona == "anon" and got == 302:
                assert "/accounts/login/" in response["Location"]
            elif got in (200, 302):
                problem = _check_success(name, letter, expense, response)
                if problem:
                    wrong.append(f"{where}: {problem}")
            elif endpoint.api:
                assert response.json()["code"]
            if got >= 400 or persona == "anon":
                assert not ExpenseComment.objects.filter(expense=expense).exists()
            transaction.set_rollback(True)
    return wrong
