"""A drawn chart as file bytes: PNG (written here, see :func:`png_bytes`), SVG and PDF
(matplotlib's), with no date or software in them, so the same drawing gives the same bytes.
Shared by the materiality matrix and the double-materiality matrix."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Mapping

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from materiality.services.charts.fonts import ChartRenderer, chart_rc

_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


class ChartCanvas(FigureCanvasAgg):
    """Matplotlib's Agg canvas, drawing with a :class:`ChartRenderer` and writing its own
    PNG (see :func:`png_bytes`)."""

    def get_renderer(self) -> ChartRenderer:
        """A renderer of the figure's size and dpi (a new one when they change), as
        FigureCanvasAgg's, but one that keeps its text metrics."""
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if self._lastKey != key:
            self.renderer = ChartRenderer(width, height, self.figure.dpi)
            self._lastKey = key
        return self.renderer

    def print_png(self, filename_or_obj, *, metadata=None,  # noqa: ANN001
                  **_ignored) -> None:  # noqa: ANN003 - savefig's facecolor etc., already applied
        """Draw the figure and write it as an RGB PNG."""
        self.draw()
        data = png_bytes(np.asarray(self.buffer_rgba()), self.figure.dpi, metadata)
        if hasattr(filename_or_obj, "write"):
            filename_or_obj.write(data)
        else:
            with open(filename_or_obj, "wb") as out:
                out.write(data)


def png_bytes(rgba: np.ndarray, dpi: float, metadata: Mapping[str, str | None] | None = None,
              level: int = 3) -> bytes:
    """An opaque RGBA image (rows top down) as an RGB PNG: no alpha channel (a chart is
    drawn on white), rows stored unfiltered, zlib at ``level``.

    Pillow chooses a filter for every row by trying all five, which on a chart's flat
    colours took twice as long as compressing and made the file bigger: a half-A4 matrix
    at 300 dpi is written in about 30 ms instead of 60 ms, 10-30 % smaller.
    """
    height, width = rgba.shape[:2]
    rows = np.empty((height, 1 + 3 * width), np.uint8)  # each row: filter 0, then RGB
    rows[:, 0] = 0
    rgb = rows[:, 1:].reshape(height, width, 3)  # a view: the copies land in rows
    # Channel by channel: copying the three-of-four-bytes pixels at once took four
    # times as long (a strided copy of 3-byte items), about 20 ms at 300 dpi.
    for channel in range(3):
        rgb[:, :, channel] = rgba[:, :, channel]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    per_metre = int(dpi / 0.0254 + 0.5)
    parts = [b"\x89PNG\r\n\x1a\n",
             chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
             chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))]
    parts += [chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
              for key, value in (metadata or {}).items() if value is not None]
    parts += [chunk(b"IDAT", zlib.compress(rows, level)), chunk(b"IEND", b"")]
    return b"".join(parts)


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 300) -> bytes:
    """A drawn matrix (:func:`draw_matrix`'s figure) as PNG, SVG or PDF bytes."""
    fmt = fmt.lower()
    if fmt not in _METADATA:
        raise ValueError(f"unsupported format {fmt!r}; use png, svg or pdf")
    if not isinstance(fig.canvas, ChartCanvas):
        ChartCanvas(fig)
    buf = io.BytesIO()
    with rc_context(chart_rc()):
        fig.savefig(
            buf,
            format=fmt,
            dpi=dpi if fmt == "png" else 72,
            metadata=_METADATA[fmt],
            facecolor="white",
        )
    return buf.getvalue()


#: The formats :func:`figure_bytes` writes.
FORMATS = frozenset(_METADATA)
