from __future__ import annotations

import io
import json
import zipfile

import pytest

from samen.accounts.actions import user_erase
from samen.api.actions import token_create
from samen.api.models import PersonalToken

pytestmark = pytest.mark.django_db


def test_export_lists_tokens_without_secret(client, chloe):
    _, plaintext = token_create(actor=chloe, name="laptop")
    client.force_login(chloe)
    response = client.post("/people/me/export/")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    exported = zipfile.ZipFile(io.BytesIO(body)).read("apps/api.json").decode()
    assert [t["name"] for t in json.loads(exported)["personal_access_tokens"]] == ["laptop"]
    assert plaintext not in exported


def test_erasure_deletes_tokens(chloe):
    token_create(actor=chloe, name="laptop")
    user_erase(actor=chloe, user=chloe)
    assert not PersonalToken.objects.filter(name="laptop").exists()
