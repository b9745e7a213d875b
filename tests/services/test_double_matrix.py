"""The double-materiality matrix: labels clear of everything, leaders uncrossed, each
marker's shape and fill saying why its topic is material, the files open."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.colors import to_hex
from PIL import Image
from test_matrix_chart import (
    CATEGORY_LABELS,
    SEED_CATEGORIES,
    assert_no_collisions,
    crossing_pairs,
    label_texts,
    leader_segments,
    overlapping_pairs,
    seed_topics,
    text_boxes,
)

from materiality.services.charts.double_matrix import (
    DoubleMatrixPoint,
    double_matrix_options,
    draw_double_matrix,
    render_double_matrix,
)
from materiality.services.charts.matrix import SIZE_PRESETS
from materiality.services.charts.style import CATEGORY_COLOURS

THRESHOLD = 3.0


def materiality(x: float, y: float) -> str | None:
    """The either-threshold rule of services.scoring.double."""
    impact, financial = y >= THRESHOLD, x >= THRESHOLD
    return "both" if impact and financial else "impact" if impact else (
        "financial" if financial else None)


def double_points(lang: str, n: int = 23, seed: int = 23) -> list[DoubleMatrixPoint]:
    """``n`` topics of the model report spread over all four quadrants."""
    topics = seed_topics()
    rng = np.random.default_rng(seed)
    xy = np.clip(rng.normal([3.3, 3.4], [0.8, 0.75], size=(n, 2)), 1.2, 4.95)
    points = []
    for i in range(n):
        label = topics[i % 23][lang] + ("" if i < 23 else f" {i // 23 + 1}")
        category = SEED_CATEGORIES[i % 23]
        x, y = float(xy[i, 0]), float(xy[i, 1])
        points.append(DoubleMatrixPoint(
            key=i + 1, label=label, x=x, y=y, category=category,
            category_label=CATEGORY_LABELS[lang][category], materiality=materiality(x, y)))
    return points


def options(lang: str, **changes):  # noqa: ANN201
    return double_matrix_options(locale="zh_CN" if lang == "zh" else "en",
                                 threshold_impact=THRESHOLD, threshold_financial=THRESHOLD,
                                 **changes)


@pytest.fixture(scope="module")
def renders() -> dict[str, tuple[list[DoubleMatrixPoint], object]]:
    return {lang: (double_points(lang), draw_double_matrix(double_points(lang), options(lang)))
            for lang in ("zh", "en")}


def legend_boxes(render) -> np.ndarray:  # noqa: ANN001
    renderer = render.figure.canvas.get_renderer()
    return np.array([legend.get_window_extent(renderer).extents
                     for legend in render.figure.legends]).reshape(-1, 4)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_23_topics_labels_clear_and_no_crossing_leaders(renders, lang):
    points, render = renders[lang]
    assert {p.materiality for p in points} == {"both", "impact", "financial", None}
    assert render.unplaced == ()
    assert_no_collisions(render)
    assert crossing_pairs(leader_segments(render)) == []
    labels = text_boxes(render, label_texts(render))
    assert overlapping_pairs(labels, legend_boxes(render), same=False) == []
    plot = render.figure.axes[0].get_window_extent(render.figure.canvas.get_renderer()).extents
    assert (labels[:, :2] >= plot[:2] - 0.5).all() and (labels[:, 2:] <= plot[2:] + 0.5).all()
    assert sorted(render.label_positions) == [p.key for p in points]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markers_show_the_category_by_colour_and_the_materiality_by_shape(renders, lang):
    points, render = renders[lang]
    markers = next(c for c in render.figure.axes[0].collections if c.get_gid() == "markers")
    faces = [to_hex(f) for f in markers.get_facecolors()]
    shapes = {}
    for point, path, face in zip(points, markers.get_paths(), faces, strict=True):
        # A material topic is filled in its category's colour; a topic that is not, hollow.
        expected = CATEGORY_COLOURS[point.category] if point.materiality else "#ffffff"
        assert face == expected.lower(), point
        shapes.setdefault(point.materiality, set()).add(len(path.vertices))
    # One outline per kind, four different outlines: circle (both), triangle (impact),
    # square (financial), circle hollow (not material).
    assert all(len(v) == 1 for v in shapes.values())
    assert shapes["both"] == shapes[None]
    assert len({next(iter(shapes[k])) for k in ("both", "impact", "financial")}) == 3
    # Every shape lies inside the circle the label placer keeps labels off.
    for path in markers.get_paths():
        assert np.hypot(*path.vertices.T).max() <= 0.61


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", sorted(SIZE_PRESETS))
def test_every_size_keeps_both_keys_apart_and_on_the_page(lang, size):
    render = draw_double_matrix(double_points(lang), options(lang, size=size))
    boxes = legend_boxes(render)
    assert len(boxes) == 2
    assert overlapping_pairs(boxes[:1], boxes[1:], same=False) == []
    assert (boxes[:, :2] >= 0).all()
    width, height = render.figure.bbox.width, render.figure.bbox.height
    assert (boxes[:, 2] <= width).all() and (boxes[:, 3] <= height).all()
    plot = render.figure.axes[0].get_window_extent(render.figure.canvas.get_renderer())
    assert boxes[:, 3].max() < plot.y0  # under the x axis, its title in between
    assert render.unplaced == ()


def test_thresholds_draw_lines_and_the_material_band():
    render = draw_double_matrix(double_points("en"), options("en"))
    ax = render.figure.axes[0]
    gids = {a.get_gid() for a in [*ax.lines, *ax.patches]}
    assert {"threshold-financial", "threshold-impact", "band-financial", "band-impact",
            "band-both"} <= gids
    # Top-N mode has no threshold value: no line and no band.
    bare = draw_double_matrix(double_points("en"), double_matrix_options(
        locale="en", threshold_impact=float("nan"), threshold_financial=None))
    gids = {a.get_gid() for a in [*bare.figure.axes[0].lines, *bare.figure.axes[0].patches]}
    assert not gids & {"threshold-financial", "threshold-impact", "band-both"}


def test_scores_below_one_take_the_axes_down_to_zero():
    points = double_points("en")
    low = [DoubleMatrixPoint(**{**p.__dict__, "x": 0.4}) if p.key == 1 else p for p in points]
    opts = double_matrix_options(locale="en", threshold_impact=3, threshold_financial=3,
                                 scores=[p.x for p in low] + [p.y for p in low])
    render = draw_double_matrix(low, opts)
    assert render.figure.axes[0].get_xlim()[0] < 0.4
    assert options("en").axis_min == 1.0


def test_axis_titles_follow_the_locale(renders):
    def strings(render):  # noqa: ANN001, ANN202
        return {t.get_text() for t in render.figure.axes[0].texts}

    assert {"财务实质性", "影响实质性"} <= strings(renders["zh"][1])
    assert {"Financial materiality", "Impact materiality"} <= strings(renders["en"][1])
    keys = {t.get_text() for legend in renders["zh"][1].figure.legends
            for t in legend.get_texts()}
    assert {"双重实质性", "影响实质性", "财务实质性", "非实质性", "经济"} <= keys


def test_files_are_deterministic_and_open():
    points, opts = double_points("zh", 12), options("zh")
    png = render_double_matrix(points, opts, "png", dpi=150)
    assert png == render_double_matrix(points, opts, "png", dpi=150)
    image = Image.open(io.BytesIO(png))
    assert image.size == tuple(round(v * 150) for v in SIZE_PRESETS["half_a4"])
    svg = render_double_matrix(points, opts, "svg")
    assert svg.startswith(b"<?xml") and svg == render_double_matrix(points, opts, "svg")
    assert render_double_matrix(points, opts, "pdf").startswith(b"%PDF")
    with pytest.raises(ValueError, match="unsupported format"):
        render_double_matrix(points, opts, "gif")


def test_bad_input_is_refused():
    points = double_points("en", 3)
    with pytest.raises(ValueError, match="unknown materiality"):
        draw_double_matrix([DoubleMatrixPoint(**{**points[0].__dict__, "materiality": "x"})])
    with pytest.raises(ValueError, match="unique"):
        draw_double_matrix([points[0], points[0]])
    with pytest.raises(ValueError, match="unknown size"):
        draw_double_matrix(points, options("en", size="a0"))
    assert draw_double_matrix([], options("en")).label_positions == {}
