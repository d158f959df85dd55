"""A library item's file through the API (multipart): the same checks as the item's page
(size and type limits, the type read from the content, never from the name), refusals as
4xx ``{"detail", "code"}`` that write nothing, and a retry with the same Idempotency-Key
that stores nothing twice."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from samen.api.actions import token_create
from samen.knowledge import files
from samen.knowledge.errors import KnowledgeErrorCode
from samen.knowledge.models import ItemStatus, LibraryItem

pytestmark = pytest.mark.django_db

A = "/api/v1/knowledge"


def _real_pdf(title: str = "Opening checklist") -> bytes:
    """A PDF as the project makes them (WeasyPrint, as for invoices and receipts)."""
    from weasyprint import HTML

    return bytes(HTML(string=f"<h1>{title}</h1><p>Check the doors.</p>").write_pdf())


def _auth(user: Any, **headers: str) -> dict[str, Any]:
    _token, plaintext = token_create(actor=user, name="files")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}", **headers}


def _fields(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "checklist",
        "title": "Opening checklist",
        "summary": "What to check before the café opens.",
        "language": "en",
        "audience": "public",
        "tags": ["Safety", "Café"],
        **extra,
    }


def _stored_files() -> set[str]:
    storage = storages["private"]
    found: set[str] = set()

    def walk(folder: str) -> None:
        folders, names = storage.listdir(folder)
        found.update(f"{folder}/{name}".lstrip("/") for name in names)
        for sub in folders:
            walk(f"{folder}/{sub}".lstrip("/"))

    if storage.exists("library"):
        walk("library")
    return found


def test_an_item_is_written_with_a_real_pdf_and_a_retry_stores_nothing_twice(
    client: Any, network: Any
) -> None:
    pdf = _real_pdf()
    headers = _auth(network.c.gilles, HTTP_IDEMPOTENCY_KEY="checklist-1")
    url = f"{A}/hosts/brussels-commons/library/with-file"

    def post() -> Any:
        upload = SimpleUploadedFile("checklist.pdf", pdf, content_type="text/plain")
        return client.post(url, {**_fields(), "file": upload}, **headers)

    first = post()
    assert first.status_code == 201, first.content
    body = first.json()
    item = LibraryItem.objects.get(pk=body["id"])
    assert body["status"] == "draft"
    assert sorted(body["tags"]) == ["cafe", "safety"]
    assert (body["file_name"], body["file_type"], body["file_size"]) == (
        "checklist.pdf",
        "application/pdf",
        len(pdf),
    )
    assert body["file"] == f"/knowledge/library/{item.pk}/file/"
    # What is stored is the PDF itself, which a PDF parser reads back.
    with item.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    assert "Opening checklist" in reader.pages[0].extract_text()
    stored_before = _stored_files()

    again = post()
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert LibraryItem.objects.filter(title="Opening checklist").count() == 1
    assert _stored_files() == stored_before

    other = client.post(
        url,
        {**_fields(), "file": SimpleUploadedFile("other.pdf", _real_pdf("Closing"))},
        **headers,
    )
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


def test_a_page_disguised_as_a_pdf_is_refused_and_nothing_is_written(
    client: Any, network: Any
) -> None:
    page = b"<!doctype html><html><script>fetch('/api/v1/me')</script></html>"
    before = (LibraryItem.objects.count(), _stored_files())
    response = client.post(
        f"{A}/hosts/brussels-commons/library/with-file",
        {**_fields(), "file": SimpleUploadedFile("checklist.pdf", page, "application/pdf")},
        **_auth(network.c.gilles),
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": str(KnowledgeErrorCode.FILE_TYPE.label),
        "code": "file_type",
    }
    assert (LibraryItem.objects.count(), _stored_files()) == before


def test_a_file_over_the_limit_is_refused_with_the_limit_in_the_callers_language(
    client: Any, network: Any
) -> None:
    # One byte over the limit, and a real PDF at that: the size alone refuses it.
    pdf = _real_pdf()
    too_large = pdf[:-6] + b" " * (files.DOCUMENT_MAX_BYTES + 1 - len(pdf)) + b"%%EOF\n"
    assert len(too_large) == files.DOCUMENT_MAX_BYTES + 1
    item = network.in_review
    item.status = ItemStatus.DRAFT  # gilles, its author, may change it again
    item.save(update_fields=["status"])
    item.kind = "template"
    item.save(update_fields=["kind"])
    response = client.post(
        f"{A}/library/{item.pk}/file",
        {"file": SimpleUploadedFile("big.pdf", too_large, "application/pdf")},
        **_auth(network.c.gilles),  # his profile says French
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Le fichier dépasse 20 Mo, la limite pour ce type.",
        "code": "file_too_large",
    }
    item.refresh_from_db()
    assert not item.file


def test_an_items_file_is_replaced_by_its_author_and_the_old_one_removed(
    client: Any, network: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = network.c
    headers = _auth(c.gilles)
    created = client.post(
        f"{A}/hosts/brussels-commons/library/with-file",
        {**_fields(kind="template"), "file": SimpleUploadedFile("v1.pdf", _real_pdf("One"))},
        **headers,
    ).json()
    item = LibraryItem.objects.get(pk=created["id"])
    old_name = item.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{A}/library/{item.pk}/file",
            {"file": SimpleUploadedFile("v2.pdf", _real_pdf("Two"))},
            **headers,
        )
    assert response.status_code == 200, response.content
    assert response.json()["file_name"] == "v2.pdf"
    item.refresh_from_db()
    assert item.file.name != old_name
    assert not storages["private"].exists(old_name)
    assert storages["private"].exists(item.file.name)


def test_who_may_upload_an_items_file(client: Any, network: Any) -> None:
    c = network.c
    pdf = _real_pdf()

    def upload(user: Any, item: LibraryItem) -> Any:
        return client.post(
            f"{A}/library/{item.pk}/file",
            {"file": SimpleUploadedFile("t.pdf", pdf)},
            **(_auth(user) if user is not None else {}),
        )

    template = LibraryItem.objects.get(pk=network.in_review.pk)
    template.kind = "template"
    template.save(update_fields=["kind"])
    assert upload(None, template).status_code == 401
    assert upload(c.eva, template).status_code == 404  # in review: not for her
    answer = upload(c.gilles, template)  # the author, once it waits for review
    assert (answer.status_code, answer.json()["code"]) == (409, "not_editable")
    assert upload(c.anna, template).status_code == 200  # the host's editor
    article = network.published  # an article carries no file; chloe sees but may not edit
    assert upload(c.chloe, article).status_code == 403
    answer = upload(c.anna, article)
    assert (answer.status_code, answer.json()["code"]) == (422, "no_file_for_kind")
    stranger_host = client.post(
        f"{A}/hosts/brussels-commons/library/with-file",
        {**_fields(), "file": SimpleUploadedFile("t.pdf", pdf)},
        **_auth(c.eva),
    )
    assert stranger_host.status_code == 403


def test_the_openapi_document_describes_the_multipart_upload(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/knowledge/library/{pk}/file"]["post"]
    content = operation["requestBody"]["content"]
    assert "multipart/form-data" in content
    assert "file_too_large" in operation["description"]
    for status in ("401", "403", "404", "409", "422"):
        assert status in operation["responses"]
    create = document["paths"]["/api/v1/knowledge/hosts/{slug}/library/with-file"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
