"""The knowledge API: concepts and their stages, coaches and notes, the pipeline's figures,
the library and its review, newsletter subscriptions and issues.

Errors are ``{"detail", "code"}`` (docs/api.md): 401 without a person on writes (subscribing
needs none), 404 for what the caller may not see (a private concept, an item in review, an
issue of a community they do not edit), 403 ``permission_denied`` for what they see but may
not do, and the codes of ``KnowledgeErrorCode`` (422 unless said: 409 for ``same_stage``,
``already_coach``, ``not_editable``, ``not_in_review``, ``issue_sent``).

One ``router`` (in ``_common``); each sub-module attaches its endpoints to it when imported.
"""

# isort: off
# The import order is the order in which the endpoints are registered, hence the order of
# the URL patterns and of the OpenAPI document: keep it.
from samen.knowledge.api._common import router
from samen.knowledge.api import concepts, organisations, library, newsletter, offers, mentoring  # noqa: F401

# isort: on

__all__ = ["router"]
