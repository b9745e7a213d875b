"""The comparison matrix: arrows from last year's positions, axes shared by both years."""
from __future__ import annotations

import re

import numpy as np
from matplotlib.patches import FancyArrowPatch

from materiality.services.charts.matrix import (
    MatrixOptions,
    MatrixPoint,
    draw_matrix,
    render_matrix,
    union_limits,
)

POINTS = [
    MatrixPoint(1, "Energy", 4.2, 4.3, "environmental", "Environmental"),
    MatrixPoint(2, "Public welfare and charity", 2.3, 2.8, "social", "Social"),
    MatrixPoint(3, "Biodiversity", 3.8, 3.9, "environmental", "Environmental"),  # new
    MatrixPoint(4, "Governance", 4.0, 4.1, "governance", "Governance"),  # did not move
]
PREVIOUS = {1: (3.9, 4.0), 2: (3.2, 2.8), 4: (4.0, 4.1)}


def test_an_arrow_per_moved_topic_under_the_markers():
    figure = draw_matrix(POINTS, MatrixOptions(locale="en"), PREVIOUS).figure
    ax = figure.axes[0]
    arrows = {p.get_gid(): p for p in ax.patches if isinstance(p, FancyArrowPatch)}
    assert set(arrows) == {"arrow-1", "arrow-2"}  # the new topic and the still one have none
    markers = next(c for c in ax.collections if c.get_gid() == "markers")
    assert all(a.get_zorder() < markers.get_zorder() for a in arrows.values())
    start, end = arrows["arrow-2"]._posA_posB
    assert start == (3.2, 2.8) and end == (2.3, 2.8)


def test_the_svg_names_each_arrow_and_the_same_input_gives_the_same_bytes():
    svg = render_matrix(POINTS, MatrixOptions(locale="zh_CN"), "svg",
                        previous_positions=PREVIOUS)
    assert sorted(re.findall(rb'id="(arrow-\d+)"', svg)) == [b"arrow-1", b"arrow-2"]
    assert b'id="previous-positions"' in svg
    assert svg == render_matrix(POINTS, MatrixOptions(locale="zh_CN"), "svg",
                                previous_positions=PREVIOUS)
    assert b"arrow-" not in render_matrix(POINTS, MatrixOptions(locale="zh_CN"), "svg")


def test_labels_keep_clear_of_the_arrows():
    # Without the arrows among the lines to avoid, charity's label lies on its arrow.
    render = draw_matrix(POINTS, MatrixOptions(locale="en"), PREVIOUS)
    ax = render.figure.axes[0]
    renderer = render.figure.canvas.get_renderer()
    start, end = np.array(PREVIOUS[2]), np.array([POINTS[1].x, POINTS[1].y])
    path = ax.transData.transform(start + np.linspace(0.1, 0.9, 50)[:, None] * (end - start))
    for text in ax.texts:
        if not (text.get_gid() or "").startswith("label-"):
            continue
        box = text.get_window_extent(renderer)
        inside = ((path[:, 0] > box.x0) & (path[:, 0] < box.x1)
                  & (path[:, 1] > box.y0) & (path[:, 1] < box.y1))
        assert not inside.any(), text.get_text()


def test_union_limits_frame_both_years_and_fixed_limits_are_kept():
    (x0, x1), (y0, y1) = union_limits(POINTS, PREVIOUS, MatrixOptions())
    assert x0 < 2.3 and x1 > 4.2 and y0 < 2.8 and y1 > 4.3
    assert x1 < 5.2 and x0 > 1.0  # zoomed, not the whole scale
    limits = ((1.5, 4.5), (2.0, 5.0))
    ax = draw_matrix(POINTS, MatrixOptions(limits=limits, zoom=True), PREVIOUS).figure.axes[0]
    assert ax.get_xlim() == limits[0] and ax.get_ylim() == limits[1]
