"""``make check``'s dead-code check: functions, methods, classes and properties nobody uses.

Vulture finds names defined and never referenced in the project's Python (tests included,
so a helper of the tests counts as used). Django reaches some code by name from elsewhere
(settings strings, URL patterns, templates, framework hooks): those are ignored by rule
below, and names used only in templates count as used. Anything else is either deleted or
listed in ``ALLOWED`` with the reason it stays.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from vulture import Vulture

ROOT = Path(__file__).resolve().parents[2]

#: Called by convention by Django, pytest, allauth, ninja, Locust, http.server, urllib or the
#: feeds.
FRAMEWORK_NAMES = [
    "clean_*", "resolve_*", "ready", "add_arguments", "handle", "test_*", "get_*",
    "has_*_permission", "item_*", "feed_url", "subtitle", "label_from_instance", "send_mail",
    "authentication_failed", "signup", "create_superuser", "_setup", "pytest_*", "on_start",
    "handle_DATA", "*Config", "Command", "*Middleware", "Visitor", "Backer", "Member", "do_POST",
    "log_message", "redirect_request",
]  # fmt: skip
#: Decorators that register the function somewhere that calls it.
REGISTERING_DECORATORS = [
    "@router.*", "@register.*", "@receiver", "@task", "@api.*", "@admin.*", "@pytest.fixture",
    "@*.register", "@field_validator", "@model_validator", "@staticmethod", "@task",
    "@register",  # modeltranslation's TranslationOptions in each app's translation.py
]  # fmt: skip

#: Kept on purpose: name -> why.
ALLOWED = {
    "access_collective_by_id": "part of the access API documented in docs/communities.md",
    "access_host_by_id": "part of the access API documented in docs/communities.md",
    "moderator_add": "the action that names a community's moderators (issue 13)",
    "pending_review_count": "the moderators' count of what waits for review (issue 13)",
    "SignupExtraForm": "allauth's ACCOUNT_SIGNUP_FORM_CLASS, named in settings",
    "fill_default_language": "the data step of the translation migrations (issue 12)",
}

KINDS = ("function", "method", "class", "property")


def _template_words() -> set[str]:
    words: set[str] = set()
    for path in ROOT.glob("**/templates/**/*.*"):
        if ".venv" not in path.parts:
            words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", path.read_text(errors="ignore")))
    return words


def unused() -> list[str]:
    vulture = Vulture(
        verbose=False, ignore_names=FRAMEWORK_NAMES, ignore_decorators=REGISTERING_DECORATORS
    )
    vulture.scavenge(
        [str(ROOT / "samen"), str(ROOT / "bench"), str(ROOT / "conftest.py")],
        exclude=["*/migrations/*"],
    )
    in_templates = _template_words()
    return [
        f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno}: unused {item.typ} "
        f"'{item.name}'"
        for item in vulture.get_unused_code(min_confidence=60)
        if item.typ in KINDS and item.name not in ALLOWED and item.name not in in_templates
    ]


def main() -> int:
    found = unused()
    for line in found:
        print(line)
    if found:
        print(
            "Dead code: delete it, or list it in samen/lib/deadcode.py ALLOWED with the reason.",
            file=sys.stderr,
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
