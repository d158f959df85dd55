"""``{% load ui %}``: helpers of the shared components in ``templates/components/``: status
tones for badges and the Bootstrap rendering of form fields (every form of every app)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

# One meaning per colour on every page: green done, amber waiting on someone, blue moving
# along, red refused, grey over or not started. The colours themselves live in samen.css.
STATUS_TONES = {
    "paid": "ok",
    "approved": "ok",
    "active": "ok",
    "accepted": "ok",
    "confirmed": "ok",
    "done": "ok",
    "succeeded": "ok",
    "in_force": "ok",
    "pending": "wait",
    "incomplete": "wait",
    "needs_info": "wait",
    "partly_paid": "wait",
    "submitted": "wait",
    "open": "wait",
    "scheduled": "info",
    "processing": "info",
    "rejected": "bad",
    "refused": "bad",
    "failed": "bad",
    "spam": "bad",
    "frozen": "bad",
    "draft": "neutral",
    "canceled": "neutral",
    "cancelled": "neutral",
    "closed": "neutral",
    "expired": "neutral",
    "credited": "neutral",
    "refunded": "neutral",
}


@register.filter
def status_tone(status: str) -> str:
    """The badge tone (``ok``, ``wait``, ``info``, ``bad``, ``neutral``) of a status code."""
    return STATUS_TONES.get(str(status), "neutral")


_CHOICE_LISTS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def field_kind(field: BoundField) -> str:
    """How the field template lays the field out: check, choices, file or input."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, _CHOICE_LISTS):
        return "choices"
    return "input"


@register.filter
def bootstrap(field: BoundField) -> SafeString:
    """The field's widget with Bootstrap classes and accessible error and help references."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(
        widget, _CHOICE_LISTS
    ):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, str | bool] = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        attrs["class"] = f"{attrs['class']} is-invalid"
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("components/also_in.html", takes_context=True)
def also_in(context: template.Context, *objects: Any) -> dict[str, Any]:
    """``{% also_in collective %}``: the "also in: NL · FR" switch for the content of a page."""
    from samen.lib.translations import also_in as links

    request = context.get("request")
    return {"links": links(request, *objects) if request is not None else []}


@register.filter
def missing_languages(obj: Any) -> list[str]:
    """The languages in which some of ``obj``'s written texts are not translated yet."""
    from samen.lib.translations import missing_translations

    return list(missing_translations(obj))
