"""The one image loader: pixel cap before decoding, resize, no metadata."""

import io
import time

import pytest
from django.test import override_settings
from PIL import Image

from samen.lib.images import (
    ImageErrorCode,
    ImageRefused,
    clean_image,
    image_content_type,
    open_image,
)
from samen.lib.testing import image_bomb_png


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return image_bomb_png()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_13000_by_13000_png_is_refused_fast_before_decoding(bomb: bytes) -> None:
    assert len(bomb) < 2 * 1024 * 1024
    with Image.open(io.BytesIO(bomb)) as image:
        assert image.size == (13_000, 13_000)
    started = time.monotonic()
    with pytest.raises(ImageRefused) as info:
        clean_image(io.BytesIO(bomb), box=(512, 512))
    assert time.monotonic() - started < 1
    assert info.value.code == ImageErrorCode.TOO_MANY_PIXELS
    assert "40 megapixels" in info.value.message
    assert image_content_type(io.BytesIO(bomb), max_bytes=10 * 1024 * 1024) is None


def test_the_pixel_cap_is_configurable() -> None:
    small = io.BytesIO()
    Image.new("RGB", (200, 100), "green").save(small, "PNG")
    with override_settings(IMAGE_MAX_PIXELS=10_000), pytest.raises(ImageRefused):
        open_image(small)
    assert open_image(small).size == (200, 100)


def test_clean_image_shrinks_and_strips_metadata() -> None:
    exif = Image.Exif()
    exif[0x013B] = "Secret Artist"
    exif[0x8825] = {1: "N", 2: (50.0, 50.0, 0.0)}
    source = io.BytesIO()
    Image.new("RGB", (3000, 1500), (200, 80, 40)).save(source, "JPEG", exif=exif.tobytes())
    cleaned = clean_image(source, box=(1600, 900))
    assert cleaned.extension == "jpg"
    assert b"Secret Artist" not in cleaned.data
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.size == (1600, 800)
        assert not image.getexif()


def test_other_formats_and_non_images_are_refused() -> None:
    bmp = io.BytesIO()
    Image.new("RGB", (10, 10)).save(bmp, "BMP")
    with pytest.raises(ImageRefused) as info:
        clean_image(bmp, box=(10, 10))
    assert info.value.code == ImageErrorCode.WRONG_FORMAT
    with pytest.raises(ImageRefused) as info:
        clean_image(io.BytesIO(b"\x89PNG\r\n\x1a\n truncated"), box=(10, 10))
    assert info.value.code == ImageErrorCode.NOT_IMAGE
