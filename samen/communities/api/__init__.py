"""The communities API at /api/v1/: the same access rules and actions as the pages.

Reads are public where the pages are; writes need a person (token or session). Lists use
the team's cursor pagination, except a directory search with ``q``, which is ranked by
relevance and answers a single page (``next_cursor`` is null).

One ``router`` (in ``_common``); each sub-module attaches its endpoints to it when imported.
"""

# isort: off
# The import order is the order in which the endpoints are registered, hence the order of
# the URL patterns and of the OpenAPI document: keep it.
from samen.communities.api._common import router
from samen.communities.api import collectives, applications, teams, chapters, news  # noqa: F401

# isort: on

__all__ = ["router"]
