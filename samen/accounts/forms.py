"""Forms of the accounts app: sign-up extras, the profile, account deletion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.core import ratelimit
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samen.accounts.actions import MAX_SKILL_LENGTH, MAX_SKILLS, clean_skill_names
from samen.accounts.avatars import process_avatar
from samen.accounts.errors import AccountsErrorCode, AvatarError
from samen.accounts.languages import spoken_language_choices
from samen.accounts.models import Profile, Skill, User, Visibility
from samen.accounts.queries import profile_of, skill_names

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def skill_autocomplete_attrs(*, filtering: bool = False) -> dict[str, str]:
    """The skills field's autocomplete: the suggestion endpoint fills ``#skill-suggestions``
    and accounts/skills.js puts a clicked skill in ``#id_skills``. ``filtering`` is for a
    search box, where a skill nobody has yet is not "created when you save"."""
    attrs = {
        "hx-get": reverse("accounts:skill_suggest"),
        "hx-trigger": "input changed delay:250ms, focus",
        "hx-target": "#skill-suggestions",
        "autocomplete": "off",
    }
    if filtering:
        attrs["hx-vals"] = '{"purpose": "filter"}'
    return attrs


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form asks for in addition to e-mail and password."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        help_text=_("How other members see you. You can change it later."),
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save(update_fields=["display_name", "language"])


def _visibility_field(label: StrOrPromise) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=Visibility.choices, widget=forms.Select(attrs={"class": "visibility"})
    )


class ProfileForm(forms.Form):
    """Everything a person edits about themselves on /people/me/."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        help_text=_("Always visible: this is how others see you. Never your e-mail address."),
    )
    language = forms.ChoiceField(
        label=_("Site language"),
        choices=settings.LANGUAGES,
        help_text=_("Used for the site and for the e-mails we send you, on every device."),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
        help_text=_(
            "A JPEG, PNG, GIF or WebP picture of at most 5 MB; we resize it to 512 pixels."
        ),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)
    avatar_visibility = _visibility_field(_("Who sees the avatar"))
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    bio_visibility = _visibility_field(_("Who sees “about me”"))
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    city_visibility = _visibility_field(_("Who sees the city"))
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages_visibility = _visibility_field(_("Who sees the languages"))
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=MAX_SKILLS * (MAX_SKILL_LENGTH + 2),
        help_text=_("Separate skills with commas; suggestions appear as you type."),
    )
    skills_visibility = _visibility_field(_("Who sees the skills"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Computed per request, so the names are in the reader's language and sorted for it.
        self.fields["languages"].choices = spoken_language_choices()  # type: ignore[attr-defined]
        self.fields["skills"].widget.attrs.update(skill_autocomplete_attrs())

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        profile = profile_of(user)
        initial: dict[str, Any] = {
            "display_name": user.display_name,
            # Nothing remembered yet: offer the language the page is shown in.
            "language": user.language or get_language() or settings.LANGUAGE_CODE,
            "bio": profile.bio,
            "city": profile.city,
            "languages": profile.languages,
            "skills": ", ".join(skill_names(profile)),
        }
        for name in Profile.PRIVATE_FIELDS:
            initial[f"{name}_visibility"] = profile.visibility_of(name)
        return initial

    def clean_avatar(self) -> Any:
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        try:
            return process_avatar(upload)
        except AvatarError as exc:
            raise forms.ValidationError(exc.code.label, code=exc.code.value) from None

    def clean_skills(self) -> list[str]:
        raw = self.cleaned_data.get("skills") or ""
        try:
            return clean_skill_names(raw.split(","))
        except ValueError as exc:
            code = AccountsErrorCode(str(exc.args[0]))
            raise forms.ValidationError(code.label, code=code.value) from None

    def visibility(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"{name}_visibility"] for name in Profile.PRIVATE_FIELDS}


class DeleteAccountForm(forms.Form):
    """Asks for the password again and an explicit confirmation before erasing an account."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    content = forms.ChoiceField(
        label=_("What I wrote in discussions and comments"),
        choices=[
            ("keep", _("Keep it, signed “Former member”, so the conversations stay readable")),
            ("delete", _("Delete it (a topic others replied to stays, signed “Former member”)")),
        ],
        initial="keep",
        required=False,  # left out: kept, as before the choice existed
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data are erased for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # The same limit as allauth's reauthentication: a password form is a guessing oracle.
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError(
                _("Too many attempts. Wait a minute and try again."), code="rate_limited"
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not correct."), code="wrong_password")
        return password


class SkillForm(forms.Form):
    """A curated skill: its names in the three languages and its synonyms."""

    name = forms.CharField(label=_("Name in English"), max_length=MAX_SKILL_LENGTH)
    name_nl = forms.CharField(label=_("Name in Dutch"), max_length=MAX_SKILL_LENGTH, required=False)
    name_fr = forms.CharField(
        label=_("Name in French"), max_length=MAX_SKILL_LENGTH, required=False
    )
    synonyms = forms.CharField(
        label=_("Synonyms"),
        required=False,
        max_length=600,
        help_text=_("Other words people use for it, in any language, separated by commas."),
    )

    def clean_synonyms(self) -> list[str]:
        return [w.strip() for w in self.cleaned_data.get("synonyms", "").split(",") if w.strip()]


class SkillMergeForm(forms.Form):
    """Two skills that are one: the first is merged into the second."""

    source = forms.ModelChoiceField(label=_("Merge this skill"), queryset=Skill.objects.all())
    target = forms.ModelChoiceField(label=_("into this one"), queryset=Skill.objects.all())
