"""The matrix's label editor: where the chart draws every label, and how big it is.

Staff drag a label on the preview; the editor needs the plot area on the image and each
label's centre and size in figure fractions.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..services.input_checks import parse_int
from .data import ReportData, label_positions, matrix_points


@dataclass(frozen=True)
class LabelRow:
    """One topic's label in the editor: where it is drawn now, and whether it was moved."""

    topic_id: int
    label: str
    x: float
    y: float
    saved: bool
    #: the drawn label's width and height in figure fractions (the handle covers it)
    width: float = 0.0
    height: float = 0.0


@dataclass(frozen=True)
class LabelEditor:
    """What the label editor needs: the plot area on the image and every label's centre."""

    #: plot area in figure fractions (left, bottom, right, top), PNG has no tight crop
    axes_box: tuple[float, float, float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    rows: list[LabelRow]
    unplaced: tuple[int, ...]


def label_editor(data: ReportData, options, *, error_bars: bool = False,  # noqa: ANN001
                 render=None,  # noqa: ANN001
                 previous_positions: dict[int, tuple[float, float]] | None = None,
                 ) -> LabelEditor:
    """Draw the matrix as the preview will (unless given its ``render``) and report
    where every label sits."""
    from ..services.charts.matrix import draw_matrix

    saved = label_positions(data.assessment.id, data.locale)
    points = matrix_points(data, error_bars=error_bars, saved=saved)
    if render is None:
        render = draw_matrix(points, options, previous_positions)
    ax = render.figure.axes[0]
    box = ax.get_position()
    sizes = _label_sizes(render.figure)
    rows = [
        LabelRow(p.key, p.label, round(render.label_positions[p.key][0], 4),
                 round(render.label_positions[p.key][1], 4), p.key in saved,
                 *sizes.get(p.key, (0.0, 0.0)))
        for p in points if p.key in render.label_positions
    ]
    return LabelEditor(
        axes_box=(box.x0, box.y0, box.x1, box.y1),
        xlim=tuple(float(v) for v in ax.get_xlim()),
        ylim=tuple(float(v) for v in ax.get_ylim()),
        rows=rows,
        unplaced=tuple(render.unplaced),
    )


def _label_sizes(figure) -> dict[int, tuple[float, float]]:  # noqa: ANN001
    """Each drawn label's (width, height) in figure fractions, by topic key."""
    renderer = figure.canvas.get_renderer()
    to_figure = figure.transFigure.inverted()
    sizes = {}
    for text in figure.axes[0].texts:
        gid = text.get_gid() or ""
        topic_id = parse_int(gid[6:], minimum=1) if gid.startswith("label-") else None
        if topic_id is not None:
            extent = text.get_window_extent(renderer)
            (x0, y0), (x1, y1) = to_figure.transform([[extent.x0, extent.y0],
                                                      [extent.x1, extent.y1]])
            sizes[topic_id] = (round(float(x1 - x0), 4), round(float(y1 - y0), 4))
    return sizes
