"""The shared community, with its host registered for VAT: most invoicing tests charge VAT,
which a host without a VAT number may not (``test_vat`` covers that host)."""

from __future__ import annotations

from typing import Any

import pytest

from samen.communities import actions


@pytest.fixture
def community(community: Any) -> Any:
    community.host = actions.host_update(
        actor=community.anna,
        host=community.host,
        vat_status="subject",
        vat_number="BE0403019261",
    )
    return community
