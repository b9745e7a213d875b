"""Chart text measured from one shaping of a label equals matplotlib's own measurement."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest
from matplotlib.backends.backend_agg import RendererAgg

from materiality.services.charts import fonts
from materiality.services.charts.fonts import ChartRenderer, font, forget_extents
from materiality.services.charts.point_labels import _wrappings

SEED = Path(__file__).resolve().parents[2] / "src" / "materiality" / "data" / "seed-library.json"

#: Labels a CSR team writes, with what shaping makes of them: ligatures (fi, fl), kerned
#: pairs (AV, To), CJK quotes and brackets, a dash, accents, a character the CJK font
#: lacks (the fallback's), several spaces in a row and digits.
AWKWARD = [
    "Improve profitability", "Fulfil central-SOE duties", "AVAILABLE Towing Wastewater",
    "“双碳”行动", "（供应链）责任管理", "Anti-corruption — whistle-blowing", "L'Oréal-style ﬁnance",
    "Scope 1, 2 & 3 emissions (tCO₂e)", "ESG ⟶ risk", "Two  spaces   here", "2.0 体系 and reporting",
]


def corpus() -> list[str]:
    topics = json.loads(SEED.read_text(encoding="utf-8"))["topics"]
    return [t[lang] for t in topics for lang in ("zh", "en")] + AWKWARD


def lines_of(label: str) -> list[str]:
    return [line for text in _wrappings(label) for line in text.split("\n")]


@pytest.fixture(autouse=True)
def _fresh():
    forget_extents()
    yield
    forget_extents()


@pytest.mark.parametrize(("size", "dpi"), [(9.0, 100), (7.5, 100), (9.0, 300), (6.0, 96)])
def test_lines_read_off_one_shaping_measure_as_matplotlib_does(size, dpi):
    """Every wrapping's lines, kept from one shaping of their label, have the width,
    height and descent matplotlib's renderer measures for them alone. Every line of a
    label wrapped more than one way is kept, except one the wrapping changed (spaces
    run together), which is measured alone as before."""
    renderer = ChartRenderer(10, 10, dpi)
    prop = font(size)
    for label in corpus():
        lines = lines_of(label)
        renderer.keep_line_metrics(prop, label, lines)
        for line in dict.fromkeys(lines):
            found = fonts._METRICS.get((line, prop, False, dpi))
            assert (found is None) == (len(set(lines)) == 1 or line not in label), (label, line)
            if found is not None:
                assert found == RendererAgg.get_text_width_height_descent(
                    renderer, line, prop, False), (label, line)


def test_a_ligature_splits_only_between_words():
    """Where shaping joins characters (the "fi" of "profitability"), the lines are read
    at the spaces, which no ligature spans; a break inside the ligature is measured
    alone, by matplotlib."""
    renderer = ChartRenderer(10, 10, 100)
    prop = font(9.0)
    renderer.keep_line_metrics(prop, "Improve profitability", ["Improve", "profitability",
                                                               "Improve profi", "tability"])
    assert ("Improve", prop, False, 100) in fonts._METRICS
    assert ("profitability", prop, False, 100) in fonts._METRICS
    assert ("Improve profi", prop, False, 100) not in fonts._METRICS
    assert ("tability", prop, False, 100) not in fonts._METRICS


def test_nothing_is_read_off_a_shaping_when_matplotlib_measures_otherwise():
    """The first use checks the reading against matplotlib's own measurement: a
    matplotlib that measures lines some other way (a new release) is left to do so."""
    renderer = ChartRenderer(10, 10, 100)
    prop = font(9.0)
    with mock.patch.object(fonts, "_ONE_SHAPING", []), mock.patch.object(
            RendererAgg, "get_text_width_height_descent", return_value=(1.0, 2.0, 0.5)):
        renderer.keep_line_metrics(prop, "Customer information protection",
                                   lines_of("Customer information protection"))
        assert fonts._ONE_SHAPING == [False]
    assert not fonts._METRICS
