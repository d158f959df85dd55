from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from samen.accounts.models import Profile, Skill, User, Visibility
from samen.accounts.tests.factories import give_profile, image_upload

pytestmark = pytest.mark.django_db


def _profile_post(**overrides):
    data = {
        "display_name": "Anna Peeters",
        "language": "en",
        "bio": "I keep the books.",
        "city": "Brussels",
        "languages": ["nl", "fr"],
        "skills": "Accounting, Grant writing",
        "bio_visibility": "everyone",
        "avatar_visibility": "everyone",
        "city_visibility": "members",
        "languages_visibility": "everyone",
        "skills_visibility": "only_me",
    }
    data.update(overrides)
    return data


def test_me_requires_login(client: Client) -> None:
    response = client.get("/people/me/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_me_shows_form_and_account_links(client: Client, anna) -> None:
    client.force_login(anna)
    body = client.get("/people/me/").content.decode()
    for url in (
        reverse("mfa_index"),
        reverse("account_change_password"),
        reverse("account_email"),
        "/settings/tokens/",
        reverse("accounts:export"),
        reverse("accounts:delete"),
    ):
        assert f'href="{url}"' in body or f'action="{url}"' in body, url
    assert 'name="skills"' in body
    assert "Dutch" in body  # spoken languages named in the active language


def test_me_saves_profile_with_avatar(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.post("/people/me/", {**_profile_post(), "avatar": image_upload()})
    assert response.status_code == 302
    profile = Profile.objects.get(user=anna)
    assert profile.city == "Brussels"
    assert profile.languages == ["nl", "fr"]
    assert profile.skills_visibility == Visibility.ONLY_ME
    assert {s.name for s in profile.skills.all()} == {"Accounting", "Grant writing"}
    assert profile.avatar.name.endswith(".jpg")
    page = client.get("/people/me/").content.decode()
    assert "Your profile is saved." in page
    assert profile.avatar.url in page


@pytest.mark.parametrize(
    ("upload_kwargs", "message"),
    [
        ({"content": b"just text, not a picture"}, "not an image we can read"),
        ({"content": b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024)}, "larger than 5 MB"),
    ],
)
def test_bad_avatar_gets_a_form_error_and_nothing_is_saved(
    client: Client, anna, upload_kwargs, message
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(anna)
    upload = SimpleUploadedFile("me.jpg", upload_kwargs["content"], content_type="image/jpeg")
    response = client.post("/people/me/", {**_profile_post(), "avatar": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Profile.objects.filter(user=anna).exists()


def test_bad_avatar_error_is_in_the_users_language(client: Client, make_user) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = make_user("nl@example.org", "Nele", language="nl")
    client.force_login(user)
    upload = SimpleUploadedFile("me.jpg", b"text", content_type="image/jpeg")
    response = client.post("/people/me/", {**_profile_post(language="nl"), "avatar": upload})
    assert response.status_code == 400
    assert response["Content-Language"] == "nl"
    assert "Dit bestand is geen afbeelding" in response.content.decode()


def test_me_rejects_bad_choices(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.post(
        "/people/me/",
        _profile_post(languages=["xx"], city_visibility="friends", language="de", skills="x" * 61),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"languages", "city_visibility", "language", "skills"}
    assert not Profile.objects.filter(user=anna).exists()


def test_language_field_defaults_to_the_page_language(client: Client, anna) -> None:
    client.force_login(anna)  # anna has no remembered language
    response = client.get("/people/me/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.context["form"]["language"].value() == "fr"


def test_language_on_profile_form_switches_the_site(client: Client, anna) -> None:
    client.force_login(anna)
    client.post("/people/me/", _profile_post(language="fr"))
    anna.refresh_from_db()
    assert anna.language == "fr"
    assert client.get("/people/me/")["Content-Language"] == "fr"


# Visibility matrix: who sees which field on /people/<id>/ and in the API.
VIEWERS = ["anonymous", "member", "self"]
EXPECTED = {
    Visibility.EVERYONE: {"anonymous": True, "member": True, "self": True},
    Visibility.MEMBERS: {"anonymous": False, "member": True, "self": True},
    Visibility.ONLY_ME: {"anonymous": False, "member": False, "self": True},
}


@pytest.mark.parametrize("visibility", list(EXPECTED))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_visibility_matrix(client: Client, anna, bram, visibility, viewer) -> None:
    from samen.accounts.actions import profile_set_avatar
    from samen.accounts.avatars import process_avatar

    give_profile(
        anna,
        bio="Secret bio text",
        city="Hidden Town",
        languages=["kab"],
        skills=["Unusual skill"],
        visibility=visibility,
    )
    avatar = profile_set_avatar(actor=anna, image=process_avatar(image_upload())).avatar.url
    if viewer == "member":
        client.force_login(bram)
    elif viewer == "self":
        client.force_login(anna)
    shown = EXPECTED[visibility][viewer]

    page = client.get(f"/people/{anna.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Anna" in body
    assert anna.email not in body
    for secret in ("Secret bio text", "Hidden Town", "Kabyle", "Unusual skill", avatar):
        assert (secret in body) is shown, secret

    data = client.get(f"/api/v1/people/{anna.pk}").json()
    assert data["name"] == "Anna"
    assert "email" not in data
    assert anna.email not in str(data)
    assert (data["bio"] == "Secret bio text") is shown
    assert (data["city"] == "Hidden Town") is shown
    assert (data["skills"] == ["Unusual skill"]) is shown
    assert (data["languages"] == [{"code": "kab", "name": "Kabyle"}]) is shown
    assert (data["avatar_url"] == avatar) is shown
    if not shown:
        assert data["bio"] is None
        assert data["skills"] is None


def test_unknown_or_erased_people_are_not_found(client: Client, anna) -> None:
    from samen.accounts.actions import user_erase

    assert client.get("/people/999999/").status_code == 404
    response = client.get("/api/v1/people/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    anna_id = anna.pk
    user_erase(actor=anna, user=anna)
    assert client.get(f"/people/{anna_id}/").status_code == 404


def test_api_person_bad_id_is_4xx(client: Client) -> None:
    response = client.get("/api/v1/people/abc")
    assert response.status_code == 422
    assert "detail" in response.json()


def test_profile_without_row_shows_name_only(client: Client, anna) -> None:
    response = client.get(f"/people/{anna.pk}/")
    assert response.status_code == 200
    assert "Nothing more to show here." in response.content.decode()


def test_skill_autocomplete(client: Client, anna, bram) -> None:
    give_profile(bram, skills=["Woodworking", "Wood carving", "Hardwood floors", "Welding"])
    client.force_login(anna)
    response = client.get(
        reverse("accounts:skill_suggest"), {"skills": "Welding, woo"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    # Names starting with the typed word first, then names containing it.
    assert body.index("Wood carving") < body.index("Hardwood floors")
    assert "Woodworking" in body
    assert 'data-skill="Welding"' not in body  # already in the field
    response = client.get(reverse("accounts:skill_suggest"), {"skills": "Basket"})
    assert "is a new skill" in response.content.decode()
    # in a search box (purpose=filter) an unknown skill is not "created when you save"
    response = client.get(
        reverse("accounts:skill_suggest"), {"skills": "Basket", "purpose": "filter"}
    )
    assert "Nobody has the skill “Basket” yet." in response.content.decode()
    assert client.get(reverse("accounts:skill_suggest"), {"skills": ""}).content.strip() == b""


def test_skill_autocomplete_needs_login(client: Client) -> None:
    assert client.get(reverse("accounts:skill_suggest"), {"q": "a"}).status_code == 302


def test_skill_autocomplete_query_count_is_constant(
    client: Client, anna, django_assert_max_num_queries
) -> None:
    for i in range(30):
        Skill.objects.create(name=f"Skill {i}")
    client.force_login(anna)
    with django_assert_max_num_queries(6):
        client.get(reverse("accounts:skill_suggest"), {"q": "skill"})


def test_person_page_query_count_does_not_grow_with_skills(
    client: Client, anna, django_assert_max_num_queries
) -> None:
    give_profile(anna, skills=[f"Skill {i}" for i in range(20)])
    with django_assert_max_num_queries(6):
        client.get(f"/people/{anna.pk}/")


def test_language_switch_is_remembered_across_devices(make_user) -> None:
    user = make_user("nele@example.org", "Nele")
    laptop = Client()
    laptop.login(email=user.email, password=PASSWORD)
    response = laptop.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "nl"

    phone = Client()  # a fresh device: no language cookie, an English browser
    response = phone.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    page = phone.get("/people/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "nl"
    assert "Mijn profiel" in page.content.decode()


def test_language_switch_rejects_unknown_language(client: Client, anna) -> None:
    client.force_login(anna)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    anna.refresh_from_db()
    assert anna.language == ""


def test_signup_asks_display_name_and_sends_to_verification(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="display_name"' in page
    assert "form-control" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new@example.org",
                "display_name": "Newt",
                "password1": "a fine long passphrase",
                "password2": "a fine long passphrase",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.org")
    assert user.display_name == "Newt"
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_wrong_password_is_a_clear_form_error(client: Client, anna) -> None:
    response = client.post(reverse("account_login"), {"login": anna.email, "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "alert-danger" in body
    assert "not correct" in body


def test_unverified_email_login_goes_to_verification_page(client: Client, make_user) -> None:
    user = make_user("unverified@example.org", "U", verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_login_is_rate_limited_after_five_failures(client: Client, anna) -> None:
    for _ in range(5):
        client.post(reverse("account_login"), {"login": anna.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": anna.email, "password": PASSWORD})
    body = response.content.decode()
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in body
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_email_verification_sent",
        "account_reset_password_done",
    ],
)
def test_entrance_pages_render_with_bootstrap(client: Client, name) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "bootstrap.min.css" in body
    assert 'class="h3 mb-3"' in body


@pytest.mark.parametrize(
    "name",
    [
        "account_email",
        "account_change_password",
        "mfa_index",
        "mfa_activate_totp",
        "account_logout",
    ],
)
def test_manage_pages_render_with_bootstrap(client: Client, anna, name) -> None:
    client.force_login(anna)
    # Activating TOTP wants a fresh password confirmation (allauth's reauthentication).
    page = client.get(reverse("account_reauthenticate"))
    assert "form-control" in page.content.decode()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "bootstrap.min.css" in body
    assert "btn btn-" in body


WELCOME = {"en": "Welcome to Samen", "nl": "Welkom bij Samen", "fr": "Bienvenue sur Samen"}


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_confirming_an_account_lands_on_first_steps(
    client: Client, django_capture_on_commit_callbacks, language
) -> None:
    import re

    client.cookies["django_language"] = language
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "first@example.org",
                "display_name": "Noor",
                "password1": "a fine long passphrase",
                "password2": "a fine long passphrase",
            },
            HTTP_ACCEPT_LANGUAGE=language,
        )
    link = re.search(r"(/accounts/confirm-email/\S+/)", str(mail.outbox[0].body))
    assert link
    response = client.post(link.group(1), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:welcome")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert WELCOME[language] in page
    assert 'data-testid="first-steps"' in page
    assert reverse("communities:directory") in page
