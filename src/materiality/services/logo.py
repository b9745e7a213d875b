"""The organisation's logo: checked by decoding it, then re-encoded without metadata.

Plain Python (Pillow), no Flask. An upload is accepted only if Pillow decodes it
as a PNG or a JPEG of at most MAX_BYTES and MAX_SIDE × MAX_SIDE pixels. The size is
read from the header before a single pixel is decoded, so a "PNG bomb" (a few
kilobytes that inflate to gigabytes) is refused unread. The stored logo is a new
file written from the decoded pixels: no EXIF (GPS positions, camera serials), no
text chunks, no ICC profile, and no trailing bytes of whatever else the upload held.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["MAX_BYTES", "MAX_SIDE", "Logo", "LogoRefused", "clean_logo"]

#: The largest upload read (1 MB): a logo is small.
MAX_BYTES = 1_000_000
#: The largest width and height, in pixels.
MAX_SIDE = 2000
_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


class LogoRefused(ValueError):
    """Why an upload is not a usable logo: ``code`` is one of
    "too_large", "not_an_image", "wrong_format", "too_many_pixels", "damaged"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Logo:
    """A checked, re-encoded logo ready to store."""

    content: bytes
    mime: str
    sha256: str
    width: int
    height: int


def clean_logo(data: bytes) -> Logo:
    """Check an upload and return it re-encoded, or raise :class:`LogoRefused`.

    ``data`` may be one byte longer than MAX_BYTES (the caller reads no more): that
    is enough to know it is too large.
    """
    if len(data) > MAX_BYTES:
        raise LogoRefused("too_large")
    try:
        with warnings.catch_warnings():
            # Pillow warns about (and past twice its limit refuses) huge images; our
            # own limit, checked from the header below, is far lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:  # a header claiming over 179 million pixels
        raise LogoRefused("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise LogoRefused("not_an_image") from None
    with image:
        if image.format not in _FORMATS:
            raise LogoRefused("wrong_format")
        width, height = image.size
        if width > MAX_SIDE or height > MAX_SIDE or width < 1 or height < 1:
            raise LogoRefused("too_many_pixels")
        try:
            image.load()  # decode every pixel: a truncated or corrupt file fails here
            picture = ImageOps.exif_transpose(image)  # as the camera held it, then no EXIF
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise LogoRefused("damaged") from None
        fmt = image.format
    return _encode(picture, fmt)


def _encode(picture: Image.Image, fmt: str) -> Logo:
    """The pixels in a new file of the same format, nothing else carried over."""
    buffer = io.BytesIO()
    if fmt == "PNG":
        if picture.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            picture = picture.convert("RGBA")
        clean = picture.copy()
        clean.info = {"transparency": picture.info["transparency"]} \
            if "transparency" in picture.info else {}
        clean.save(buffer, "PNG", optimize=True)
    else:
        if picture.mode not in ("L", "RGB"):
            picture = picture.convert("RGB")
        clean = picture.copy()
        clean.info = {}
        clean.save(buffer, "JPEG", quality=90, optimize=True)
    content = buffer.getvalue()
    return Logo(content, _FORMATS[fmt], hashlib.sha256(content).hexdigest(),
                clean.width, clean.height)
