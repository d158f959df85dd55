"""Bank statement import: real CODA and camt.053 files, idempotency, the matcher registry."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from samen.banking import actions as bank
from samen.banking import matching
from samen.banking.parsers import (
    BankFileError,
    find_structured_communication,
    parse_camt053,
    parse_coda,
    parse_statement,
)
from samen.banking.tests.bankfiles import Line, camt053_file, coda_file
from samen.communities.models import Host
from samen.funding.models import BankLine, BankStatement, LineStatus

LINES = [
    Line(2500, "Dries Peeters", "BE71096123456769", structured="010806817183"),
    Line(-1234, "Brouwerij Zenne", "BE62510007547061", text="invoice 12", end_to_end="EXP-7"),
    Line(700, "Eva", text="gift +++090/9337/55493+++ thanks"),
]


@pytest.fixture
def host(db: None) -> Host:
    return Host.objects.create(name="Brussels host", slug="brussels", iban="BE68539007547034")


@pytest.fixture
def no_matchers() -> Iterator[None]:
    saved = list(matching._matchers)
    matching._matchers.clear()
    yield
    matching._matchers[:] = saved


@pytest.mark.parametrize("build", [coda_file, camt053_file])
def test_both_formats_parse_to_the_same_lines(build) -> None:
    statement = parse_statement(build(LINES))
    assert statement.account_iban == "BE68539007547034"
    assert [line.amount for line in statement.lines] == [2500, -1234, 700]
    assert [line.structured_communication for line in statement.lines] == [
        "010806817183",
        "",
        "090933755493",
    ]
    assert statement.lines[0].counterparty_iban == "BE71096123456769"
    assert statement.lines[1].counterparty_name == "Brouwerij Zenne"
    assert statement.lines[1].end_to_end_id == "EXP-7"
    assert all(line.bank_reference for line in statement.lines)


def test_structured_communication_needs_valid_check_digits() -> None:
    assert find_structured_communication("+++010/8068/17183+++") == "010806817183"
    assert find_structured_communication("010/8068/17183") == "010806817183"
    assert find_structured_communication("+++010/8068/17180+++") == ""
    assert find_structured_communication("order 12") == ""


def test_broken_files_raise_a_clear_error() -> None:
    with pytest.raises(BankFileError):
        parse_statement(b"hello")
    with pytest.raises(BankFileError):
        parse_coda(coda_file(LINES)[:-140])
    with pytest.raises(BankFileError):
        parse_camt053(b"<Document><nope/></Document>")
    with pytest.raises(BankFileError):
        parse_camt053(b"<Document")


def test_camt_with_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<Document><BkToCstmrStmt><Stmt><Id>&x;</Id></Stmt></BkToCstmrStmt></Document>"
    ).encode()
    with pytest.raises(BankFileError):
        parse_camt053(hostile)


@pytest.mark.parametrize("build", [coda_file, camt053_file])
def test_importing_the_same_file_twice_changes_nothing(host: Host, build, no_matchers) -> None:
    data = build(LINES)
    first = bank.bank_import(actor=None, host=host, data=data, filename="nov.txt")
    assert len(first.new_lines) == 3
    assert first.matched == 0
    again = bank.bank_import(actor=None, host=host, data=data, filename="nov.txt")
    assert again.already_imported
    assert again.statement == first.statement
    assert BankStatement.objects.count() == 1
    assert BankLine.objects.count() == 3


def test_overlapping_statement_imports_only_new_lines(host: Host, no_matchers) -> None:
    bank.bank_import(actor=None, host=host, data=camt053_file(LINES[:2]))
    later = Line(5000, "Chloé", structured="090933755493", reference="STMT-2026-11-20-9")
    result = bank.bank_import(actor=None, host=host, data=camt053_file([*LINES[:2], later]))
    assert result.skipped_duplicates == 2
    assert [line.amount for line in result.new_lines] == [5000]
    assert BankLine.objects.count() == 3


def test_matchers_claim_lines_in_order(host: Host, no_matchers) -> None:
    seen: list[int] = []

    @matching.register_line_matcher
    def outgoing(line: BankLine) -> bool:
        seen.append(line.amount)
        if line.end_to_end_id != "EXP-7":
            return False
        bank.bank_line_mark_matched(line=line, target=host)
        return True

    @matching.register_line_matcher
    def broken(line: BankLine) -> bool:
        raise RuntimeError("a bug must not stop the import")

    matching.register_line_matcher(outgoing)  # registering twice keeps one
    result = bank.bank_import(actor=None, host=host, data=coda_file(LINES))
    assert result.matched == 1
    assert seen == [2500, -1234, 700]
    matched = BankLine.objects.get(status=LineStatus.MATCHED)
    assert matched.end_to_end_id == "EXP-7"
    assert matched.matched_id == str(host.pk)
    with pytest.raises(ValueError, match="already matched"):
        bank.bank_line_mark_matched(line=matched, target=host)
    assert BankLine.objects.filter(status=LineStatus.UNMATCHED).count() == 2


def test_failed_parse_writes_nothing(host: Host) -> None:
    with pytest.raises(BankFileError):
        bank.bank_import(actor=None, host=host, data=b"0000 broken")
    assert not BankStatement.objects.exists()


def test_a_broken_movement_after_good_ones_writes_nothing(host: Host, no_matchers) -> None:
    """The header and the first two movements are sound; the last movement's amount is not a
    number. Nothing of the file may be kept, not even the good lines before it."""
    records = coda_file(LINES).decode("latin-1").split("\n")
    last = max(i for i, record in enumerate(records) if record.startswith("21"))
    # Record 2.1 holds the signed amount in columns 32-47.
    records[last] = records[last][:32] + "12O4,5" + records[last][38:]
    with pytest.raises(BankFileError):
        bank.bank_import(actor=None, host=host, data="\n".join(records).encode("latin-1"))
    assert not BankStatement.objects.exists()
    assert not BankLine.objects.exists()
    # The same file, repaired, imports in full.
    result = bank.bank_import(actor=None, host=host, data=coda_file(LINES))
    assert len(result.new_lines) == 3


def test_ignore_a_line(host: Host, anna, no_matchers) -> None:
    result = bank.bank_import(actor=anna, host=host, data=camt053_file(LINES))
    line = bank.bank_line_ignore(actor=anna, line=result.new_lines[2], reason="bank fee")
    assert line.status == LineStatus.IGNORED


def test_command_imports_and_reports(host: Host, tmp_path: Path, no_matchers) -> None:
    path = tmp_path / "nov.coda"
    path.write_bytes(coda_file(LINES))
    out = StringIO()
    call_command("bank_import", "--host", "brussels", str(path), stdout=out)
    assert "3 new lines" in out.getvalue()
    call_command("bank_import", "--host", "brussels", str(path), stdout=out)
    assert "already imported" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("bank_import", "--host", "nowhere", str(path))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<x/>")
    with pytest.raises(CommandError, match=r"camt\.053"):
        call_command("bank_import", "--host", "brussels", str(bad))
