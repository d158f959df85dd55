"""Issue 10, bank statement import: real files from public test suites and made ones."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from samen.banking import actions as bank
from samen.banking import matching
from samen.banking.models import HostBankAccount
from samen.banking.parsers import MAX_STATEMENT_BYTES, BankFileError, parse_statement
from samen.banking.tests.bankfiles import Line, camt053_file, coda_file
from samen.communities.models import Host
from samen.funding.models import BankLine, ContributionStatus, LineStatus
from samen.funding.tests.factories import give_by_bank

FILES = Path(__file__).parent / "files"
HOST_IBAN = "BE68539007547034"


def real(name: str) -> bytes:
    return (FILES / name).read_bytes()


@pytest.fixture
def host(db: None) -> Host:
    return Host.objects.create(name="Brussels host", slug="brussels", iban=HOST_IBAN)


@pytest.fixture
def no_matchers() -> Iterator[list[BankLine]]:
    offered: list[BankLine] = []

    def record(line: BankLine) -> bool:
        offered.append(line)
        return False

    saved = list(matching._matchers)
    matching._matchers[:] = [record]
    yield offered
    matching._matchers[:] = saved


def total(host: Host) -> int:
    return sum(BankLine.objects.filter(host=host).values_list("amount", flat=True))


# 1. Lines are lost -----------------------------------------------------------------------------


def test_real_coda_file_keeps_both_lines_that_share_a_reference(db, no_matchers) -> None:
    # CODA names the account by its Belgian number 435-0000000-80; the host has its IBAN.
    host = Host.objects.create(name="KBC host", slug="kbc", iban="BE47435000000080")
    result = bank.bank_import(actor=None, host=host, data=real("febelfin-coda-CODA.txt"))
    assert len(result.new_lines) == 59
    assert total(host) == 940529699  # the statement's closing balance, from 0.00
    assert BankLine.objects.filter(host=host, amount=-12085).count() == 2


def test_real_camt_entry_with_two_details_stores_both(db, no_matchers) -> None:
    host = Host.objects.create(name="Prilly", slug="prilly", iban="CH1111000000123456789")
    result = bank.bank_import(actor=None, host=host, data=real("oca-camt053-txdtls.xml"))
    assert sorted(line.amount for line in result.new_lines) == [129600, 218700]
    assert total(host) == 348300


def test_statement_that_does_not_add_up_is_refused(db) -> None:
    host = Host.objects.create(name="NL host", slug="nl", iban="NL77ABNA0574908765")
    with pytest.raises(BankFileError) as error:
        bank.bank_import(actor=None, host=host, data=real("oca-camt053.xml"))
    assert "does not add up" in str(error.value.message)
    assert not BankLine.objects.exists()


def test_statement_without_entries_whose_balances_agree_is_accepted(db) -> None:
    host = Host.objects.create(name="NL host", slug="nl", iban="NL77ABNA0574908765")
    result = bank.bank_import(actor=None, host=host, data=real("oca-camt053-no-ntry.xml"))
    assert result.new_lines == []


def test_made_coda_file_with_a_wrong_closing_balance_is_refused(host: Host) -> None:
    data = coda_file([Line(2500, "Dries", text="gift")])
    # The trailer's closing balance is 25.00; make it 26.00 (and fix nothing else).
    broken = data.replace(b"0000000000025000", b"0000000000026000", 1)
    assert broken != data
    with pytest.raises(BankFileError):
        bank.bank_import(actor=None, host=host, data=broken)


# 2. Lines are booked twice ---------------------------------------------------------------------


def test_overlapping_statement_lines_are_held_and_never_matched(host: Host, no_matchers) -> None:
    paid = Line(2500, "Dries", "BE71096123456769", text="gift", without_reference=True)
    first = camt053_file([paid], statement_id="STMT-A")
    bank.bank_import(actor=None, host=host, data=first)
    no_matchers.clear()
    new = Line(700, "Eva", text="another gift")
    result = bank.bank_import(
        actor=None, host=host, data=camt053_file([paid, new], statement_id="STMT-B")
    )
    assert result.held == 1
    held = BankLine.objects.get(statement=result.statement, amount=2500)
    assert held.status == LineStatus.HELD
    assert held.duplicate_of is not None
    assert held.duplicate_of.amount == 2500
    assert [line.amount for line in no_matchers] == [700]
    # The host admin says it is a second, real gift: now it is offered to the matchers.
    bank.bank_line_release(actor=None, line=held)
    assert [line.amount for line in no_matchers] == [700, 2500]


# 3. Money from the wrong account ---------------------------------------------------------------


def test_statement_of_another_account_is_refused(host: Host) -> None:
    data = camt053_file([Line(2500, "Dries", text="gift")], iban="BE71096123456769")
    with pytest.raises(BankFileError) as error:
        bank.bank_import(actor=None, host=host, data=data)
    assert "BE71096123456769" in str(error.value.message)
    assert not BankLine.objects.exists()


def test_command_refuses_another_account(host: Host, tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_bytes(camt053_file([Line(2500, "Dries", text="x")], iban="BE71096123456769"))
    with pytest.raises(CommandError):
        call_command("bank_import", "--host", host.slug, str(path), stdout=StringIO())


def _two_accounts(second: str) -> bytes:
    one = camt053_file([Line(2500, "Dries", text="a")], statement_id="S1").decode()
    two = camt053_file([Line(700, "Eva", text="b")], iban=second, statement_id="S2").decode()
    statement_two = two[two.index("<Stmt>") : two.index("</Stmt>") + len("</Stmt>")]
    return one.replace("</Stmt>", "</Stmt>" + statement_two, 1).encode()


def test_multi_account_file_imports_each_statement_to_its_account(host: Host, no_matchers) -> None:
    savings = "BE71096123456769"
    with pytest.raises(BankFileError):
        bank.bank_import(actor=None, host=host, data=_two_accounts(savings))
    HostBankAccount.objects.create(host=host, iban=savings, label="Savings")
    result = bank.bank_import(actor=None, host=host, data=_two_accounts(savings))
    assert [(s.account_iban, s.line_count) for s in result.statements] == [
        (HOST_IBAN, 1),
        (savings, 1),
    ]


# 4. Money in the wrong currency ----------------------------------------------------------------


@pytest.mark.parametrize("currency", ["CHF", "USD"])
def test_foreign_currency_line_does_not_pay_a_contribution(community, currency: str) -> None:
    contribution = give_by_bank(community.collective, amount=2500)
    data = camt053_file(
        [Line(2500, "Dries", structured=contribution.structured_communication, currency=currency)]
    )
    result = bank.bank_import(actor=community.anna, host=community.host, data=data)
    assert result.matched == 0
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PENDING


def test_line_pays_is_the_one_check() -> None:
    class FakeLine:
        def __init__(self, amount: int, currency: str = "EUR") -> None:
            self.amount, self.currency = amount, currency

    assert matching.line_pays(FakeLine(2500), incoming=True, at_least=2500)
    assert not matching.line_pays(FakeLine(2500, "CHF"), incoming=True)
    assert not matching.line_pays(FakeLine(-2500), incoming=True)
    assert matching.line_pays(FakeLine(-2500), incoming=False, at_most=2500)
    assert not matching.line_pays(FakeLine(2499), incoming=True, at_least=2500)


# 5. Money not yet booked -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["PDNG", "INFO"])
def test_pending_and_information_entries_are_not_lines(status: str) -> None:
    parsed = parse_statement(
        camt053_file([Line(2500, "Dries", text="a"), Line(700, "Eva", text="b", status=status)])
    )
    assert [line.amount for line in parsed.lines] == [2500]


# 6. Crashes and lies on odd amounts ------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["NaN", "Infinity", "1e30", "99999999999999999999.99", "-25.00", "12,50"]
)
def test_odd_camt_amounts_are_refused_with_a_line_number(text: str) -> None:
    data = camt053_file([Line(2500, "Dries", text="a"), Line(700, "Eva", amount_text=text)])
    with pytest.raises(BankFileError) as error:
        parse_statement(data)
    entry_line = data.decode().splitlines().index("      <Ntry>", 20) + 1
    assert f"Line {entry_line}:" in str(error.value.message)


def test_coda_amount_with_letters_is_refused_with_a_line_number() -> None:
    records = coda_file([Line(2500, "Dries", text="gift")]).decode("windows-1252").split("\r\n")
    number = next(i for i, r in enumerate(records) if r.startswith("21"))
    records[number] = records[number][:35] + "12AB" + records[number][39:]
    with pytest.raises(BankFileError) as error:
        parse_statement("\r\n".join(records).encode("windows-1252"))
    assert f"Line {number + 1}:" in str(error.value.message)


def test_odd_amount_through_the_api_is_a_400(community, client) -> None:
    client.force_login(community.anna)
    data = camt053_file([Line(700, "Eva", amount_text="NaN")])
    response = client.post(
        f"/api/v1/funding/hosts/{community.host.slug}/bank-statements",
        {"file": SimpleUploadedFile("nan.xml", data)},
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"


def test_api_caps_statement_files_like_the_page(community, client) -> None:
    client.force_login(community.anna)
    response = client.post(
        f"/api/v1/funding/hosts/{community.host.slug}/bank-statements",
        {"file": SimpleUploadedFile("big.xml", b"<" + b" " * MAX_STATEMENT_BYTES)},
    )
    assert response.status_code == 422
    assert "10 MB" in response.json()["detail"]


# 7. Details ------------------------------------------------------------------------------------


def test_account_given_as_other_id_is_kept() -> None:
    data = camt053_file([Line(2500, "Dries", text="a")]).replace(
        b"<Acct><Id><IBAN>BE68539007547034</IBAN></Id>",
        b"<Acct><Id><Othr><Id>539-0075470-34</Id></Othr></Id>",
    )
    assert parse_statement(data).account_iban == "539-0075470-34"


def test_reversal_keeps_the_payer_as_counterparty() -> None:
    data = camt053_file([Line(-2500, "Host itself", "BE68539007547034", text="returned")])
    data = data.replace(
        b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>"
    ).replace(
        b"<Cdtr><Nm>Host itself</Nm></Cdtr>",
        b"<Dbtr><Nm>Dries Peeters</Nm></Dbtr>"
        b"<DbtrAcct><Id><IBAN>BE71096123456769</IBAN></Id></DbtrAcct>"
        b"<Cdtr><Nm>Host itself</Nm></Cdtr>",
    )
    (line,) = parse_statement(data).lines
    assert line.amount == -2500
    assert line.counterparty_name == "Dries Peeters"
    assert line.counterparty_iban == "BE71096123456769"


def test_camt_without_statement_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        b"<BkToCstmrStmt><GrpHdr><MsgId>X</MsgId></GrpHdr></BkToCstmrStmt></Document>"
    )
    with pytest.raises(BankFileError):
        parse_statement(data)


def test_host_admin_releases_a_held_line_from_the_bank_page(community, client) -> None:
    from django.urls import reverse

    line = Line(2500, "Dries", "BE71096123456769", text="gift", without_reference=True)
    for statement_id in ("STMT-A", "STMT-B"):
        bank.bank_import(
            actor=None, host=community.host, data=camt053_file([line], statement_id=statement_id)
        )
    held = BankLine.objects.get(status=LineStatus.HELD)
    client.force_login(community.anna)
    page = client.get(reverse("funding:dashboard_bank", args=[community.host.slug]))
    assert 'data-testid="held-line"' in page.content.decode()
    url = reverse("funding:bank_line_release", args=[community.host.slug, held.pk])
    client.force_login(community.bram)
    assert client.post(url).status_code in {403, 404}
    client.force_login(community.anna)
    client.post(url)
    held.refresh_from_db()
    assert held.status == LineStatus.UNMATCHED
