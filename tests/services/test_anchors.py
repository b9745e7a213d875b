"""The criteria an assessor rates and the written anchors of their levels."""
import pytest

from materiality.services.scoring.anchors import (
    CRITERIA,
    CRITERION_NAMES,
    CRITERION_QUESTIONS,
    DEFAULT_ANCHORS,
    LANGUAGES,
    LEVELS,
    MAX_ANCHOR_LENGTH,
    anchor_text,
    criteria_for,
    merged_anchors,
)


def test_every_level_of_every_criterion_has_both_languages_within_the_column():
    assert set(DEFAULT_ANCHORS) == set(CRITERIA) == set(CRITERION_NAMES) == set(
        CRITERION_QUESTIONS)
    for criterion, levels in DEFAULT_ANCHORS.items():
        assert tuple(levels) == LEVELS, criterion
        texts = [levels[level][language] for level in LEVELS for language in LANGUAGES]
        assert all(0 < len(text) <= MAX_ANCHOR_LENGTH for text in texts), criterion
        assert len(set(texts)) == len(texts), criterion


@pytest.mark.parametrize(("kind", "actuality", "human_rights", "expected"), [
    ("negative_impact", "actual", False, ("scale", "scope", "irremediable")),
    ("negative_impact", "potential", False, ("scale", "scope", "irremediable", "likelihood")),
    ("negative_impact", "potential", True, ("scale", "scope", "irremediable", "likelihood")),
    ("positive_impact", "actual", False, ("scale", "scope")),
    ("positive_impact", "potential", False, ("scale", "scope", "likelihood")),
    ("risk", None, False, ("magnitude", "likelihood")),
    ("opportunity", None, False, ("magnitude", "likelihood")),
])
def test_criteria_per_kind(kind, actuality, human_rights, expected):
    assert criteria_for(kind, actuality, human_rights) == expected


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        criteria_for("rumour", None, False)


def test_overrides_replace_only_the_language_given():
    anchors = merged_anchors([
        {"criterion": "scale", "level": 3, "text_zh": "  自定义  ", "text_en": ""},
        {"criterion": "likelihood", "level": 5, "text_zh": None, "text_en": "Certain"},
    ])
    assert anchors["scale"][3] == {"zh": "自定义", "en": DEFAULT_ANCHORS["scale"][3]["en"]}
    assert anchors["likelihood"][5] == {"zh": DEFAULT_ANCHORS["likelihood"][5]["zh"],
                                        "en": "Certain"}
    assert anchors["scope"] == DEFAULT_ANCHORS["scope"]
    assert anchor_text(anchors, "likelihood", 5, "en") == "Certain"
    assert anchor_text(anchors, "scale", 3, "zh_Hans_CN") == "自定义"
    assert merged_anchors() == DEFAULT_ANCHORS
    # the defaults themselves are never changed by a merge
    assert DEFAULT_ANCHORS["scale"][3]["zh"] != "自定义"


@pytest.mark.parametrize("row", [
    {"criterion": "severity", "level": 1, "text_zh": "x", "text_en": "x"},
    {"criterion": "scale", "level": 6, "text_zh": "x", "text_en": "x"},
])
def test_overrides_of_unknown_anchors_are_refused(row):
    with pytest.raises(ValueError):
        merged_anchors([row])
