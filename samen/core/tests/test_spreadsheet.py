"""The one CSV writer: no cell of an export can start a spreadsheet formula."""

import csv
import io

import pytest

from samen.lib.spreadsheet import csv_writer, safe_cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+32 2 123", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "  =cmd|' /C calc'!A0"],
)
def test_formula_starts_are_neutralised(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-12.50", "12", "0.001", "Buurtmoestuin", "", "a=b"])
def test_plain_text_and_numbers_stay_as_they_are(value: str) -> None:
    assert safe_cell(value) == value


def test_writer_round_trips_through_a_real_csv_reader() -> None:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["title", "amount", "count", "none"])
    writer.writerows([['\t=HYPERLINK("x")', "-3.20", 4, None]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[1] == ['\'\t=HYPERLINK("x")', "-3.20", "4", ""]
