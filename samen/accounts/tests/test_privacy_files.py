"""An app's files (``privacy.export_files``) land in the export zip under ``apps/<app>/``."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from samen.communities.testing import Community
from samen.invoicing.tests.factories import issue, make_company_profile

pytestmark = pytest.mark.django_db


def test_export_zip_holds_the_invoice_pdf_and_ubl_it_names(
    client: Client, community: Community, django_capture_on_commit_callbacks: Any
) -> None:
    c = community
    make_company_profile(c.host, c.bram)
    with django_capture_on_commit_callbacks(execute=True):
        document = issue(c.host, c.bram)
    client.force_login(c.bram)
    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("accounts:export")).content))
    assert archive.testzip() is None
    (entry,) = json.loads(archive.read("apps/invoicing.json"))["documents"]
    assert entry["files"] == {
        "pdf": f"brussels-commons/{document.number}.pdf",
        "ubl": f"brussels-commons/{document.number}.xml",
    }
    assert archive.read(f"apps/invoicing/{entry['files']['pdf']}").startswith(b"%PDF-")
    assert archive.read(f"apps/invoicing/{entry['files']['ubl']}").startswith(b"<?xml")
