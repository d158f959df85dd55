"""Images attached to posts: shrunk, stripped of metadata (GPS in EXIF), shown in the post,
served only to people who may read it; a bomb, a 40 MB file, a non-image or a fifth image
is refused at the field and nothing is written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from samen.conversations import actions
from samen.conversations.errors import ConversationError
from samen.conversations.models import Post, PostImage
from samen.lib.testing import image_bomb_png

pytestmark = pytest.mark.django_db


def _photo(side: int = 3000) -> SimpleUploadedFile:
    """A JPEG photo with a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (50.0, 51.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    Image.new("RGB", (side, side // 2), (200, 80, 40)).save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("holiday.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_reply_with_a_photo(talk: Any, client: Any) -> None:
    c = talk.c
    client.force_login(c.chloe)
    response = client.post(
        f"/talk/topics/{talk.question.pk}/reply/", {"body": "Our cellar", "images": [_photo()]}
    )
    assert response.status_code == 302
    image = PostImage.objects.get()
    assert (image.width, image.height) == (1600, 800)
    served = client.get(f"/talk/images/{image.pk}/")
    assert served["Content-Type"] == "image/jpeg"
    data = b"".join(served.streaming_content)
    with Image.open(io.BytesIO(data)) as opened:
        assert opened.size == (1600, 800)
        assert not opened.getexif()  # no GPS, no maker
    assert b"PhoneMaker" not in data
    page = client.get(f"/talk/topics/{talk.question.pk}/").content.decode()
    assert f'src="/talk/images/{image.pk}/"' in page
    assert "Image 1 attached by Chloé" in page or "Image 1 attached by" in page


def test_an_image_in_a_members_only_topic_stays_private(talk: Any, client: Any) -> None:
    c = talk.c
    post = actions.post_reply(
        actor=c.chloe, topic=talk.members_topic, body="The recipe", images=[_photo(400)]
    )
    image = post.images.get()
    assert client.get(f"/talk/images/{image.pk}/").status_code == 404  # anonymous
    client.force_login(c.eva)
    assert client.get(f"/talk/images/{image.pk}/").status_code == 404  # a stranger
    client.force_login(c.bram)
    assert client.get(f"/talk/images/{image.pk}/").status_code == 200
    # a deleted post takes its images with it
    actions.post_moderate(actor=c.bram, post=post, action="delete", reason="Private recipe")
    assert not PostImage.objects.exists()
    assert client.get(f"/talk/images/{image.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile("bomb.png", image_bomb_png(), "image/png")], "too many pixels"),
        (
            [SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (40 * 2**20), "image/jpeg")],
            "larger than 10 MB",
        ),
        ([SimpleUploadedFile("notes.txt", b"hello", "text/plain")], "not an image"),
    ],
)
def test_bad_images_are_refused_and_nothing_is_written(
    talk: Any, client: Any, files: list[Any], message: str
) -> None:
    client.force_login(talk.c.chloe)
    before = Post.objects.count()
    response = client.post(
        f"/talk/topics/{talk.question.pk}/reply/", {"body": "Look", "images": files}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Look" in response.content.decode()  # what was typed is kept
    assert Post.objects.count() == before
    assert not PostImage.objects.exists()


def test_at_most_four_images(talk: Any) -> None:
    with pytest.raises(ConversationError) as refused:
        actions.topic_create(actor=talk.c.chloe, category=talk.questions, title="Many",
                             body="Photos", images=[_photo(100) for _ in range(5)])  # fmt: skip
    assert refused.value.code == "too_many_images"
    assert refused.value.field == "images"
    topic = actions.topic_create(actor=talk.c.chloe, category=talk.questions, title="Four",
                                 body="Photos", images=[_photo(100) for _ in range(4)])  # fmt: skip
    assert PostImage.objects.filter(post__topic=topic).count() == 4


API = "/api/v1/talk/topics/{pk}/posts/with-images"


def test_the_api_takes_a_photo_shrunk_and_stripped(talk: Any, client: Any) -> None:
    client.force_login(talk.c.chloe)
    answer = client.post(API.format(pk=talk.question.pk), {"body": "Our cellar",
                                                            "images": [_photo()]})  # fmt: skip
    assert answer.status_code == 201, answer.json()
    [image] = answer.json()["images"]
    assert (image["width"], image["height"], image["content_type"]) == (1600, 800, "image/jpeg")
    data = b"".join(client.get(image["url"]).streaming_content)
    with Image.open(io.BytesIO(data)) as opened:
        assert not opened.getexif()
    assert b"PhoneMaker" not in data
    # the topic's JSON lists it too, and a stranger never gets a members-only image
    shown = client.get(f"/api/v1/talk/topics/{talk.question.pk}").json()
    assert shown["posts"][-1]["images"][0]["id"] == image["id"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("bomb.png", image_bomb_png(), "image/png"), "too many pixels"),
        (
            lambda: SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (40 * 2**20), "image/jpeg"),
            "larger than 10 MB",
        ),
    ],
    ids=["decompression-bomb", "40-MB"],
)
def test_the_api_refuses_a_bomb_and_a_40_mb_image(
    talk: Any, client: Any, upload: Any, message: str
) -> None:
    client.force_login(talk.c.chloe)
    before = Post.objects.count()
    answer = client.post(API.format(pk=talk.question.pk), {"body": "Look", "images": [upload()]})
    assert answer.status_code == 422
    assert answer.json()["code"] == "bad_image"
    assert message in answer.json()["detail"]
    assert Post.objects.count() == before
    assert not PostImage.objects.exists()


def test_the_upload_is_in_the_openapi_document(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/talk/topics/{pk}/posts/with-images"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "decompression bomb" in operation["description"]


TOPIC_API = "/api/v1/talk/collective/{slug}/topics/with-images"


def test_the_api_opens_a_topic_with_photos_shrunk_and_stripped(talk: Any, client: Any) -> None:
    c = talk.c
    client.force_login(c.chloe)
    answer = client.post(
        TOPIC_API.format(slug=c.collective.slug),
        {"category": talk.questions.slug, "title": "Our new cellar", "body": "Look at it",
         "kind": "question", "images": [_photo(), _photo(800)]},
    )  # fmt: skip
    assert answer.status_code == 201, answer.json()
    shown = answer.json()
    assert (shown["title"], shown["kind"]) == ("Our new cellar", "question")
    [opening] = shown["posts"]
    sizes = [(image["width"], image["height"]) for image in opening["images"]]
    assert sizes == [(1600, 800), (800, 400)]
    for image in opening["images"]:
        data = b"".join(client.get(image["url"]).streaming_content)
        with Image.open(io.BytesIO(data)) as opened:
            assert not opened.getexif()
        assert b"PhoneMaker" not in data
    # the images belong to the topic's opening post, which the topic's JSON shows too
    again = client.get(f"/api/v1/talk/topics/{shown['id']}").json()
    assert [i["id"] for i in again["posts"][0]["images"]] == [i["id"] for i in opening["images"]]


def test_a_topic_with_images_in_a_members_only_category_stays_private(
    talk: Any, client: Any
) -> None:
    c = talk.c
    client.force_login(c.chloe)
    answer = client.post(
        TOPIC_API.format(slug=c.collective.slug),
        {"category": talk.ideas.slug, "title": "Recipe", "body": "Secret", "images": [_photo(400)]},
    )
    assert answer.status_code == 201, answer.json()
    url = answer.json()["posts"][0]["images"][0]["url"]
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(c.eva)
    assert client.get(url).status_code == 404
    assert (
        client.post(
            TOPIC_API.format(slug=c.collective.slug),
            {"category": talk.ideas.slug, "title": "Mine", "body": "Hi", "images": [_photo(100)]},
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("upload", "code", "message"),
    [
        (
            lambda: [SimpleUploadedFile("bomb.png", image_bomb_png(), "image/png")],
            "bad_image",
            "too many pixels",
        ),
        (
            lambda: [
                SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (40 * 2**20), "image/jpeg")
            ],
            "bad_image",
            "larger than 10 MB",
        ),
        (
            lambda: [SimpleUploadedFile("notes.txt", b"hello", "text/plain")],
            "bad_image",
            "not an image",
        ),
        (lambda: [_photo(100) for _ in range(5)], "too_many_images", "at most four"),
    ],
    ids=["decompression-bomb", "40-MB", "not-an-image", "five-images"],
)
def test_the_topic_api_refuses_bad_images_and_writes_nothing(
    talk: Any, client: Any, upload: Any, code: str, message: str
) -> None:
    from samen.conversations.models import Topic

    client.force_login(talk.c.chloe)
    topics, posts = Topic.objects.count(), Post.objects.count()
    answer = client.post(
        TOPIC_API.format(slug=talk.c.collective.slug),
        {"category": talk.questions.slug, "title": "Look", "body": "Look", "images": upload()},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == code
    assert message in answer.json()["detail"]
    assert (Topic.objects.count(), Post.objects.count()) == (topics, posts)
    assert not PostImage.objects.exists()


def test_the_topic_upload_is_in_the_openapi_document(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/talk/{kind}/{slug}/topics/with-images"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "decompression bomb" in operation["description"]
    error = operation["responses"]["422"]["content"]["application/json"]["schema"]
    assert error["$ref"].endswith("/ValidationErrorOut")
    assert {"403", "404", "429"} <= set(operation["responses"])
