"""The rules of the communities actions, including every kind of bad input in the issue."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image

from samen.audit.models import AuditEntry
from samen.communities import actions, queries
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import (
    ApplicationStatus,
    Collective,
    CollectiveMembership,
    Host,
    HostApplication,
    Invitation,
    JoinRequest,
)
from samen.communities.validation import render_markdown

pytestmark = pytest.mark.django_db


def _code(excinfo: pytest.ExceptionInfo[CommunityError]) -> CommunityErrorCode:
    return excinfo.value.code


# --- collectives and hosts ------------------------------------------------------------------


def test_new_collective_is_unhosted_and_its_creator_admin(eva):
    collective = actions.collective_create(
        actor=eva, name="Repair Café Elsene", tags="repair, Circular, repair", city="Elsene"
    )
    assert collective.slug == "repair-cafe-elsene"
    assert collective.host is None
    assert collective.status == "unhosted"
    assert not collective.can_receive_money
    assert collective.currency == "EUR"
    assert sorted(t.slug for t in collective.tags.all()) == ["circular", "repair"]
    assert queries.is_collective_admin(eva, collective)
    assert AuditEntry.objects.filter(
        action="collective.create", target_id=str(collective.pk)
    ).exists()


def test_taken_slug_is_refused_and_nothing_saved(eva, bram):
    actions.collective_create(actor=eva, name="Garden", slug="garden")
    with pytest.raises(CommunityError) as excinfo:
        actions.collective_create(actor=bram, name="Another garden", slug="garden")
    assert _code(excinfo) == CommunityErrorCode.SLUG_TAKEN
    assert excinfo.value.field == "slug"
    assert Collective.objects.count() == 1
    assert not CollectiveMembership.objects.filter(user=bram).exists()


def test_reserved_slug_is_refused(eva):
    with pytest.raises(CommunityError):
        actions.collective_create(actor=eva, name="New", slug="new")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("iban", "BE68 5390 0754 7035", CommunityErrorCode.INVALID_IBAN),
        ("iban", "not an iban", CommunityErrorCode.INVALID_IBAN),
        ("enterprise_number", "0403.019.262", CommunityErrorCode.INVALID_ENTERPRISE_NUMBER),
        ("enterprise_number", "12345", CommunityErrorCode.INVALID_ENTERPRISE_NUMBER),
        ("bic", "NOTABIC!", CommunityErrorCode.INVALID_BIC),
        ("vat_number", "BE0403019262", CommunityErrorCode.INVALID_VAT_NUMBER),
        ("flat_monthly_fee_cents", 10**20, CommunityErrorCode.INVALID_FEE),
    ],
)
def test_bad_bank_and_registration_numbers(anna, field, value, code):
    with pytest.raises(CommunityError) as excinfo:
        actions.host_create(actor=anna, name="Host", country="BE", **{field: value})
    assert _code(excinfo) == code
    assert excinfo.value.field == field
    assert not Host.objects.exists()


def test_host_numbers_are_normalised(anna):
    host = actions.host_create(
        actor=anna,
        name="Host",
        enterprise_number="BE 0403019261",
        vat_number="be0403.019.261",
        iban="be68 5390 0754 7034",
        bic="bbrubebb",
    )
    assert host.enterprise_number == "0403.019.261"
    assert host.vat_number == "BE0403019261"
    assert host.iban == "BE68539007547034"
    assert host.bic == "BBRUBEBB"
    assert queries.is_host_admin(anna, host)


def test_foreign_enterprise_numbers_are_free_text(anna):
    host = actions.host_create(actor=anna, name="Lille", country="FR", enterprise_number="RCS 123")
    assert host.enterprise_number == "RCS 123"


def test_fee_out_of_range_is_refused(anna):
    with pytest.raises(CommunityError) as excinfo:
        actions.host_create(actor=anna, name="Greedy", default_fee_percent="101")
    assert _code(excinfo) == CommunityErrorCode.INVALID_FEE


# --- applications ---------------------------------------------------------------------------


@pytest.fixture
def popup(community):
    return actions.collective_create(actor=community.bram, name="Zinneke Pop-up")


def test_application_needs_answers_and_terms(community, popup):
    c = community
    with pytest.raises(CommunityError) as excinfo:
        actions.application_submit(
            actor=c.bram, collective=popup, host=c.host, answers=[""], terms_accepted=True
        )
    assert _code(excinfo) == CommunityErrorCode.ANSWERS_MISSING
    with pytest.raises(CommunityError) as excinfo:
        actions.application_submit(
            actor=c.bram, collective=popup, host=c.host, answers=["Beer"], terms_accepted=False
        )
    assert _code(excinfo) == CommunityErrorCode.TERMS_NOT_ACCEPTED
    assert not HostApplication.objects.filter(collective=popup).exists()


def test_only_collective_admins_apply(community, popup):
    with pytest.raises(PermissionDenied):
        actions.application_submit(
            actor=community.chloe,
            collective=popup,
            host=community.host,
            answers=["x"],
            terms_accepted=True,
        )


def test_one_open_application_at_a_time(community, popup):
    c = community
    actions.application_submit(
        actor=c.bram, collective=popup, host=c.host, answers=["x"], terms_accepted=True
    )
    with pytest.raises(CommunityError) as excinfo:
        actions.application_submit(
            actor=c.bram, collective=popup, host=c.host, answers=["x"], terms_accepted=True
        )
    assert _code(excinfo) == CommunityErrorCode.APPLICATION_OPEN


def test_collective_admin_cannot_approve_own_application(community, popup):
    c = community
    application = actions.application_submit(
        actor=c.bram, collective=popup, host=c.host, answers=["x"], terms_accepted=True
    )
    for person in (c.bram, c.femke, c.gilles):
        with pytest.raises(CommunityError) as excinfo:
            actions.application_approve(actor=person, application=application)
        assert _code(excinfo) == CommunityErrorCode.NOT_HOST_ADMIN
    popup.refresh_from_db()
    application.refresh_from_db()
    assert popup.host is None
    assert application.status == ApplicationStatus.PENDING


def test_approval_with_custom_fee_tells_admins_in_their_language(
    community, popup, make_user, django_capture_on_commit_callbacks
):
    c = community
    francophone = make_user("lea@example.org", "Léa", language="fr")
    actions.member_add(actor=c.bram, owner=popup, user=francophone, role="admin")
    application = actions.application_submit(
        actor=c.bram, collective=popup, host=c.host, answers=["Pop-up bar"], terms_accepted=True
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.application_approve(actor=c.anna, application=application, custom_fee_percent="3.5")
    popup.refresh_from_db()
    assert popup.host == c.host
    assert popup.hosted_since is not None
    assert popup.effective_fee_percent == Decimal("3.50")
    assert popup.can_receive_money
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"bram@example.org", "lea@example.org"}
    assert "3.50" in by_address["bram@example.org"].body
    # Léa reads French; Bram, with no language set, gets the default (English).
    assert "Brussels Commons now hosts your collective" in by_address["bram@example.org"].subject
    application.refresh_from_db()
    with translation.override("fr"):
        french = render_to_string(
            "communities/email/application_decided_subject.txt",
            {"application": application, "host": c.host},
        ).strip()
    assert by_address["lea@example.org"].subject == french
    entry = AuditEntry.objects.filter(action="application.approve").first()
    assert entry is not None
    assert entry.host == c.host
    assert entry.data["custom_fee_percent"] == "3.50"
    with pytest.raises(CommunityError) as excinfo:
        actions.application_reject(actor=c.anna, application=application, reason="late")
    assert _code(excinfo) == CommunityErrorCode.APPLICATION_CLOSED


def test_reject_and_request_info(community, popup):
    c = community
    application = actions.application_submit(
        actor=c.bram, collective=popup, host=c.host, answers=["x"], terms_accepted=True
    )
    actions.application_request_info(actor=c.anna, application=application, question="Budget?")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NEEDS_INFO
    actions.application_reply(actor=c.bram, application=application, message="3000 euro")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert "3000 euro" in application.message
    actions.application_reject(actor=c.anna, application=application, reason="Out of scope")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.reason == "Out of scope"
    assert popup.host is None
    actions_logged = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"application.request_info", "application.reject"} <= actions_logged


def test_freeze_unfreeze_unhost(community):
    c = community
    actions.collective_freeze(actor=c.anna, collective=c.collective, reason="paperwork")
    c.collective.refresh_from_db()
    assert c.collective.status == "frozen"
    assert not c.collective.can_receive_money
    with pytest.raises(CommunityError):
        actions.collective_freeze(actor=c.anna, collective=c.collective)
    with pytest.raises(CommunityError) as excinfo:
        actions.collective_unfreeze(actor=c.bram, collective=c.collective)
    assert _code(excinfo) == CommunityErrorCode.NOT_HOST_ADMIN
    actions.collective_unfreeze(actor=c.anna, collective=c.collective)
    actions.collective_unhost(actor=c.anna, collective=c.collective, reason="moved")
    c.collective.refresh_from_db()
    assert c.collective.host is None
    logged = list(AuditEntry.objects.filter(host=c.host).values_list("action", flat=True))
    assert {"collective.freeze", "collective.unfreeze", "collective.unhost"} <= set(logged)


# --- roles ----------------------------------------------------------------------------------


def test_last_admin_cannot_leave_or_step_down(community):
    c = community
    with pytest.raises(CommunityError) as excinfo:
        actions.membership_leave(actor=c.bram, owner=c.collective)
    assert _code(excinfo) == CommunityErrorCode.LAST_ADMIN
    with pytest.raises(CommunityError):
        actions.member_set_role(actor=c.bram, owner=c.collective, user=c.bram, role="member")
    assert queries.is_collective_admin(c.bram, c.collective)
    actions.member_set_role(actor=c.bram, owner=c.collective, user=c.chloe, role="admin")
    actions.membership_leave(actor=c.bram, owner=c.collective)
    assert not CollectiveMembership.objects.filter(user=c.bram, collective=c.collective).exists()
    changes = AuditEntry.objects.filter(action__startswith="role.").values_list("action", flat=True)
    assert {"role.change", "role.leave"} <= set(changes)


def test_host_last_admin_cannot_leave(community):
    with pytest.raises(CommunityError) as excinfo:
        actions.membership_leave(actor=community.anna, owner=community.host)
    assert _code(excinfo) == CommunityErrorCode.LAST_ADMIN
    actions.membership_leave(actor=community.femke, owner=community.host)
    assert not queries.is_host_accountant(community.femke, community.host)


def test_invalid_role(community):
    with pytest.raises(CommunityError) as excinfo:
        actions.member_set_role(
            actor=community.bram, owner=community.collective, user=community.chloe, role="owner"
        )
    assert _code(excinfo) == CommunityErrorCode.INVALID_ROLE


# --- invitations ----------------------------------------------------------------------------


def test_inviting_an_existing_member_is_refused(community):
    c = community
    with pytest.raises(CommunityError) as excinfo:
        actions.invitation_send(
            actor=c.bram, owner=c.collective, email="CHLOE@example.org", role="member"
        )
    assert _code(excinfo) == CommunityErrorCode.ALREADY_MEMBER
    assert not Invitation.objects.exists()


def test_invitation_accept_with_rules(community, make_user, django_capture_on_commit_callbacks):
    c = community
    actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind.")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.invitation_send(
            actor=c.bram, owner=c.collective, email="nina@example.org", role="admin"
        )
    assert "/invitations/" in mail.outbox[-1].body
    nina = make_user("nina@example.org", "Nina")
    with pytest.raises(CommunityError) as excinfo:
        actions.invitation_accept(actor=c.eva, invitation=invitation, rules_accepted=True)
    assert _code(excinfo) == CommunityErrorCode.INVITATION_EMAIL
    with pytest.raises(CommunityError) as excinfo:
        actions.invitation_accept(actor=nina, invitation=invitation)
    assert _code(excinfo) == CommunityErrorCode.RULES_NOT_ACCEPTED
    actions.invitation_accept(actor=nina, invitation=invitation, rules_accepted=True)
    assert queries.is_collective_admin(nina, c.collective)
    assert not queries.needs_rules_acceptance(nina, c.collective)
    with pytest.raises(CommunityError) as excinfo:
        actions.invitation_decline(actor=nina, invitation=invitation)
    assert _code(excinfo) == CommunityErrorCode.INVITATION_CLOSED


# --- join requests and house rules ----------------------------------------------------------


def test_join_request_flow_and_answering_twice(community):
    c = community
    actions.collective_update(
        actor=c.bram, collective=c.collective, membership_questions="Why do you want to join?"
    )
    actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind.")
    c.collective.refresh_from_db()
    with pytest.raises(CommunityError) as excinfo:
        actions.join_request_submit(
            actor=c.eva, collective=c.collective, answers=["Beer"], rules_accepted=False
        )
    assert _code(excinfo) == CommunityErrorCode.RULES_NOT_ACCEPTED
    with pytest.raises(CommunityError) as excinfo:
        actions.join_request_submit(
            actor=c.eva, collective=c.collective, answers=[], rules_accepted=True
        )
    assert _code(excinfo) == CommunityErrorCode.ANSWERS_MISSING
    join_request = actions.join_request_submit(
        actor=c.eva, collective=c.collective, answers=["I brew"], rules_accepted=True
    )
    assert join_request.answers == [{"question": "Why do you want to join?", "answer": "I brew"}]
    with pytest.raises(CommunityError) as excinfo:
        actions.join_request_submit(
            actor=c.eva, collective=c.collective, answers=["again"], rules_accepted=True
        )
    assert _code(excinfo) == CommunityErrorCode.JOIN_REQUEST_OPEN
    with pytest.raises(PermissionDenied):
        actions.join_request_approve(actor=c.chloe, join_request=join_request)
    actions.join_request_approve(actor=c.bram, join_request=join_request)
    assert queries.is_collective_member(c.eva, c.collective)
    assert not queries.needs_rules_acceptance(c.eva, c.collective)
    with pytest.raises(CommunityError) as excinfo:
        actions.join_request_decline(actor=c.bram, join_request=join_request, reason="oops")
    assert _code(excinfo) == CommunityErrorCode.JOIN_REQUEST_CLOSED
    join_request.refresh_from_db()
    assert join_request.status == "approved"
    assert JoinRequest.objects.count() == 1


def test_members_cannot_ask_to_join(community):
    with pytest.raises(CommunityError) as excinfo:
        actions.join_request_submit(
            actor=community.chloe, collective=community.collective, answers=[], rules_accepted=True
        )
    assert _code(excinfo) == CommunityErrorCode.ALREADY_MEMBER


def test_rules_change_requires_reacceptance(community):
    c = community
    from samen.communities.access import RulesNotAccepted, require_rules_accepted

    assert not queries.needs_rules_acceptance(c.chloe, c.collective)
    first = actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind.")
    assert first.version == 1
    assert queries.needs_rules_acceptance(c.chloe, c.collective)
    assert not queries.needs_rules_acceptance(c.bram, c.collective)
    assert not queries.needs_rules_acceptance(c.eva, c.collective)
    with pytest.raises(RulesNotAccepted):
        require_rules_accepted(c.chloe, c.collective)
    actions.rules_accept(actor=c.chloe, owner=c.collective)
    require_rules_accepted(c.chloe, c.collective)
    second = actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind. Tidy up.")
    assert second.version == 2
    assert queries.needs_rules_acceptance(c.chloe, c.collective)
    with pytest.raises(CommunityError) as excinfo:
        actions.rules_publish(actor=c.bram, owner=c.collective, text="Be kind. Tidy up.")
    assert _code(excinfo) == CommunityErrorCode.RULES_UNCHANGED
    with pytest.raises(PermissionDenied):
        actions.rules_publish(actor=c.chloe, owner=c.collective, text="Anarchy")
    assert AuditEntry.objects.filter(action="rules.publish").count() == 2


# --- follows, markdown and images ------------------------------------------------------------


def test_follow_twice_is_harmless(community):
    actions.follow_add(actor=community.eva, target=community.host)
    actions.follow_add(actor=community.eva, target=community.host)
    assert queries.follower_count(community.host) == 1
    actions.follow_remove(actor=community.eva, target=community.host)
    assert queries.follower_count(community.host) == 0


def test_markdown_is_sanitised():
    html = render_markdown(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.example)"
    )
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert 'href="https://a.example"' in html
    assert "nofollow" in html


def _png(size: tuple[int, int]) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", size, "green").save(data, "PNG")
    data.seek(0)
    return data


def test_logo_is_resized_and_type_checked(eva):
    collective = actions.collective_create(actor=eva, name="Garden", logo=_png((2000, 1000)))
    with Image.open(collective.logo) as image:
        assert image.format == "PNG"
        assert max(image.size) <= 512
    fake = io.BytesIO(b"GIF89a not really an image")
    with pytest.raises(CommunityError) as excinfo:
        actions.collective_create(actor=eva, name="Fake", logo=fake)
    assert _code(excinfo) == CommunityErrorCode.INVALID_IMAGE
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(CommunityError):
        actions.collective_create(actor=eva, name="Gif", logo=gif)
    assert not Collective.objects.filter(name__in=["Fake", "Gif"]).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"website": "javascript:alert(1)"},
        {"social_links": "https://ok.example\njavascript:alert(1)"},
    ],
)
def test_links_must_be_web_addresses(community, changes):
    with pytest.raises(CommunityError) as excinfo:
        actions.collective_update(actor=community.bram, collective=community.collective, **changes)
    assert _code(excinfo) == CommunityErrorCode.INVALID_URL
    community.collective.refresh_from_db()
    assert community.collective.website == ""
    assert community.collective.social_links == []


def test_host_contact_email_is_checked(anna):
    with pytest.raises(CommunityError) as excinfo:
        actions.host_create(actor=anna, name="H", contact_email="not-an-address")
    assert _code(excinfo) == CommunityErrorCode.INVALID_EMAIL
