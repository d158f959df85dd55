"""The expense state machine, approval policy, balance reservation and payment."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from samen.audit.models import AuditEntry
from samen.expenses import actions
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.models import (
    ExpenseStatus,
    ExpenseType,
    PayeeKind,
    SubmitPolicy,
    SubmitterRestriction,
)
from samen.expenses.tests.factories import (
    approved_expense,
    collective_balance,
    fund,
    make_expense,
    payout_method,
    png_upload,
)

pytestmark = pytest.mark.django_db


def test_submit_stores_items_attachment_and_notifies_admins_in_their_language(
    community, django_capture_on_commit_callbacks
):
    community.bram.language = "nl"
    community.bram.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        expense = make_expense(community.chloe, community.collective, amount=1999)
    assert expense.status == ExpenseStatus.PENDING
    assert expense.amount == 1999
    attachment = expense.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.file.read().startswith(b"%PDF-")
    # Bram (collective admin, Dutch) and Anna (host admin) hear about it; Chloé does not.
    to = {m.to[0]: m for m in mail.outbox}
    assert set(to) == {"bram@example.org", "anna@example.org"}
    assert "Bekijk de onkostennota:" in to["bram@example.org"].body
    assert to["bram@example.org"].subject == "[Brasserie Zinneke] Onkostennota: Paint for the mural"
    assert "See the expense:" in to["anna@example.org"].body
    assert AuditEntry.objects.filter(action="expense.submit", target_id=str(expense.pk)).exists()


def test_only_members_submit_by_default(community):
    with pytest.raises(ExpenseError) as err:
        make_expense(community.eva, community.collective)
    assert err.value.code == ExpenseErrorCode.SUBMIT_NOT_ALLOWED
    with pytest.raises(ExpenseError):
        make_expense(community.dries, community.collective)  # a follower is not a member


def test_anyone_and_invited_only_policies(community):
    actions.expense_policy_set(
        actor=community.bram, collective=community.collective, submit_policy=SubmitPolicy.ANYONE
    )
    assert make_expense(community.eva, community.collective).status == ExpenseStatus.PENDING
    actions.expense_policy_set(
        actor=community.bram, collective=community.collective, submit_policy=SubmitPolicy.INVITED
    )
    with pytest.raises(ExpenseError) as err:
        make_expense(community.chloe, community.collective)  # a member, but not invited
    assert err.value.code == ExpenseErrorCode.SUBMIT_NOT_ALLOWED
    actions.expense_invite_create(
        actor=community.bram, collective=community.collective, user=community.chloe
    )
    assert make_expense(community.chloe, community.collective).status == ExpenseStatus.PENDING


def test_bad_files_are_refused_by_content(community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile(
        "invoice.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ExpenseError) as err:
        make_expense(community.chloe, community.collective, attachments=[fake])
    assert err.value.code == ExpenseErrorCode.BAD_FILE
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF")
    with pytest.raises(ExpenseError):
        make_expense(community.chloe, community.collective, attachments=[big])
    image = make_expense(community.chloe, community.collective, attachments=[png_upload()])
    assert image.attachments.get().content_type == "image/png"


def test_iban_is_validated(community):
    with pytest.raises(ExpenseError) as err:
        actions.payout_method_create(
            actor=community.chloe, iban="BE00 0000 0000 0000", account_holder="Chloé"
        )
    assert err.value.code == ExpenseErrorCode.BAD_IBAN
    method = payout_method(community.chloe, "be71 0961 2345 6769")
    assert method.iban == "BE71096123456769"


def test_vat_only_on_invoices_and_organisation_payee(community):
    with pytest.raises(ExpenseError):
        make_expense(community.chloe, community.collective, vat_amount=100)
    expense = make_expense(
        community.chloe,
        community.collective,
        type=ExpenseType.INVOICE,
        amount=12100,
        vat_amount=2100,
        payee_kind=PayeeKind.ORGANISATION,
        payee_organisation="Drukkerij Zenne bv",
    )
    assert expense.vat_amount == 2100
    assert expense.payee_public_name == "Drukkerij Zenne bv"


def test_host_may_require_a_category(community):
    actions.host_expense_settings_set(
        actor=community.anna, host=community.host, require_category=True
    )
    with pytest.raises(ExpenseError) as err:
        make_expense(community.chloe, community.collective)
    assert err.value.code == ExpenseErrorCode.CATEGORY_REQUIRED
    category = actions.accounting_category_save(
        actor=community.anna, host=community.host, code="6100", name="Supplies"
    )
    expense = make_expense(community.chloe, community.collective, category=category)
    assert expense.category == category


def test_approval_needs_the_category_the_host_started_requiring(community):
    fund(community.collective, 10_000)
    expense = make_expense(community.chloe, community.collective)
    actions.host_expense_settings_set(
        actor=community.anna, host=community.host, require_category=True
    )
    with pytest.raises(ExpenseError) as err:
        actions.expense_approve(actor=community.bram, expense=expense)
    assert err.value.code == ExpenseErrorCode.CATEGORY_REQUIRED


def test_author_never_approves_and_outsiders_cannot(community):
    fund(community.collective, 10_000)
    own = make_expense(community.bram, community.collective)
    with pytest.raises(ExpenseError) as err:
        actions.expense_approve(actor=community.bram, expense=own)
    assert err.value.code == ExpenseErrorCode.OWN_EXPENSE
    other = make_expense(community.chloe, community.collective)
    for stranger in (community.gilles, community.chloe, community.femke, community.eva):
        with pytest.raises(ExpenseError):
            actions.expense_approve(actor=stranger, expense=other)
    # The host admin may approve.
    assert actions.expense_approve(actor=community.anna, expense=other).status == "approved"


def test_approval_beyond_available_balance_is_refused(community):
    fund(community.collective, 5000)
    first = make_expense(community.chloe, community.collective, amount=3000)
    second = make_expense(community.chloe, community.collective, amount=3000)
    actions.expense_approve(actor=community.bram, expense=first)
    assert actions.available_balance(community.collective) == 2000
    with pytest.raises(ExpenseError) as err:
        actions.expense_approve(actor=community.bram, expense=second)
    assert err.value.code == ExpenseErrorCode.INSUFFICIENT_BALANCE
    second.refresh_from_db()
    assert second.status == ExpenseStatus.PENDING
    assert not second.approvals.exists()  # nothing half-written


def test_several_approvals_above_threshold(community):
    fund(community.collective, 200_000)
    actions.expense_policy_set(
        actor=community.bram,
        collective=community.collective,
        submit_policy=SubmitPolicy.MEMBERS,
        approvals_required=2,
        multi_approval_threshold=50_000,
    )
    small = make_expense(community.chloe, community.collective, amount=50_000)
    assert actions.expense_approve(actor=community.bram, expense=small).status == "approved"
    big = make_expense(community.chloe, community.collective, amount=50_001)
    big = actions.expense_approve(actor=community.bram, expense=big)
    assert big.status == ExpenseStatus.PENDING
    with pytest.raises(ExpenseError) as err:
        actions.expense_approve(actor=community.bram, expense=big)
    assert err.value.code == ExpenseErrorCode.ALREADY_APPROVED
    assert actions.expense_approve(actor=community.anna, expense=big).status == "approved"


def test_changes_requested_then_resubmitted(community, django_capture_on_commit_callbacks):
    fund(community.collective, 10_000)
    community.chloe.language = "fr"
    community.chloe.save()
    expense = make_expense(community.chloe, community.collective)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.expense_request_changes(
            actor=community.bram, expense=expense, reason="Add the ticket"
        )
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.INCOMPLETE
    assert [m.to for m in mail.outbox] == [["chloe@example.org"]]
    assert "Des modifications ont été demandées" in mail.outbox[0].body
    assert expense.comments.get().body == "Add the ticket"
    actions.expense_attach(actor=community.chloe, expense=expense, files=[png_upload()])
    actions.expense_submit(actor=community.chloe, expense=expense)
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.PENDING
    assert expense.attachments.count() == 2


def test_invalid_transitions_are_refused(community):
    expense = make_expense(community.chloe, community.collective, submit=False)
    assert expense.status == ExpenseStatus.DRAFT
    with pytest.raises(ExpenseError) as err:
        actions.expense_approve(actor=community.bram, expense=expense)
    assert err.value.code == ExpenseErrorCode.INVALID_TRANSITION
    actions.expense_cancel(actor=community.chloe, expense=expense)
    with pytest.raises(ExpenseError):
        actions.expense_submit(actor=community.chloe, expense=expense)


def test_hold_blocks_approval_and_payment(community):
    fund(community.collective, 10_000)
    expense = make_expense(community.chloe, community.collective)
    actions.expense_set_hold(actor=community.anna, expense=expense, on_hold=True)
    with pytest.raises(ExpenseError) as err:
        actions.expense_approve(actor=community.bram, expense=expense)
    assert err.value.code == ExpenseErrorCode.ON_HOLD
    actions.expense_set_hold(actor=community.anna, expense=expense, on_hold=False)
    actions.expense_approve(actor=community.bram, expense=expense)


def test_spam_restricts_the_submitter(community):
    expense = make_expense(community.chloe, community.collective)
    actions.expense_mark_spam(actor=community.bram, expense=expense)
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SPAM
    assert SubmitterRestriction.objects.filter(user=community.chloe).exists()
    with pytest.raises(ExpenseError) as err:
        make_expense(community.chloe, community.collective)
    assert err.value.code == ExpenseErrorCode.SUBMITTER_RESTRICTED
    with pytest.raises(ExpenseError):
        actions.expense_unrestrict_submitter(actor=community.gilles, expense=expense)
    actions.expense_unrestrict_submitter(actor=community.anna, expense=expense)
    assert make_expense(community.chloe, community.collective).status == ExpenseStatus.PENDING


def test_pay_posts_to_the_ledger_once(community):
    from samen.ledger.models import Transaction

    expense = approved_expense(community, amount=4250)
    before = collective_balance(community.collective)
    with pytest.raises(ExpenseError):
        actions.expense_pay(actor=community.bram, expense=expense, paid_on=date(2026, 11, 20))
    paid = actions.expense_pay(
        actor=community.anna, expense=expense, paid_on=date(2026, 11, 20), bank_reference="REF1"
    )
    assert paid.status == ExpenseStatus.PAID
    assert collective_balance(community.collective) == before - 4250
    with pytest.raises(ExpenseError) as err:
        actions.expense_pay(actor=community.anna, expense=expense, paid_on=date(2026, 11, 21))
    assert err.value.code == ExpenseErrorCode.ALREADY_PAID
    tx = Transaction.objects.get(idempotency_key=actions.payment_idempotency_key(expense))
    assert tx.pk == paid.ledger_transaction_id
    assert actions.available_balance(community.collective) == before - 4250
    # sealed in English, shown in the reader's language
    from django.utils import translation

    from samen.ledger.queries import description

    assert tx.description == f"Expense #{expense.pk}: Paint for the mural"
    with translation.override("fr"):
        assert description(tx) == f"Dépense n° {expense.pk} : Paint for the mural"


def test_comment_thread_is_private_to_the_people_concerned(
    community, django_capture_on_commit_callbacks
):
    expense = make_expense(community.chloe, community.collective)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.expense_comment(actor=community.bram, expense=expense, body="Which shop?")
    assert ["chloe@example.org"] in [m.to for m in mail.outbox]
    with pytest.raises(ExpenseError):
        actions.expense_comment(actor=community.dries, expense=expense, body="Hi")


def test_pay_with_a_bank_fee_charges_the_collective(community):
    from samen.ledger.actions import account_for
    from samen.ledger.models import AccountPurpose, Unit
    from samen.ledger.queries import balance

    expense = approved_expense(community, amount=4250)
    fund(community.collective, 100)
    before = collective_balance(community.collective)
    actions.expense_pay(actor=community.anna, expense=expense, paid_on=date(2026, 11, 20), fee=35)
    assert collective_balance(community.collective) == before - 4285
    fees = account_for(purpose=AccountPurpose.PROCESSOR_FEES, unit=Unit.eur(), host=community.host)
    assert balance(fees) == 35
    expense.refresh_from_db()
    assert expense.payment_fee == 35


def test_a_bad_file_leaves_nothing_behind(community, settings):
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile

    from samen.expenses.models import Expense
    from samen.expenses.tests.factories import pdf_upload

    bad = SimpleUploadedFile("evil.pdf", b"<script>alert(1)</script>", "application/pdf")
    with pytest.raises(ExpenseError):
        make_expense(community.chloe, community.collective, attachments=[pdf_upload(), bad])
    assert not Expense.objects.exists()
    private_root = settings.STORAGES["private"]["OPTIONS"]["location"]
    stored = [f for _root, _dirs, files in os.walk(private_root) for f in files]
    assert stored == []
