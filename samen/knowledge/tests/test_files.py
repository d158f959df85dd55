"""Library files: a template, checklist or recording carries a file of its kind's types
within its size limit, kept in the private storage and streamed only to those who may see
the item: never to a stranger while it waits for review or is for the community only."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from samen.knowledge import actions, files
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.models import Audience, ItemKind, LibraryItem

pytestmark = pytest.mark.django_db

NEW = "/knowledge/hosts/brussels-commons/library/new/"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _item(c: Any, *, kind: str, audience: str, content: bytes, name: str) -> LibraryItem:
    return actions.item_create(
        actor=c.gilles,
        host=c.host,
        kind=kind,
        title=f"A {kind}",
        summary="In short.",
        language="en",
        audience=audience,
        file=ContentFile(content, name=name),
    )


def _published(c: Any, item: LibraryItem) -> LibraryItem:
    item = actions.item_submit(actor=c.gilles, item=item)
    return actions.item_review(actor=c.anna, item=item, publish=True)


def _download(client: Any, item: LibraryItem) -> Any:
    return client.get(f"/knowledge/library/{item.pk}/file/")


def test_a_checklist_uploaded_through_the_form_goes_to_the_private_storage(
    client: Any, network: Any
) -> None:
    c = network.c
    client.force_login(c.gilles)
    response = client.post(
        NEW,
        {
            "kind": "checklist",
            "title": "Opening checklist",
            "summary": "What to check before the café opens.",
            "language": "en",
            "audience": "public",
            "file": SimpleUploadedFile("checklist.pdf", PDF, content_type="text/html"),
        },
    )
    assert response.status_code == 302
    item = LibraryItem.objects.get(title="Opening checklist")
    assert item.file_type == "application/pdf"
    assert item.file_name == "checklist.pdf"
    assert item.file_size == len(PDF)
    assert item.file.name.endswith(".pdf")
    assert "checklist" not in item.file.name
    assert storages["private"].exists(item.file.name)
    assert not storages["default"].exists(item.file.name)
    page = client.get(item.get_absolute_url()).content.decode()
    assert f"/knowledge/library/{item.pk}/file/" in page
    download = _download(client, item)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert 'attachment; filename="checklist.pdf"' in download["Content-Disposition"]


def test_an_item_in_review_never_reaches_a_stranger_with_its_file(
    client: Any, network: Any
) -> None:
    c = network.c
    item = _item(c, kind=ItemKind.TEMPLATE, audience=Audience.PUBLIC, content=PDF, name="t.pdf")
    item = actions.item_submit(actor=c.gilles, item=item)
    assert _download(client, item).status_code == 404
    for stranger in (c.eva, c.chloe):
        client.force_login(stranger)
        assert _download(client, item).status_code == 404
    client.force_login(c.anna)  # the host's editor reviews it, file and all
    assert _download(client, item).status_code == 200
    actions.item_review(actor=c.anna, item=item, publish=True)
    client.logout()
    public = _download(client, item)
    assert public.status_code == 200
    assert public["Cache-Control"] == "private, no-store"


def test_a_community_items_file_reaches_its_community_only(client: Any, network: Any) -> None:
    c = network.c
    item = _item(c, kind=ItemKind.RECORDING, audience=Audience.COMMUNITY, content=MP3, name="w.mp3")
    item = _published(c, item)
    assert item.file_type == "audio/mpeg"
    assert _download(client, item).status_code == 404
    client.force_login(c.eva)
    assert _download(client, item).status_code == 404
    client.force_login(c.chloe)
    response = _download(client, item)
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/mpeg"
    assert "inline" in response["Content-Disposition"]
    assert "<audio controls" in client.get(item.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/knowledge/library/{item.pk}").json()
    assert (api["file"], api["file_type"]) == (f"/knowledge/library/{item.pk}/file/", "audio/mpeg")


def test_an_item_without_a_file_has_no_download(client: Any, network: Any) -> None:
    assert _download(client, network.published).status_code == 404


def test_a_file_of_the_wrong_type_is_refused_at_the_field_and_nothing_is_written(
    client: Any, network: Any
) -> None:
    c = network.c
    client.force_login(c.gilles)
    page = b"<html><script>alert(1)</script></html>"
    response = client.post(
        NEW,
        {
            "kind": "template",
            "title": "Budget template",
            "summary": "A budget.",
            "language": "en",
            "audience": "public",
            "file": SimpleUploadedFile("budget.pdf", page, content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    # Gilles reads French: the error is in his language.
    assert "Les modèles et les listes de contrôle acceptent" in response.content.decode()
    assert not LibraryItem.objects.filter(title="Budget template").exists()


def test_a_file_above_the_limit_is_refused_with_the_limit(
    client: Any, network: Any, monkeypatch: Any
) -> None:
    c = network.c
    monkeypatch.setitem(files.FILE_LIMITS, ItemKind.CHECKLIST, files.MB)
    client.force_login(c.gilles)
    big = PDF + b" " * files.MB
    response = client.post(
        NEW,
        {
            "kind": "checklist",
            "title": "Big checklist",
            "summary": "Too big.",
            "language": "en",
            "audience": "public",
            "file": SimpleUploadedFile("big.pdf", big),
        },
    )
    assert response.status_code == 400
    # Gilles reads French: the error is in his language and names the limit.
    assert "Le fichier dépasse 1 Mo" in response.content.decode()
    assert not LibraryItem.objects.filter(title="Big checklist").exists()


def test_the_kinds_and_their_types(network: Any) -> None:
    c = network.c
    with pytest.raises(KnowledgeError) as caught:
        _item(c, kind=ItemKind.ARTICLE, audience=Audience.PUBLIC, content=PDF, name="a.pdf")
    assert caught.value.code == KnowledgeErrorCode.NO_FILE_FOR_KIND
    assert caught.value.field == "file"
    with pytest.raises(KnowledgeError) as caught:  # a document is no recording
        _item(c, kind=ItemKind.RECORDING, audience=Audience.PUBLIC, content=PDF, name="r.pdf")
    assert caught.value.code == KnowledgeErrorCode.FILE_TYPE
    docx = _item(c, kind=ItemKind.TEMPLATE, audience=Audience.PUBLIC, content=_docx(), name="x")
    assert docx.file_type.endswith("wordprocessingml.document")
    assert docx.file.name.endswith(".docx")
    odt = _item(c, kind=ItemKind.CHECKLIST, audience=Audience.PUBLIC, content=_odt(), name="y")
    assert odt.file_type == "application/vnd.oasis.opendocument.text"


def test_a_new_file_replaces_the_old_one_once_committed(
    network: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = network.c
    item = _item(c, kind=ItemKind.TEMPLATE, audience=Audience.PUBLIC, content=PDF, name="1.pdf")
    old = item.file.name
    with django_capture_on_commit_callbacks(execute=True):
        item = actions.item_update(
            actor=c.gilles,
            item=item,
            title=item.title,
            summary=item.summary,
            file=ContentFile(_docx(), name="2.docx"),
        )
    assert item.file_name == "2.docx"
    assert storages["private"].exists(item.file.name)
    assert not storages["private"].exists(old)
