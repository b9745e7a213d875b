"""QR codes for survey links and invitation codes (segno; no Flask)."""
from __future__ import annotations

import io

import segno

#: Medium error correction survives a crease or a smudge on a printed poster.
ERROR = "m"
BORDER = 4
DARK = "#000"


def _make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, micro=False, boost_error=False)


def qr_png(url: str, scale: int = 10) -> bytes:
    """The QR code of ``url`` as a PNG image."""
    buffer = io.BytesIO()
    _make(url).save(buffer, kind="png", scale=scale, border=BORDER, dark=DARK)
    return buffer.getvalue()


def qr_svg(url: str, scale: int = 10) -> bytes:
    """The QR code of ``url`` as a standalone SVG document."""
    buffer = io.BytesIO()
    _make(url).save(buffer, kind="svg", scale=scale, border=BORDER, dark=DARK, xmldecl=True)
    return buffer.getvalue()


def qr_svg_data_uri(url: str, scale: int = 4) -> str:
    """The QR code as a ``data:`` URI, for pages that show many codes at once."""
    return _make(url).svg_data_uri(scale=scale, border=BORDER, dark=DARK)
