"""What a link to a page shows when it is shared: Open Graph and Twitter card fields.

``base.html`` writes the tags from a ``share`` dict in the context (site-wide defaults
otherwise); views of pages worth sharing (a collective, a campaign) build it here, so the
title, the text and the image of every card are cut and made absolute the same way.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.text import Truncator

# Markdown marks that would show as noise in a one-line preview.
_MARKS = re.compile(r"[#*_`>\[\]]|\(https?://[^)]*\)")


def share_card(
    request: HttpRequest, *, title: str, text: str = "", image: Any = None
) -> dict[str, str]:
    """``{"title", "description", "image"}`` for ``base.html``; ``image`` is an
    ImageField's file (or None), given as an absolute URL because crawlers need one."""
    plain = " ".join(_MARKS.sub("", strip_tags(text)).split())
    url = ""
    if image:
        try:
            url = request.build_absolute_uri(image.url)
        except ValueError:  # a file field without a file
            url = ""
    return {
        "title": Truncator(title).chars(90),
        "description": Truncator(plain).chars(200),
        "image": url,
    }
