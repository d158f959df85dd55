"""Schemathesis walks the whole OpenAPI document in-process and sends generated requests,
valid and invalid, to every operation: anonymously and with a host admin's token.

A server error (5xx), a status the document does not list for that operation, or an answer
that does not match its documented schema or content type fails the test. The run is
bounded: at most ``EXAMPLES`` cases per operation and caller, fewer when the time budget of
that caller runs short (never fewer than ``MIN_EXAMPLES``), so the test stays within about a
minute even on a loaded machine. For a deeper run by hand::

    SAMEN_FUZZ_EXAMPLES=200 SAMEN_FUZZ_SECONDS=3000 pytest samen/api/tests/test_fuzz.py
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from samen.api.api import api
from samen.api.tests.factories import make_token

# Once per `make test`, in the PostgreSQL leg (the production database): the answers it
# checks are the API's, not the backend's, and the run costs about a minute of CPU per
# caller, which the SQLite leg need not pay again.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

EXAMPLES = int(os.environ.get("SAMEN_FUZZ_EXAMPLES", "20"))
MIN_EXAMPLES = min(EXAMPLES, 4)
# Seconds for one caller's walk over every operation; the two callers together stay near 60.
BUDGET_SECONDS = float(os.environ.get("SAMEN_FUZZ_SECONDS", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return dict(api.get_openapi_schema(path_prefix="/api/v1/"))


@pytest.fixture
def in_process() -> Iterator[Any]:
    """The project's WSGI application, sharing the test's database transaction.

    A real WSGI request starts and ends with ``close_old_connections``, which would drop the
    test's connection mid-transaction (PostgreSQL); Django's own test client disconnects it
    the same way. The request log is silenced: thousands of expected 4xx lines would bury a
    real failure.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    try:
        yield get_wsgi_application()
    finally:
        request_log.setLevel(level)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def known(community: Any) -> dict[str, list[Any]]:
    """Path parameters that name real objects, so cases get past the 404 of an unknown slug
    into the access checks and the actions behind them."""
    return {
        "slug": [community.collective.slug, community.host.slug],
        "host_slug": [community.host.slug],
        "collective_slug": [community.collective.slug, community.other_collective.slug],
        "user_id": [community.chloe.pk, community.bram.pk],
        "person_id": [community.chloe.pk],
    }


def _strategy(operation: Any, known: dict[str, list[Any]]) -> Any:
    """Valid and invalid cases, and valid ones aimed at objects that exist."""
    strategies = [
        operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
    ]
    names = [parameter.name for parameter in operation.path_parameters]
    real = {name: st.sampled_from(known[name]) for name in names if name in known}
    if real:
        strategies.append(
            st.fixed_dictionaries(real).flatmap(
                lambda values: operation.as_strategy(
                    schemathesis.GenerationMode.POSITIVE, path_parameters=values
                )
            )
        )
    return st.one_of(*strategies)


def _fuzz(
    app: Any, document: dict[str, Any], known: dict[str, list[Any]], headers: dict[str, str]
) -> list[str]:
    """Every operation's failures, as readable reports; empty when all held."""
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert operations
    started = time.monotonic()
    sent = 0
    problems: list[str] = []
    for index, operation in enumerate(operations):
        examples = EXAMPLES
        if sent:
            remaining = BUDGET_SECONDS - (time.monotonic() - started)
            per_case = (time.monotonic() - started) / sent
            fits = remaining / (len(operations) - index) / per_case
            examples = max(MIN_EXAMPLES, min(EXAMPLES, int(fits)))

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, known))
        def run(case: Any) -> None:
            nonlocal sent
            sent += 1
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Exception as exc:
            problems.append(f"{operation.method.upper()} {operation.path}:\n{exc}")
    return problems


def test_fuzz_anonymous(
    in_process: Any, document: dict[str, Any], known: dict[str, list[Any]]
) -> None:
    problems = _fuzz(in_process, document, known, headers={})
    assert not problems, "\n\n".join(problems)


def test_fuzz_with_a_token(
    in_process: Any, document: dict[str, Any], community: Any, known: dict[str, list[Any]]
) -> None:
    _, secret = make_token(community.anna)
    problems = _fuzz(in_process, document, known, headers={"Authorization": f"Bearer {secret}"})
    assert not problems, "\n\n".join(problems)
