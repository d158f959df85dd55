"""Pictures for the demo: logos, covers and campaign images drawn with Pillow at seed time.

They are our own work (shapes, a colour of the site's palette, a name or its initials), free
to reuse like the rest of the demo, and need no download. The same key always draws the same
picture, so a reseeded demo looks the same; two keys differ in their shapes, and the demo
gives each collective its own colour (``tone``). The demo seeds hand them to the actions as
uploads, so they go through the same shrinking and re-encoding as a person's upload.
"""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

# (dark, light) pairs: the site's green and the tones of its status badges (samen.css).
PALETTE: tuple[tuple[str, str], ...] = (
    ("#146c43", "#d1e7dd"),
    ("#1d4e89", "#cfe2ff"),
    ("#8a5a00", "#fff3cd"),
    ("#9a2530", "#f8d7da"),
    ("#0c6170", "#cff4fc"),
    ("#59337a", "#e2d9f3"),
)
FONT_FILE = "DejaVuSans-Bold.ttf"  # Debian's fonts-dejavu; Pillow's own font otherwise


@dataclass(frozen=True)
class _Style:
    dark: tuple[int, int, int]
    light: tuple[int, int, int]
    rng: random.Random


def _style(key: str, tone: int | None) -> _Style:
    digest = hashlib.sha256(key.encode()).digest()
    dark, light = PALETTE[(digest[0] if tone is None else tone) % len(PALETTE)]
    return _Style(_rgb(dark), _rgb(light), random.Random(digest))


def _rgb(value: str) -> tuple[int, int, int]:
    return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_FILE, size)
    except OSError:
        return ImageFont.load_default(size)


def initials(name: str) -> str:
    """The capitals of a name's first two capitalised words: "Champignons de Forest" is CF."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isupper()]
    letters = "".join(word[0] for word in words[:2])
    return letters or name.strip()[:1].upper() or "?"


def _bubbles(image: Image.Image, style: _Style, count: int) -> None:
    """Translucent circles, mostly in the dark colour, scattered by the key's own random numbers."""
    width, height = image.size
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        radius = style.rng.randint(height // 6, height // 2)
        x = style.rng.randint(-radius // 2, width + radius // 2)
        y = style.rng.randint(-radius // 2, height + radius // 2)
        colour = style.dark if style.rng.random() < 0.7 else (255, 255, 255)
        alpha = style.rng.randint(40, 110)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, alpha))
    image.alpha_composite(layer)


def _encode(image: Image.Image, kind: str) -> io.BytesIO:
    out = io.BytesIO()
    if kind == "PNG":
        image.save(out, format="PNG")
    else:
        image.convert("RGB").save(out, format="JPEG", quality=88)
    out.seek(0)
    return out


def demo_logo(key: str, name: str, *, tone: int | None = None, side: int = 512) -> io.BytesIO:
    """A square PNG logo: the name's initials in white on a disc of the palette's ``tone``
    (chosen by the key when None)."""
    style = _style(key, tone)
    image = Image.new("RGBA", (side, side), (*style.light, 255))
    _bubbles(image, style, 3)
    draw = ImageDraw.Draw(image)
    margin = side // 10
    draw.ellipse((margin, margin, side - margin, side - margin), fill=style.dark)
    draw.ellipse(
        (margin * 2, margin * 2, side - margin * 2, side - margin * 2),
        outline=style.light,
        width=max(2, side // 64),
    )
    draw.text(
        (side / 2, side / 2), initials(name), font=_font(side // 4), fill="white", anchor="mm"
    )
    return _encode(image, "PNG")


def demo_banner(
    key: str, size: tuple[int, int], *, label: str = "", tone: int | None = None
) -> io.BytesIO:
    """A wide JPEG (a cover, a campaign image): circles over the tone's light colour and, when
    given, ``label`` in white on a band of its dark colour at the bottom left."""
    style = _style(key, tone)
    image = Image.new("RGBA", size, (*style.light, 255))
    _bubbles(image, style, 9)
    if label:
        width, height = size
        font = _font(height // 10)
        draw = ImageDraw.Draw(image)
        pad = height // 24
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        x, y = pad * 2, height - (bottom - top) - pad * 4
        draw.rounded_rectangle(
            (x - pad, y - pad, min(width - pad, x + right - left + pad), y + bottom - top + pad),
            radius=pad,
            fill=style.dark,
        )
        draw.text((x - left, y - top), label, font=font, fill="white")
    return _encode(image, "JPEG")
