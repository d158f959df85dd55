"""What the knowledge API's modules share: the one router and the names of the choices."""

from __future__ import annotations

from typing import Literal

from ninja import Router

router = Router(tags=["knowledge"])

OwnerKind = Literal["collective", "host", "chapter"]
StageName = Literal["idea", "concept", "prototype", "pilot", "running", "scaling", "stopped"]
VisibilityName = Literal["public", "community", "private"]
KindName = Literal["article", "case", "template", "checklist", "link", "recording"]
AudienceName = Literal["public", "network", "community"]
