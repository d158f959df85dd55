"""A person's expenses in their data export, and what erasing their account deletes, keeps
and masks."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from samen.accounts.actions import user_erase, user_export
from samen.accounts.models import User
from samen.audit.models import AuditEntry
from samen.expenses import actions
from samen.expenses.models import (
    Expense,
    ExpenseAttachment,
    ExpenseStatus,
    ExpenseType,
    PayeeKind,
    PayoutMethod,
)
from samen.expenses.tests.factories import (
    PDF_BYTES,
    approved_expense,
    fund,
    make_expense,
    pdf_upload,
    png_upload,
)
from samen.ledger.actions import ledger_seal
from samen.ledger.models import CounterpartyName, Seal
from samen.ledger.tests.factories import check_json_names, public_ledger_texts
from samen.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

NAME = "Chloé Lambertyn"


def test_erasing_a_payee_removes_their_name_from_the_public_books(client, community) -> None:
    User.objects.filter(pk=community.chloe.pk).update(display_name=NAME)
    community.chloe.refresh_from_db()
    to_her = approved_expense(community, amount=4250)
    actions.expense_pay(actor=community.anna, expense=to_her, paid_on=date(2026, 11, 20))
    fund(community.collective, 12100)
    invoice = make_expense(
        community.chloe,
        community.collective,
        type=ExpenseType.INVOICE,
        amount=12100,
        vat_amount=2100,
        payee_kind=PayeeKind.ORGANISATION,
        payee_organisation="Drukkerij Zenne bv",
    )
    invoice = actions.expense_approve(actor=community.bram, expense=invoice)
    actions.expense_pay(actor=community.anna, expense=invoice, paid_on=date(2026, 11, 21))
    ledger_seal()
    digests = list(Seal.objects.values_list("digest", flat=True))
    slugs = {"collective": community.collective.slug, "host": community.host.slug}
    assert all(NAME in text for text in public_ledger_texts(client, **slugs).values())

    user_erase(actor=community.chloe, user=community.chloe)

    texts = public_ledger_texts(client, **slugs)
    for where, text in texts.items():
        assert NAME not in text, where
        assert "Former member" in text, where
        # The supplier paid on her invoice is not her: its name stays.
        assert "Drukkerij Zenne bv" in text, where
    check_json_names(texts["hosts/transactions.json"])
    to_her.refresh_from_db()
    assert to_her.ledger_transaction_id is not None
    row = CounterpartyName.objects.get(transaction_id=to_her.ledger_transaction_id)
    assert (row.name, row.salt) == ("", "")
    assert row.erased_at is not None
    assert list(Seal.objects.values_list("digest", flat=True)) == digests
    assert verify_ledger() == []


# --- export, must_keep and erasure of the expenses themselves ----------------------------------

OTHER_IBAN = "BE62 5100 0754 7061"
DRAFT_IBAN = "BE43 0689 9999 9501"


def _export(user: User) -> tuple[dict, zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(user_export(actor=user)))
    return json.loads(archive.read("apps/expenses.json")), archive


def test_export_holds_the_expenses_their_files_and_the_iban(community) -> None:
    chloe = community.chloe
    expense = make_expense(
        chloe,
        community.collective,
        type=ExpenseType.INVOICE,
        amount=12100,
        vat_amount=2100,
        tags=["Print"],
        attachments=[pdf_upload("invoice.pdf"), png_upload("photo.png")],
    )
    actions.expense_comment(actor=chloe, expense=expense, body="Here is the invoice.")
    actions.expense_comment(actor=community.bram, expense=expense, body="Thanks, Chloé!")
    draft = make_expense(chloe, community.collective, title="Draft", submit=False)

    data, archive = _export(chloe)

    by_title = {e["title"]: e for e in data["expenses"]}
    assert set(by_title) == {"Paint for the mural", "Draft"}
    mine = by_title["Paint for the mural"]
    assert mine["id"] == expense.pk
    assert mine["collective"] == community.collective.slug
    assert (mine["type"], mine["status"]) == ("invoice", "pending")
    assert (mine["amount_cents"], mine["vat_cents"], mine["tags"]) == (12100, 2100, ["print"])
    assert mine["items"] == [{"description": "Paint", "date": "2026-11-02", "amount_cents": 12100}]
    # Her own words, not the admin's.
    assert [c["body"] for c in mine["comments"]] == ["Here is the invoice."]
    assert by_title["Draft"]["status"] == "draft"
    assert by_title["Draft"]["id"] == draft.pk
    # The payout method is hers: the full IBAN is in her export.
    [method] = data["payout_methods"]
    assert method["iban"] == "BE71096123456769"
    assert mine["payout_method"] == method["id"]
    # The attachments are in the zip, byte for byte, under the names the JSON gives.
    files = [a["file"] for a in mine["attachments"]]
    assert files == [f"expense-{expense.pk}/1-invoice.pdf", f"expense-{expense.pk}/2-photo.png"]
    assert archive.read(f"apps/expenses/{files[0]}") == PDF_BYTES
    assert archive.read(f"apps/expenses/{files[1]}").startswith(b"\x89PNG")
    text = archive.read("apps/expenses.json").decode()
    for address in ("bram@example.org", "anna@example.org", "chloe@example.org"):
        assert address not in text
    assert "Thanks, Chloé!" not in text


def test_export_of_a_reviewer_holds_their_comments_and_approvals(community) -> None:
    expense = approved_expense(community)
    actions.expense_comment(actor=community.bram, expense=expense, body="Approved, enjoy.")
    data, archive = _export(community.bram)
    assert data["expenses"] == []
    assert [(c["expense"], c["body"]) for c in data["comments_on_other_expenses"]] == [
        (expense.pk, "Approved, enjoy.")
    ]
    assert [a["expense"] for a in data["approvals_given"]] == [expense.pk]
    # Chloé's receipt is hers, not the reviewer's.
    assert not [n for n in archive.namelist() if n.startswith("apps/expenses/")]


def test_must_keep_names_approved_and_paid_expenses_only(community) -> None:
    from samen.expenses.privacy import must_keep

    make_expense(community.chloe, community.collective, submit=False)
    make_expense(community.chloe, community.collective)
    assert must_keep(community.chloe) is None
    assert must_keep(community.bram) is None
    approved_expense(community)
    assert "7 years" in (must_keep(community.chloe) or "")
    assert "7 years" in (must_keep(community.bram) or "")  # he approved it


def _storage() -> Any:
    return ExpenseAttachment._meta.get_field("file").storage


def _stored(expense: Expense) -> list[str]:
    return [a.file.name for a in expense.attachments.all()]


def test_erasure_deletes_what_never_moved_money_and_keeps_the_books(
    community, django_capture_on_commit_callbacks
) -> None:
    chloe, bram = community.chloe, community.bram
    collective = community.collective
    draft = make_expense(chloe, collective, title="Draft", submit=False, iban=DRAFT_IBAN)
    pending = make_expense(chloe, collective, title="Pending")
    canceled = actions.expense_cancel(actor=chloe, expense=make_expense(chloe, collective))
    rejected = actions.expense_reject(actor=bram, expense=make_expense(chloe, collective))
    paid = approved_expense(community, amount=3000)
    actions.expense_pay(actor=community.anna, expense=paid, paid_on=date(2026, 11, 20))
    actions.expense_comment(actor=chloe, expense=paid, body="Receipt attached.")
    actions.expense_comment(actor=bram, expense=paid, body="Paid today.")
    gone = [draft, pending, canceled, rejected]
    gone_files = [name for e in gone for name in _stored(e)]
    kept_files = _stored(paid)
    storage = _storage()
    assert all(storage.exists(name) for name in gone_files + kept_files)
    # Someone else's expense and bank account, untouched by her erasure.
    bram_draft = make_expense(bram, collective, title="Bram's draft", submit=False, iban=OTHER_IBAN)
    bram_files = _stored(bram_draft)

    with django_capture_on_commit_callbacks(execute=True):
        result = user_erase(actor=chloe, user=chloe)

    assert not result.deleted
    assert any("expense" in reason for reason in result.kept_because)
    assert not Expense.objects.filter(pk__in=[e.pk for e in gone]).exists()
    assert not any(storage.exists(name) for name in gone_files)
    assert not PayoutMethod.objects.filter(iban="BE43068999999501").exists()
    # The paid expense is an accounting record: it stays with its receipt and thread.
    paid.refresh_from_db()
    assert paid.status == ExpenseStatus.PAID
    assert all(storage.exists(name) for name in kept_files)
    comments = {c.body: c.author for c in paid.comments.select_related("author")}
    hers, his = comments["Receipt attached."], comments["Paid today."]
    assert hers is not None
    assert his is not None
    assert (hers.pk, hers.public_name) == (chloe.pk, "Former member")
    assert his.pk == bram.pk
    # Audit rows of the deleted expenses no longer carry their titles.
    assert not AuditEntry.objects.filter(target_repr="Draft").exists()
    assert Expense.objects.get(pk=bram_draft.pk).title == "Bram's draft"
    assert all(storage.exists(name) for name in bram_files)
    assert PayoutMethod.objects.get(owner=bram).iban == "BE62510007547061"
    assert verify_ledger() == []


def test_paid_expenses_keep_only_the_masked_iban(client, community) -> None:
    chloe = community.chloe
    paid = approved_expense(community, amount=3000)
    actions.expense_pay(actor=community.anna, expense=paid, paid_on=date(2026, 11, 20))
    fund(community.collective, 5000)
    waiting = make_expense(chloe, community.collective, amount=5000, iban=OTHER_IBAN)
    waiting = actions.expense_approve(actor=community.bram, expense=waiting)

    user_erase(actor=chloe, user=chloe)

    # Paid: the bank statement holds the account; the masked IBAN still matches its line.
    done = PayoutMethod.objects.get(pk=paid.payout_method_id)
    assert (done.iban, done.bic, done.account_holder) == ("BE•• •••• 6769", "", "")
    assert done.erased_at is not None
    # Approved, not paid yet: the host still needs the whole account to pay it.
    todo = PayoutMethod.objects.get(pk=waiting.payout_method_id)
    assert todo.iban == "BE62510007547061"
    assert todo.account_holder
    assert todo.erased_at is None
    # Paid later: from then on the same rule applies.
    actions.expense_pay(actor=community.anna, expense=waiting, paid_on=date(2026, 11, 28))
    todo.refresh_from_db()
    assert (todo.iban, todo.account_holder, todo.erased_at is not None) == (
        "BE•• •••• 7061",
        "",
        True,
    )

    client.force_login(community.anna)
    page = client.get(reverse("expenses:detail", args=[paid.pk])).content.decode()
    assert "BE•• •••• 6769" in page
    assert "Show the full IBAN" not in page
    payout = client.get(reverse("expenses:payout", args=[paid.pk])).content.decode()
    assert "BE71096123456769" not in payout
    assert "erased their account" in payout
    api = client.get(f"/api/v1/expenses/{paid.pk}/payout").json()
    assert api == {"account_holder": "", "iban": "BE•• •••• 6769", "bic": "", "erased": True}


def test_an_organisation_payee_keeps_its_name_on_the_payout_account(community) -> None:
    chloe = community.chloe
    fund(community.collective, 12100)
    invoice = make_expense(
        chloe,
        community.collective,
        type=ExpenseType.INVOICE,
        amount=12100,
        payee_kind=PayeeKind.ORGANISATION,
        payee_organisation="Drukkerij Zenne bv",
        iban=OTHER_IBAN,
    )
    PayoutMethod.objects.filter(pk=invoice.payout_method_id).update(
        account_holder="Drukkerij Zenne bv"
    )
    invoice = actions.expense_approve(actor=community.bram, expense=invoice)
    actions.expense_pay(actor=community.anna, expense=invoice, paid_on=date(2026, 11, 21))

    user_erase(actor=chloe, user=chloe)

    method = PayoutMethod.objects.get(pk=invoice.payout_method_id)
    assert (method.iban, method.account_holder) == ("BE•• •••• 7061", "Drukkerij Zenne bv")


def test_a_person_with_only_drafts_is_deleted_with_their_bank_accounts(
    community, django_capture_on_commit_callbacks
) -> None:
    chloe = community.chloe
    draft = make_expense(chloe, community.collective, submit=False)
    files = _stored(draft)
    actions.expense_cancel(actor=chloe, expense=make_expense(chloe, community.collective))

    with django_capture_on_commit_callbacks(execute=True):
        result = user_erase(actor=chloe, user=chloe)

    assert result.deleted, result.kept_because
    assert not Expense.objects.exists()
    assert not PayoutMethod.objects.exists()
    assert not any(_storage().exists(name) for name in files)
