"""The demo seed: idempotent, the ledger verifies afterwards, and every collective and
campaign has its generated pictures, shared as an absolute image URL."""

from __future__ import annotations

import hashlib
import io
import re
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.views.static import serve
from PIL import Image

from samen.communities.models import Collective
from samen.funding.models import (
    Campaign,
    CampaignStatus,
    Contribution,
    ContributionStatus,
    RecurringContribution,
)
from samen.funding.queries import campaign_progress, rewards_with_remaining

pytestmark = pytest.mark.django_db


def _seed() -> None:
    # The seeds this one builds on, in seed_demo's order (later apps' seeds are theirs to test).
    for app in ("accounts", "communities", "ledger", "funding"):
        import_module(f"samen.{app}.demo").seed()


def test_seed_twice_then_ledger_verify() -> None:
    _seed()
    counts = (Contribution.objects.count(), Campaign.objects.count())
    files = _media_files()
    _seed()
    assert (Contribution.objects.count(), Campaign.objects.count()) == counts
    assert _media_files() == files  # a second seed writes no picture again
    _assert_own_pictures(files)
    presale = Campaign.objects.get(slug="first-saison")
    assert presale.status == CampaignStatus.RUNNING
    assert 0 < campaign_progress(presale).percent < 100
    assert any(
        r.remaining is not None and r.remaining < r.quantity
        for r in rewards_with_remaining(presale)
    )
    assert Campaign.objects.get(slug="second-cellar").status == CampaignStatus.SUCCEEDED
    assert RecurringContribution.objects.filter(interval="monthly").count() == 3
    assert Contribution.objects.filter(status=ContributionStatus.PENDING).count() == 1
    call_command("ledger_verify")


def _media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def _assert_own_pictures(files: list[str]) -> None:
    """Every collective has a logo and a cover, every campaign an image: each its own file
    and its own picture, re-encoded by the upload path."""
    collectives = list(Collective.objects.order_by("slug"))
    campaigns = list(Campaign.objects.order_by("slug"))
    assert len(collectives) == 5
    assert len(campaigns) == 2
    pictures = [c.logo for c in collectives] + [c.cover for c in collectives]
    pictures += [c.image for c in campaigns]
    assert len(files) == len(pictures) == 12
    sizes, digests = [], set()
    for picture in pictures:
        with picture.open("rb") as stream:
            data = stream.read()
        digests.add(hashlib.sha256(data).hexdigest())
        with Image.open(io.BytesIO(data)) as image:
            assert image.format in {"PNG", "JPEG"}
            assert not image.getexif()  # re-encoded by the upload path: no metadata
            sizes.append(image.size)
        files.remove(picture.name)  # each field has its own file
    assert files == []
    assert len(digests) == 12
    assert sizes == [(512, 512)] * 5 + [(1600, 600)] * 5 + [(1600, 900)] * 2


def test_seeded_campaign_page_shares_an_absolute_image_that_serves(client, rf) -> None:
    _seed()
    page = client.get("/collectives/brasserie-zinneke/campaigns/first-saison/").content.decode()
    found = re.search(r'<meta property="og:image" content="([^"]+)">', page)
    assert found is not None
    url = urlsplit(found.group(1))
    assert (url.scheme, url.netloc) == ("http", "testserver")
    presale = Campaign.objects.get(slug="first-saison")
    assert url.path == f"{settings.MEDIA_URL}{presale.image.name}"  # its own, not the cover
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    name = url.path.removeprefix(settings.MEDIA_URL)
    response = serve(rf.get(url.path), name, document_root=str(settings.MEDIA_ROOT))
    assert response.status_code == 200
    with Image.open(io.BytesIO(b"".join(response))) as image:
        image.load()
        assert image.size == (1600, 900)
