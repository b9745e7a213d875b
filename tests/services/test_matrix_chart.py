"""The materiality matrix: labels never collide, Chinese renders, exports open anywhere."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from unittest import mock

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.mathtext import MathTextParser
from matplotlib.text import Text
from PIL import Image

from materiality.services.charts.files import png_bytes
from materiality.services.charts.fonts import ChartRenderer, forget_extents
from materiality.services.charts.matrix import (
    SIZE_PRESETS,
    MatrixOptions,
    MatrixPoint,
    MatrixRender,
    draw_matrix,
    render_matrix,
)
from materiality.services.charts.style import LABEL_PAD_PT, MAX_LEADER_PT

#: The package ships the model report's seed file, so the tests need no folder beside the clone.
SEED = Path(__file__).resolve().parents[2] / "src" / "materiality" / "data" / "seed-library.json"
# Categories for the model report's 23 topics, in the report's order.
SEED_CATEGORIES = [
    "governance", "social", "economic", "social", "social", "economic", "economic", "social",
    "governance", "environmental", "environmental", "governance", "governance",
    "environmental", "economic", "social", "social", "social", "economic", "governance",
    "economic", "social", "social",
]
CATEGORY_LABELS = {
    "zh": {"economic": "经济", "environmental": "环境", "social": "社会", "governance": "治理",
           "community": "社区"},
    "en": {"economic": "Economic", "environmental": "Environmental", "social": "Social",
           "governance": "Governance", "community": "Community"},
}


def seed_topics() -> list[dict[str, str]]:
    """The 23 topic names of the model report (zh/en), from the seed file."""
    return json.loads(SEED.read_text(encoding="utf-8"))["topics"]


def seed_points(lang: str) -> list[MatrixPoint]:
    """The 23 seed topics, crowded in the upper right as in the model report."""
    rng = np.random.default_rng(7)
    xy = np.clip(rng.normal([4.0, 4.1], [0.45, 0.4], size=(23, 2)), 2.4, 4.95)
    return [
        MatrixPoint(
            key=i + 1, label=t[lang], x=float(xy[i, 0]), y=float(xy[i, 1]),
            category=SEED_CATEGORIES[i],
            category_label=CATEGORY_LABELS[lang][SEED_CATEGORIES[i]],
        )
        for i, t in enumerate(seed_topics())
    ]


def crowded_points(n: int = 80) -> list[MatrixPoint]:
    """``n`` synthetic topics, zh and en names of mixed lengths, crowded in the upper right."""
    topics = seed_topics()
    rng = np.random.default_rng(80)
    xy = np.clip(rng.normal([4.1, 4.15], [0.45, 0.4], size=(n, 2)), 2.3, 4.98)
    cats = ["economic", "environmental", "social", "governance", "community"]
    points = []
    for i in range(n):
        label = topics[i % 23]["zh" if i % 2 else "en"]
        if i >= 46:
            label += " " + ["2.0", "(Scope 3)", "体系", "and reporting"][i % 4]
        cat = cats[i % 5]
        points.append(MatrixPoint(key=i + 1, label=label, x=float(xy[i, 0]),
                                  y=float(xy[i, 1]), category=cat,
                                  category_label=CATEGORY_LABELS["en"][cat]))
    return points


def label_texts(render: MatrixRender) -> list[Text]:
    ax = render.figure.axes[0]
    return [t for t in ax.texts if (t.get_gid() or "").startswith("label-")]


def text_boxes(render: MatrixRender, texts: list[Text]) -> np.ndarray:
    renderer = render.figure.canvas.get_renderer()
    return np.array([t.get_window_extent(renderer).extents for t in texts]).reshape(-1, 4)


def marker_boxes(render: MatrixRender) -> np.ndarray:
    """Marker squares in pixels, from the scatter's offsets and marker size (points²)."""
    fig = render.figure
    ax = fig.axes[0]
    scatter = next(c for c in ax.collections if c.get_gid() == "markers")
    centers = ax.transData.transform(scatter.get_offsets())
    half = np.sqrt(scatter.get_sizes()[0]) / 2 * fig.dpi / 72
    return np.concatenate([centers - half, centers + half], axis=1)


def overlapping_pairs(a: np.ndarray, b: np.ndarray, same: bool) -> list[tuple[int, int]]:
    hit = (
        (a[:, None, 0] < b[None, :, 2]) & (a[:, None, 2] > b[None, :, 0])
        & (a[:, None, 1] < b[None, :, 3]) & (a[:, None, 3] > b[None, :, 1])
    )
    if same:
        hit = np.triu(hit, k=1)
    return [tuple(map(int, ij)) for ij in np.argwhere(hit)]


def assert_no_collisions(render: MatrixRender) -> None:
    texts = label_texts(render)
    labels = text_boxes(render, texts)
    markers = marker_boxes(render)
    assert len(texts) == len(markers)
    assert overlapping_pairs(labels, labels, same=True) == []
    assert overlapping_pairs(labels, markers, same=False) == []


@pytest.fixture(scope="module")
def seed_renders() -> dict[str, MatrixRender]:
    return {
        lang: draw_matrix(seed_points(lang), MatrixOptions(
            locale="zh_CN" if lang == "zh" else "en", threshold_x=3.5, threshold_y=3.5))
        for lang in ("zh", "en")
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_seed_labels_overlap_neither_each_other_nor_markers(seed_renders, lang):
    render = seed_renders[lang]
    assert render.unplaced == ()
    assert_no_collisions(render)
    sizes = {t.get_fontsize() for t in label_texts(render)}
    assert min(sizes) >= 8.5  # readable: the 23 labels fit at (nearly) full size


def test_axis_titles_and_ends_follow_the_locale(seed_renders):
    def strings(render):
        return {t.get_text() for t in render.figure.findobj(Text)}

    zh, en = strings(seed_renders["zh"]), strings(seed_renders["en"])
    assert {"对企业发展的重要性", "对利益相关方的重要性", "低", "高", "议题类别", "经济"} <= zh
    assert {"Importance to the company's development", "Importance to stakeholders",
            "Low", "High", "Topic category", "Economic"} <= en


def test_label_positions_cover_every_topic_and_round_trip(seed_renders):
    render = seed_renders["en"]
    points = seed_points("en")
    assert set(render.label_positions) == {p.key for p in points}
    for t in label_texts(render):
        key = int(t.get_gid().removeprefix("label-"))
        assert t.get_position() == pytest.approx(render.label_positions[key])
    # An editor saving the positions and drawing again gets the same picture.
    pinned = [MatrixPoint(**{**p.__dict__, "label_offset": render.label_positions[p.key]})
              for p in points]
    again = draw_matrix(pinned, MatrixOptions(locale="en", threshold_x=3.5, threshold_y=3.5))
    for key, xy in render.label_positions.items():
        assert again.label_positions[key] == pytest.approx(xy)
    assert_no_collisions(again)  # the pinned labels' line breaks still clear everything


# --------------------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo_matrix(sqlite_template, tmp_path_factory) -> dict[str, tuple[list, MatrixOptions]]:
    """The seed's 2023 assessment with its demo responses, scored as the app scores it:
    its points and chart options (thresholds in force, half-A4) per language."""
    from materiality import create_app
    from materiality.extensions import db, dispose_engines
    from materiality.models import Assessment
    from materiality.report.data import matrix_points, report_data
    from materiality.report.exports import MatrixChoice, matrix_options
    from materiality.seed import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    from tests.conftest import base_test_config

    app = create_app(base_test_config(f"sqlite:///{path}"))
    with app.app_context():
        seed_demo()
        db.session.commit()
        assessment = db.session.scalars(db.select(Assessment).where(
            Assessment.reporting_year == 2023)).one()
        matrices = {}
        for lang, locale in (("zh", "zh_CN"), ("en", "en")):
            data = report_data(assessment, locale)
            matrices[lang] = (matrix_points(data), matrix_options(data, MatrixChoice()))
        db.session.remove()
        dispose_engines()
    return matrices


def leader_segments(render: MatrixRender) -> np.ndarray:
    """The drawn leader lines as (x0, y0, x1, y1) in pixels."""
    ax = render.figure.axes[0]
    segs = [ax.transData.transform(np.column_stack([ln.get_xdata(), ln.get_ydata()]))
            for ln in ax.lines if ln.get_gid() == "leader"]
    return np.array([[*a, *b] for a, b in segs]).reshape(-1, 4)


def crossing_pairs(segs: np.ndarray) -> list[tuple[int, int]]:
    """Pairs of segments that properly cross (own implementation of the orientation test)."""
    def side(p, q, r) -> float:
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    pairs = []
    for i in range(len(segs)):
        for j in range(i + 1, len(segs)):
            a, b, c, d = segs[i, :2], segs[i, 2:], segs[j, :2], segs[j, 2:]
            if side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0:
                pairs.append((i, j))
    return pairs


def leader_lengths_pt(render: MatrixRender) -> np.ndarray:
    segs = leader_segments(render)
    return np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1]) * 72 / render.figure.dpi


def legend_box(render: MatrixRender) -> np.ndarray:
    renderer = render.figure.canvas.get_renderer()
    return np.array([render.figure.legends[0].get_window_extent(renderer).extents])


def assert_clean_picture(render: MatrixRender) -> None:
    """No label on another, on a point or on the legend; none outside the plot; no two
    leader lines crossing."""
    assert_no_collisions(render)
    labels = text_boxes(render, label_texts(render))
    assert overlapping_pairs(labels, legend_box(render), same=False) == []
    plot = render.figure.axes[0].get_window_extent(render.figure.canvas.get_renderer()).extents
    assert (labels[:, :2] >= plot[:2] - 0.5).all() and (labels[:, 2:] <= plot[2:] + 0.5).all()
    assert crossing_pairs(leader_segments(render)) == []


def off_side_labels(render: MatrixRender, points, options) -> list[int]:
    """Keys of the labels not wholly on their point's side of both threshold lines."""
    ax = render.figure.axes[0]
    tx, ty = ax.transData.transform((options.threshold_x, options.threshold_y))
    boxes = dict(zip([int(t.get_gid()[6:]) for t in label_texts(render)],
                     text_boxes(render, label_texts(render)), strict=True))
    off = []
    for p in points:
        (px, py), box = ax.transData.transform((p.x, p.y)), boxes[p.key]
        for v, line, lo, hi in ((px, tx, box[0], box[2]), (py, ty, box[1], box[3])):
            if abs(v - line) > 0.5 and ((v > line and lo < line) or (v < line and hi > line)):
                off.append(p.key)
                break
    return off


def room_on_side(render: MatrixRender, points, options, key: int) -> list[tuple[float, float]]:
    """Free places for ``key``'s label (as wrapped, with the chart's padding) wholly on its
    point's side, within the longest leader allowed: clear of every other label, point
    and the plot's edge, with a leader crossing no other leader, point or label."""
    fig, ax = render.figure, render.figure.axes[0]
    px_per_pt = fig.dpi / 72
    plot = ax.get_window_extent(fig.canvas.get_renderer()).extents
    tx, ty = ax.transData.transform((options.threshold_x, options.threshold_y))
    texts = {int(t.get_gid()[6:]): t for t in label_texts(render)}
    index = [p.key for p in points].index(key)
    boxes = text_boxes(render, [texts[p.key] for p in points])
    half = (boxes[index, 2:] - boxes[index, :2]) / 2 + LABEL_PAD_PT * px_per_pt
    others = np.delete(boxes, index, axis=0)
    markers = marker_boxes(render)
    anchor = ax.transData.transform((points[index].x, points[index].y))
    radius = (markers[index, 2] - markers[index, 0]) / 2
    other_markers = np.delete(markers, index, axis=0)
    segs = [s for s in leader_segments(render)
            if np.hypot(*(s[:2] - anchor)) > radius + 1]  # the label's own leader excepted
    lo = np.array([plot[0], plot[1]]) + half
    hi = np.array([plot[2], plot[3]]) - half
    for axis, line in ((0, tx), (1, ty)):
        if abs(anchor[axis] - line) > 0.5:
            if anchor[axis] > line:
                lo[axis] = max(lo[axis], line + half[axis])
            else:
                hi[axis] = min(hi[axis], line - half[axis])
    reach = MAX_LEADER_PT * px_per_pt + radius
    lo, hi = np.maximum(lo, anchor - reach - half), np.minimum(hi, anchor + reach + half)
    if (lo > hi).any():
        return []
    xs, ys = np.arange(lo[0], hi[0] + 1e-9, 2.0), np.arange(lo[1], hi[1] + 1e-9, 2.0)
    centers = np.array([(x, y) for x in xs for y in ys]).reshape(-1, 2)
    cand = np.concatenate([centers - half, centers + half], axis=1)
    free = ~np.array([bool(overlapping_pairs(c[None, :], others, same=False)) or
                      bool(overlapping_pairs(c[None, :], other_markers, same=False))
                      for c in cand], dtype=bool) if len(cand) else np.zeros(0, bool)
    found = []
    for c, center in zip(cand[free], centers[free], strict=True):
        end = np.clip(anchor, c[:2], c[2:])
        length = np.hypot(*(end - anchor)) - radius
        if length > MAX_LEADER_PT * px_per_pt:
            continue
        leader = np.array([[*anchor, *end]])
        if length > 1 and (crossing_pairs(np.concatenate([leader, np.array(segs).reshape(-1, 4)]))
                           and any(i == 0 for i, _ in crossing_pairs(
                               np.concatenate([leader, np.array(segs).reshape(-1, 4)])))):
            continue
        if length > 1 and _segment_hits(anchor, end, np.concatenate([other_markers, others])):
            continue
        found.append((float(center[0]), float(center[1])))
    return found


def _segment_hits(p: np.ndarray, q: np.ndarray, boxes: np.ndarray) -> bool:
    """Whether the segment p→q passes through any box (sampled every half pixel)."""
    steps = max(2, int(np.hypot(*(q - p)) * 2))
    pts = p + np.linspace(0, 1, steps)[:, None] * (q - p)
    inside = ((pts[:, None, 0] > boxes[None, :, 0]) & (pts[:, None, 0] < boxes[None, :, 2])
              & (pts[:, None, 1] > boxes[None, :, 1]) & (pts[:, None, 1] < boxes[None, :, 3]))
    return bool(inside.any())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_matrix_reads_like_a_designers(demo_matrix, lang):
    """The demo at half A4: no crossing leaders, none longer than 72 pt, nothing on top
    of anything, and every label on its point's side of the thresholds where there is
    room for it."""
    points, options = demo_matrix[lang]
    assert options.size == "half_a4" and len(points) == 23
    assert options.threshold_x is not None and options.threshold_y is not None
    render = draw_matrix(points, options)
    assert render.unplaced == ()
    assert_clean_picture(render)
    assert leader_lengths_pt(render).max(initial=0) <= MAX_LEADER_PT
    for key in off_side_labels(render, points, options):
        assert room_on_side(render, points, options, key) == [], key
    again = draw_matrix(points, options)
    assert again.label_positions == render.label_positions  # deterministic


@pytest.fixture(scope="module")
def crowded_renders() -> dict[int, MatrixRender]:
    options = MatrixOptions(locale="en", threshold_x=3.5, threshold_y=3.5)
    return {n: draw_matrix(crowded_points(n), options) for n in (40, 80)}


@pytest.mark.parametrize("n", [40, 80])
def test_many_synthetic_topics_collide_with_nothing(crowded_renders, n):
    render = crowded_renders[n]
    assert render.unplaced == ()
    assert_no_collisions(render)
    labels = text_boxes(render, label_texts(render))
    assert overlapping_pairs(labels, legend_box(render), same=False) == []


@pytest.mark.parametrize("n", [
    40,
    pytest.param(80, marks=pytest.mark.xfail(
        strict=True, reason="80 crowded topics: the search leaves crossings (see the benchmark)")),
])
def test_many_synthetic_topics_have_no_crossing_leaders(crowded_renders, n):
    assert crossing_pairs(leader_segments(crowded_renders[n])) == []


def test_no_missing_glyph_warning_and_global_rcparams_untouched():
    before = dict(matplotlib.rcParams)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_matrix(seed_points("zh")[:8], MatrixOptions(title="2023年度实质性议题矩阵"),
                      fmt="png", dpi=72)
    assert [str(w.message) for w in caught] == []
    assert dict(matplotlib.rcParams) == before


def test_dollar_and_percent_are_drawn_literally_not_as_mathtext():
    points = [
        MatrixPoint(1, "$5m fund", 3.0, 3.0, "economic", "Economic $"),
        MatrixPoint(2, "50% women", 4.0, 4.2, "social", "Social"),
        MatrixPoint(3, "$1 and $2", 4.3, 3.6, "social", "Social"),
    ]
    options = MatrixOptions(locale="en", title="Fund $ and 50%")
    with mock.patch.object(MathTextParser, "parse", side_effect=AssertionError("mathtext")):
        render = draw_matrix(points, options)
        svg = render_matrix(points, options, fmt="svg").decode()
        numbered = draw_matrix(points, MatrixOptions(locale="en", numbered=True))
        render_matrix(points, MatrixOptions(locale="en", numbered=True), fmt="png", dpi=50)
    assert {t.get_text() for t in label_texts(render)} == {"$5m fund", "50% women", "$1 and $2"}
    for fig in (render.figure, numbered.figure):
        for t in fig.findobj(Text):
            if "$" in t.get_text():
                assert t.get_parse_math() is False
    # Only the text font's glyphs are used: no mathtext (DejaVu/Computer Modern) glyphs.
    glyph_ids = re.findall(r'<path id="([^"]+-[0-9a-f]+)"', svg)
    fonts = {re.sub(r"-[0-9a-f]+$", "", i) for i in glyph_ids}
    assert fonts == {"NotoSansCJKsc-Regular"}


def test_png_is_deterministic_and_sized_by_dpi():
    points = seed_points("zh")
    first = render_matrix(points, MatrixOptions(threshold_x=3.5, threshold_y=3.5), "png", 300)
    second = render_matrix(points, MatrixOptions(threshold_x=3.5, threshold_y=3.5), "png", 300)
    assert first == second
    w_in, h_in = SIZE_PRESETS["half_a4"]
    with Image.open(io.BytesIO(first)) as img:
        assert img.size == (round(w_in * 300), round(h_in * 300))
    small = render_matrix(points, MatrixOptions(size="slide_16_9"), "png", 96)
    with Image.open(io.BytesIO(small)) as img:
        w_in, h_in = SIZE_PRESETS["slide_16_9"]
        assert img.size == (round(w_in * 96), round(h_in * 96))
    image = matplotlib.image.imread(io.BytesIO(small), format="png")
    assert image.shape[:2] == (round(h_in * 96), round(w_in * 96))


def test_kept_text_metrics_draw_the_same_pixels_as_fresh_ones():
    """The line metrics and shapings kept between drawings (fonts.ChartRenderer) change
    no pixel: a drawing measured and drawn by matplotlib's own renderer, one after
    forgetting what was kept (a fresh worker's first) and one reusing it give the same
    bytes, in both languages and at two dpi."""
    for lang in ("zh", "en"):
        options = MatrixOptions(locale="zh_CN" if lang == "zh" else "en",
                                threshold_x=3.5, threshold_y=3.5)
        for dpi in (300, 96):
            forget_extents()
            with mock.patch.object(ChartRenderer, "get_text_width_height_descent",
                                   RendererAgg.get_text_width_height_descent), \
                    mock.patch.object(ChartRenderer, "draw_text", RendererAgg.draw_text), \
                    mock.patch.object(ChartRenderer, "keep_line_metrics", lambda *_: None):
                measured = render_matrix(seed_points(lang), options, "png", dpi)
            forget_extents()
            assert render_matrix(seed_points(lang), options, "png", dpi) == measured
            assert render_matrix(seed_points(lang), options, "png", dpi) == measured


def test_png_writer_keeps_every_pixel_and_the_dpi():
    """The chart's own PNG writer (RGB, rows unfiltered) decodes to the drawn pixels."""
    rgba = np.random.default_rng(7).integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    data = png_bytes(rgba, 300, {"Title": "Materiality matrix", "Software": None})
    with Image.open(io.BytesIO(data)) as img:
        assert img.mode == "RGB" and img.size == (53, 37)
        assert np.array_equal(np.asarray(img), rgba[..., :3])
        assert img.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert img.info["Title"] == "Materiality matrix" and "Software" not in img.info


def _not_blank(png: bytes) -> bool:
    with Image.open(io.BytesIO(png)) as img:
        grey = np.asarray(img.convert("L"))
    return (grey < 200).mean() > 0.003 and (grey > 240).mean() > 0.5


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return render_matrix(seed_points("zh"), MatrixOptions(threshold_x=3.5, threshold_y=3.5,
                                                           title="实质性议题矩阵"), "pdf")


def test_pdf_reads_with_pypdf_and_is_deterministic(pdf_bytes):
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    w_in, h_in = SIZE_PRESETS["half_a4"]
    assert float(box.width) == pytest.approx(w_in * 72, abs=0.5)
    assert float(box.height) == pytest.approx(h_in * 72, abs=0.5)
    again = render_matrix(seed_points("zh"), MatrixOptions(threshold_x=3.5, threshold_y=3.5,
                                                            title="实质性议题矩阵"), "pdf")
    assert again == pdf_bytes


def test_pdf_rasterises_with_poppler(pdf_bytes, tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm missing: apt-get install poppler-utils")
    (tmp_path / "m.pdf").write_bytes(pdf_bytes)
    args = [pdftoppm, "-r", "50", "-png", "-singlefile", "m.pdf", "m"]
    run = subprocess.run(  # noqa: S603 - fixed arguments, tool found by shutil.which
        args, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == ""  # poppler has no complaint about the fonts
    assert _not_blank((tmp_path / "m.png").read_bytes())


def test_svg_is_self_contained_deterministic_and_rasterises(tmp_path):
    points = seed_points("zh")
    svg = render_matrix(points, MatrixOptions(threshold_x=3.5, threshold_y=3.5), "svg")
    assert svg == render_matrix(points, MatrixOptions(threshold_x=3.5, threshold_y=3.5), "svg")
    text = svg.decode("utf-8")
    assert "<text" not in text and "@font-face" not in text  # glyphs are paths
    assert "安全生产" not in re.sub(r"<!--.*?-->", "", text)  # only in comments: no font needed
    rsvg = shutil.which("rsvg-convert")
    if rsvg is None:
        pytest.skip("rsvg-convert missing: apt-get install librsvg2-bin")
    run = subprocess.run(  # noqa: S603 - fixed arguments, tool found by shutil.which
        [rsvg, "--format=png", "--zoom=0.7"], input=svg, capture_output=True, timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert _not_blank(run.stdout)


def test_numbered_mode_numbers_markers_and_lists_every_topic():
    points = crowded_points(40)
    points[0] = MatrixPoint(**{**points[0].__dict__, "number": 99})
    render = draw_matrix(points, MatrixOptions(locale="en", numbered=True, threshold_x=3.5,
                                               threshold_y=3.5))
    fig = render.figure
    numbers = {t.get_gid(): t.get_text() for t in fig.axes[0].texts
               if (t.get_gid() or "").startswith("number-")}
    assert numbers["number-1"] == "99"
    assert numbers["number-2"] == "2"
    assert len(numbers) == 40
    entries = [t for t in fig.axes[1].texts if (t.get_gid() or "").startswith("entry-")]
    assert len(entries) == 40
    boxes = text_boxes(render, entries)
    assert overlapping_pairs(boxes, boxes, same=True) == []
    figure_box = fig.bbox.extents
    assert (boxes[:, 0] >= figure_box[0]).all() and (boxes[:, 2] <= figure_box[2]).all()
    # Circles cover neither each other nor another topic's point.
    ax = fig.axes[0]
    badges = next(c for c in ax.collections if c.get_gid() == "badges")
    centers = ax.transData.transform(badges.get_offsets())
    half = np.sqrt(badges.get_sizes()[0]) / 2 * fig.dpi / 72
    circles = np.concatenate([centers - half, centers + half], axis=1)
    dots = marker_boxes(render)
    assert overlapping_pairs(circles, circles, same=True) == []
    assert all(i == j for i, j in overlapping_pairs(circles, dots, same=False))
    assert set(render.label_positions) == {p.key for p in points}
    on_point = [render.label_positions[p.key] == pytest.approx((p.x, p.y)) for p in points]
    assert sum(on_point) >= 4  # the isolated ones; crowded ones move aside with a leader
    for size in ("full_a4", "slide_16_9"):
        png = render_matrix(points, MatrixOptions(numbered=True, size=size), "png", 40)
        assert _not_blank(png)


def test_error_bars_are_drawn_and_labels_still_clear():
    points = [
        MatrixPoint(**{**p.__dict__, "x_err": (p.x - 0.3, min(p.x + 0.25, 5)),
                       "y_err": (p.y - 0.2, min(p.y + 0.3, 5))})
        for p in seed_points("zh")
    ]
    render = draw_matrix(points, MatrixOptions(error_bars=True, zoom=True, threshold_x=3.5,
                                               threshold_y=3.5))
    ax = render.figure.axes[0]
    bars = [c for c in ax.collections if c.get_gid() != "markers"]
    assert len(bars) >= 2 * len(points)  # one horizontal and one vertical bar each
    assert_no_collisions(render)
    xmin, xmax = ax.get_xlim()
    assert xmin >= 0.96 and xmin < min(p.x_err[0] for p in points)  # zoomed to the data


def test_editor_set_label_position_is_kept_and_avoided():
    points = seed_points("en")
    pinned = (2.0, 2.0)
    points[5] = MatrixPoint(**{**points[5].__dict__, "label_offset": pinned})
    render = draw_matrix(points, MatrixOptions(locale="en"))
    text = next(t for t in label_texts(render) if t.get_gid() == f"label-{points[5].key}")
    assert text.get_position() == pinned
    assert render.label_positions[points[5].key] == pinned
    assert_no_collisions(render)
    leaders = [ln for ln in render.figure.axes[0].lines if ln.get_gid() == "leader"]
    assert any(ln.get_xdata()[0] == pytest.approx(points[5].x, abs=0.2) for ln in leaders)


def test_zoom_spans_the_data_and_bad_arguments_are_refused():
    render = draw_matrix(seed_points("en"), MatrixOptions(locale="en", zoom=True))
    xmin, _ = render.figure.axes[0].get_xlim()
    assert xmin > 2.0
    with pytest.raises(ValueError):
        render_matrix(seed_points("en"), fmt="gif")
    with pytest.raises(ValueError):
        draw_matrix(seed_points("en"), MatrixOptions(size="a3"))
    empty = render_matrix([], MatrixOptions(numbered=True), "png", 30)
    assert empty.startswith(b"\x89PNG")


def test_custom_category_colours_are_stable_and_distinct():
    def colours(points):
        render = draw_matrix(points, MatrixOptions(locale="en", numbered=True))
        scatter = next(c for c in render.figure.axes[0].collections if c.get_gid() == "markers")
        return {p.category: tuple(scatter.get_facecolors()[i]) for i, p in enumerate(points)}

    base = crowded_points(10)
    first = colours(base)
    assert len(set(first.values())) == len(first)
    assert colours(list(reversed(base))) == first


def test_services_use_no_pyplot_and_no_flask():
    src = Path(__file__).resolve().parents[2] / "src" / "materiality" / "services"
    for path in src.glob("*.py"):
        code = path.read_text(encoding="utf-8")
        assert "pyplot" not in code.replace("never pyplot", "")
        assert not re.search(r"^\s*(import|from)\s+flask", code, re.MULTILINE)
