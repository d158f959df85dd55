from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from samen.ledger.tests.factories import make_collective, make_host


@pytest.fixture
def books(anna: Any, bram: Any, chloe: Any) -> SimpleNamespace:
    """A Brussels host (Anna admin) carrying two collectives (Bram's and Chloé's)."""
    host = make_host(anna)
    garden = make_collective(bram, host, "Buurtmoestuin", "buurtmoestuin")
    repair = make_collective(chloe, host, "Repair Café", "repair-cafe")
    return SimpleNamespace(host=host, garden=garden, repair=repair)
