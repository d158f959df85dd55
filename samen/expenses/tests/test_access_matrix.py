"""Every state of an expense x every persona x every endpoint and need, from two tables.

``VISIBILITY`` is the single source of what each persona may see of Chloé's expense, per
state. ``P``: the private side (attachments, payout account, the comment thread); ``V``: only
the public face; ``H``: nothing, the expense does not exist for them (404). ``ABILITIES`` says,
for what they can see, what they may do beyond it: ``E`` edit (the submitter, while a draft or
changes are asked), ``R`` review (the collective's and the host's admins), ``$`` pay (the
host's admins), ``-`` nothing. The expected answer of each endpoint and of ``access_expense``
for each need follows from those letters, so a rule changed in ``access.py`` shows up as wrong
cells, all reported together.

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
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from samen.expenses import actions
from samen.expenses.access import ExpenseNeed, access_expense, expense_can
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

#                 anon sub  fol  cadm hadm acct othr eva
ABILITIES = {
    "draft": "     -    E    -    -    -    -    -    -",
    "pending": "   -    -    -    R    R$   -    -    -",
    "incomplete": "-    E    -    R    R$   -    -    -",
    "approved": "  -    -    -    R    R$   -    -    -",
    "paid": "      -    -    -    R    R$   -    -    -",
    "rejected": "  -    -    -    R    R$   -    -    -",
    "canceled": "  -    -    -    R    R$   -    -    -",
    "spam": "      -    -    -    R    R$   -    -    -",
}
ABILITY_NEEDS = {"E": ExpenseNeed.EDIT, "R": ExpenseNeed.REVIEW, "$": ExpenseNeed.PAY}


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
    # An ability letter (``E``, ``R``, ``$``): the answer is then ``codes["Y"]`` for those
    # who have it, ``codes["N"]`` for those who see the expense without it, ``codes["H"]``.
    need: str | None = None


def _attachment_url(e: Expense) -> str:
    return f"/expenses/{e.pk}/attachments/{e.attachments.get().pk}/"


ENDPOINTS = {
    "detail": Endpoint(
        "get", lambda e: f"/expenses/{e.pk}/", False, None, {"P": 200, "V": 200, "H": 404}
    ),
    "edit": Endpoint(
        "get",
        lambda e: f"/expenses/{e.pk}/edit/",
        False,
        302,
        {"Y": 200, "N": 403, "H": 404},
        need="E",
    ),
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


def _granted(state: str, persona: str) -> set[str]:
    """The needs ``persona`` has on the expense in ``state``, from both tables."""
    letter = _letters(state)[persona]
    if letter == "H":
        return set()
    abilities = dict(zip(PERSONAS, ABILITIES[state].split(), strict=True))[persona]
    granted = {ExpenseNeed.VIEW.value} | {ABILITY_NEEDS[a].value for a in abilities if a != "-"}
    return granted | ({ExpenseNeed.PRIVATE.value} if letter == "P" else set())


def _letter(state: str, persona: str, endpoint: Endpoint) -> str:
    letter = _letters(state)[persona]
    if endpoint.need is None or letter == "H":
        return letter
    wanted = ABILITY_NEEDS[endpoint.need].value
    return "Y" if wanted in _granted(state, persona) else "N"


def test_the_table_covers_every_state():
    assert (
        set(VISIBILITY)
        == set(ABILITIES)
        == set(BUILD)
        == {status.value for status in ExpenseStatus}
        - {
            # scheduled is approved plus a payout batch: the same rules as approved.
            ExpenseStatus.SCHEDULED.value
        }
    )


def _check_success(
    name: str, letter: str, granted: set[str], expense: Expense, response: Any
) -> str | None:
    """What is wrong with a successful answer, if anything."""
    if name == "detail":
        # The page's buttons come from ``can``: exactly the needs the tables grant.
        can = {need for need, allowed in response.context["can"].items() if allowed}
        return None if can == granted else f"can {sorted(can)}, expected {sorted(granted)}"
    if name == "edit":
        return None if response.context["expense"] == expense else "another expense edited"
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
    for persona in PERSONAS:
        letter = _letter(state, persona, endpoint)
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
                granted = _granted(state, persona)
                problem = _check_success(name, letter, granted, expense, response)
                if problem:
                    wrong.append(f"{where}: {problem}")
            elif endpoint.api:
                assert response.json()["code"]
            if got >= 400 or persona == "anon":
                assert not ExpenseComment.objects.filter(expense=expense).exists()
            transaction.set_rollback(True)
    return wrong


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(VISIBILITY))
def test_access_expense_for_every_need(community, state):
    """``access_expense`` for every need (the API's transitions ask for review and pay) and
    ``expense_can`` (the page's buttons) agree with the tables: the expense is returned,
    PermissionDenied when it is visible without the need, Http404 when it is invisible."""
    expense = BUILD[state](community)
    wrong = []
    for persona in PERSONAS:
        user = AnonymousUser() if persona == "anon" else getattr(community, ATTR[persona])
        granted = _granted(state, persona)
        for need in ExpenseNeed:
            if need.value in granted:
                expected: object = expense
            else:
                expected = Http404 if not granted else PermissionDenied
            try:
                got: object = access_expense(user, str(expense.pk), need)
            except (Http404, PermissionDenied) as exc:
                got = type(exc)
            if got != expected or expense_can(user, need, expense) != (need.value in granted):
                wrong.append(f"{persona} {need.value}: expected {expected}, got {got}")
        # A need this module does not know grants nothing, whoever asks.
        assert not expense_can(user, "delete", expense)  # type: ignore[arg-type]
    assert not wrong, f"{state}:\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "", None, "12.5", "999999"])
def test_an_id_that_names_no_expense_is_not_found(community, bad):
    make_expense(community.chloe, community.collective)
    with pytest.raises(Http404):
        access_expense(community.anna, bad)


@pytest.mark.django_db
def test_the_expense_comes_with_what_its_pages_read(community, django_assert_num_queries):
    """One query loads the expense with its collective, host, submitter, category and payout
    method: the pages and the API read them without a query per relation."""
    category = actions.accounting_category_save(
        actor=community.anna, host=community.host, code="6100", name="Supplies"
    )
    expense = make_expense(community.chloe, community.collective, category=category)
    chloe = community.chloe
    access_expense(chloe, expense.pk)  # the roles are cached on the user after the first call
    with django_assert_num_queries(1):
        loaded = access_expense(chloe, expense.pk)
        assert (loaded.collective.host, loaded.category) == (community.host, category)
        assert (loaded.submitter, loaded.payout_method.iban[:4]) == (chloe, "BE71")
