"""Check-in by the personal code of a registration: shown as a QR to the person going,
scanned or typed at the organisers' check-in desk; a forged code or another date's code
checks nobody in."""

from __future__ import annotations

from typing import Any

import pytest

from samen.events import actions
from samen.events.checkin import check_in_code
from samen.events.errors import EventError, EventErrorCode
from samen.events.models import CheckIn, RegistrationStatus
from samen.events.tests.conftest import make_event

pytestmark = pytest.mark.django_db


def test_the_person_going_sees_a_qr_that_opens_the_check_in_desk(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    row = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    code = check_in_code(row)
    client.force_login(c.chloe)
    page = client.get(agenda.workshop.get_absolute_url()).content.decode()
    assert code in page
    assert "<svg" in page
    client.force_login(c.bram)
    desk = client.get(f"/events/dates/{slot.pk}/check-in/?code={code}")
    assert desk.status_code == 200
    assert f'value="{code}"' in desk.content.decode()
    done = client.post(f"/events/dates/{slot.pk}/check-in/", {"code": code.lower()})
    assert done.status_code == 200
    assert "is checked in" in done.content.decode()
    row.refresh_from_db()
    assert row.status == RegistrationStatus.ATTENDED
    # a second scan changes nothing
    client.post(f"/events/dates/{slot.pk}/check-in/", {"code": code})
    assert CheckIn.objects.filter(registration=row).count() == 1


def test_a_forged_code_or_another_dates_code_checks_nobody_in(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    row = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    other = make_event(c, title="Another one").occurrences.get()
    other_row = actions.occurrence_register(actor=c.dries, occurrence=other)
    for code, expected in [
        (f"{row.pk}-AAAAAAAAAA", EventErrorCode.CODE_INVALID),
        ("nonsense", EventErrorCode.CODE_INVALID),
        (check_in_code(other_row), EventErrorCode.CODE_OTHER_DATE),
    ]:
        with pytest.raises(EventError) as refused:
            actions.registration_check_in_by_code(actor=c.bram, occurrence=slot, code=code)
        assert refused.value.code == expected
    client.force_login(c.bram)
    answer = client.post(f"/events/dates/{slot.pk}/check-in/", {"code": check_in_code(other_row)})
    assert answer.status_code == 400
    assert "for another event or date" in answer.content.decode()
    assert not CheckIn.objects.exists()
    # members cannot use the desk
    client.force_login(c.chloe)
    assert client.get(f"/events/dates/{slot.pk}/check-in/").status_code == 403


def test_api_checks_in_by_code(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    row = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    client.force_login(c.bram)
    url = f"/api/v1/events/dates/{slot.pk}/check-in"
    bad = client.post(url, {"code": "1-XYZ"}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["code"] == "code_invalid"
    ok = client.post(url, {"code": check_in_code(row)}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["registration_id"] == row.pk
