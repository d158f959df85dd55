"""The Solution Lab world for the lab tests."""

from __future__ import annotations

import pytest

from samen.communities.testing import Community
from samen.events.tests.labs.world import Labs, build_labs


@pytest.fixture
def labs(community: Community) -> Labs:
    return build_labs(community)
