"""Demo expenses in every state, on the demo host's collectives (idempotent).

Runs after the communities, ledger and funding seeds. Each expense is keyed by its
collective and title: an existing one is left as it is, so the command can run again.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from samen.accounts.models import User
from samen.communities.models import Collective, CollectiveMembership, CollectiveRole, Host
from samen.communities.queries import host_admins
from samen.core.demo import DEMO_PASSWORD
from samen.expenses import actions
from samen.expenses.models import Expense, ExpenseType, PayeeKind, SubmitPolicy

logger = logging.getLogger(__name__)

# The host's chart of accounts, named in each site language.
CATEGORIES = [
    (
        "6100",
        {
            "en": "Supplies and small equipment",
            "nl": "Benodigdheden en klein materiaal",
            "fr": "Fournitures et petit matériel",
        },
    ),
    ("6130", {"en": "Rent", "nl": "Huur", "fr": "Loyer"}),
    ("6140", {"en": "Printing", "nl": "Drukwerk", "fr": "Impression"}),
]

_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# (title, type, cents, final state); the first collective gets these.
PLAN = [
    ("Verf voor de muurschildering", ExpenseType.RECEIPT, 4250, "paid"),
    ("Huur zaal buurtfeest", ExpenseType.INVOICE, 24200, "scheduled"),
    ("Mout en hop, november", ExpenseType.RECEIPT, 8735, "approved"),
    ("Affiches drukken", ExpenseType.INVOICE, 12100, "pending"),
    ("Treinticket Gent", ExpenseType.RECEIPT, 1880, "incomplete"),
    ("Nieuwe koelkast", ExpenseType.RECEIPT, 65000, "rejected"),
    ("Taxi na het feest", ExpenseType.RECEIPT, 3200, "canceled"),
    ("Werkgroep energie: studiedag", ExpenseType.GRANT, 30000, "draft"),
    ("Gereedschap herstelcafé", ExpenseType.RECEIPT, 5600, "hold"),
]


def _person(email: str, name: str, language: str = "en") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, display_name=name, language=language
        )
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _fund(collective: Collective, needed: int) -> None:
    """Top the demo collective up so the approvals in the plan fit its balance."""
    from samen.ledger.actions import account_for, ledger_post
    from samen.ledger.models import AccountPurpose, TransactionKind, Unit

    missing = needed - actions.available_balance(collective)
    if missing <= 0:
        return
    eur = Unit.eur()
    ledger_post(
        actor=None,
        kind=TransactionKind.CONTRIBUTION,
        description="Demo: opening balance for expenses",
        lines=[
            (account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur), -missing),
            (
                account_for(
                    purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=collective
                ),
                missing,
            ),
        ],
        idempotency_key=f"demo-expenses-fund-{collective.pk}-{missing}",
        counterparty_name="Demo",
    )


def _roles(collective: Collective) -> tuple[User | None, User | None]:
    memberships = CollectiveMembership.objects.filter(collective=collective).select_related("user")
    admin = next((m.user for m in memberships if m.role == CollectiveRole.ADMIN), None)
    member = next((m.user for m in memberships if m.role != CollectiveRole.ADMIN), None)
    return admin, member or admin


def _advance(expense: Expense, state: str, *, admin: User, host_admin: User, today: date) -> None:
    submitter: Any = expense.submitter
    if state == "draft":
        return
    if state == "canceled":
        actions.expense_cancel(actor=submitter, expense=expense)
        return
    if state == "incomplete":
        actions.expense_request_changes(
            actor=admin, expense=expense, reason="Kun je het ticket zelf toevoegen?"
        )
        return
    if state == "rejected":
        actions.expense_reject(actor=admin, expense=expense, reason="Niet in ons budget.")
        return
    if state == "hold":
        actions.expense_set_hold(actor=host_admin, expense=expense, on_hold=True)
        return
    if state == "pending":
        actions.expense_comment(actor=admin, expense=expense, body="Bedankt, we kijken ernaar.")
        return
    actions.expense_approve(actor=admin, expense=expense)
    if state == "approved":
        return
    host = expense.collective.host
    assert host is not None
    if state == "scheduled" and host.iban:
        actions.payout_batch_create(
            actor=host_admin,
            host=host,
            expense_ids=[expense.pk],
            execution_date=today + timedelta(days=2),
        )
        return
    if state == "scheduled":
        return  # without a host IBAN there is no SEPA file: it stays approved
    actions.expense_pay(
        actor=host_admin, expense=expense, paid_on=today, bank_reference="DEMO-PAID-1"
    )


def _seed_collective(collective: Collective, host: Host, host_admin: User, today: date) -> None:
    admin, member = _roles(collective)
    if admin is None or member is None:
        return
    if member == admin:
        return
    actions.expense_policy_set(
        actor=admin,
        collective=collective,
        submit_policy=SubmitPolicy.MEMBERS,
        approvals_required=2,
        multi_approval_threshold=100_000,
    )
    category, *_others = [
        actions.accounting_category_save(
            actor=host_admin,
            host=host,
            code=code,
            name=names["en"],
            name_en=names["en"],
            name_nl=names["nl"],
            name_fr=names["fr"],
        )
        for code, names in CATEGORIES
    ]
    method = actions.payout_method_create(
        actor=member, iban="BE71 0961 2345 6769", account_holder=member.public_name
    )
    _fund(collective, sum(p[2] for p in PLAN if p[3] in ("paid", "scheduled", "approved")))
    for title, kind, cents, state in PLAN:
        if Expense.objects.filter(collective=collective, title=title).exists():
            continue
        with transaction.atomic():
            expense = actions.expense_create(
                actor=member,
                collective=collective,
                type=kind,
                title=title,
                items=[actions.ItemInput(title, today - timedelta(days=7), cents)],
                payout_method=method,
                payee_kind=PayeeKind.SELF,
                # 21 % Belgian VAT included in the total, rounded to the cent.
                vat_amount=(cents * 21 + 60) // 121 if kind == ExpenseType.INVOICE else 0,
                category=category,
                tags=["demo"],
                attachments=[ContentFile(_PDF, name="ticket.pdf")],
                submit=state != "draft",
            )
            _advance(expense, state, admin=admin, host_admin=host_admin, today=today)


def _seed_spam(collective: Collective) -> None:
    admin, _member = _roles(collective)
    if admin is None:
        return
    title = "Crypto opportunity!!!"
    if Expense.objects.filter(collective=collective, title=title).exists():
        return
    spammer = _person("spam@samen.test", "Quick Money")
    actions.expense_policy_set(
        actor=admin, collective=collective, submit_policy=SubmitPolicy.ANYONE
    )
    with transaction.atomic():
        expense = actions.expense_create(
            actor=spammer,
            collective=collective,
            type=ExpenseType.INVOICE,
            title=title,
            items=[actions.ItemInput("Consulting", timezone.localdate(), 999_900)],
            payout_method=actions.payout_method_create(
                actor=spammer, iban="BE68 5390 0754 7034", account_holder="Quick Money"
            ),
        )
        actions.expense_mark_spam(actor=admin, expense=expense)


def seed() -> None:
    """Expenses in every state on the first hosted collectives of the first demo host."""
    host = Host.objects.order_by("pk").first()
    if host is None:
        logger.info("No host: the expenses demo needs the communities demo first.")
        return
    host_admin = host_admins(host).first()
    collectives = list(Collective.objects.filter(host=host).order_by("pk")[:2])
    if host_admin is None or not collectives:
        return
    today = timezone.localdate()
    _seed_collective(collectives[0], host, host_admin, today)
    if len(collectives) > 1:
        _seed_spam(collectives[1])
