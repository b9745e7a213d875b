"""Forms of the report pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms_common import ConfirmForm, Form


class ScoringSettingsForm(Form):
    """Thresholds of the tiers and weights of the company-side rater kinds."""

    threshold_mode = SelectField(_l("How tiers are cut"), choices=[
        SelectChoice("mean", _l("Mean of all topics")),
        SelectChoice("midpoint", _l("Midpoint of the scale (3.0)")),
        SelectChoice("value", _l("Given values")),
        SelectChoice("top_n", _l("Top N topics")),
        SelectChoice("quantile", _l("Quantile of the scores")),
    ])
    threshold_company = FloatField(_l("Threshold: importance to the company"),
                                   validators=[Optional(), NumberRange(1, 5)])
    threshold_stakeholder = FloatField(_l("Threshold: importance to stakeholders"),
                                       validators=[Optional(), NumberRange(1, 5)])
    top_n = IntegerField(_l("N (top N)"), validators=[Optional(), NumberRange(1, 500)])
    quantile = FloatField(_l("Quantile (0 to 1)"),
                          validators=[Optional(), NumberRange(0, 1)])
    weight_management = FloatField(_l("Weight: management"),
                                   validators=[InputRequired(), NumberRange(0, 1000)])
    weight_internal_expert = FloatField(_l("Weight: internal experts"),
                                        validators=[InputRequired(), NumberRange(0, 1000)])
    weight_external_expert = FloatField(_l("Weight: external experts"),
                                        validators=[InputRequired(), NumberRange(0, 1000)])
    reason = TextAreaField(_l("Reason for the change (kept in the trail)"), id="settings_reason",
                           validators=[Optional(), Length(max=2000)])


class DoubleSettingsForm(Form):
    """How a double-materiality assessment is scored (fields named as the columns)."""

    dm_aggregate = SelectField(_l("Criterion value from the assessors’ ratings"), choices=[
        SelectChoice("mean", _l("Mean")), SelectChoice("median", _l("Median"))])
    dm_combine = SelectField(_l("Severity (or magnitude) with likelihood"), choices=[
        SelectChoice("geometric", _l("Geometric mean √(a × b)")),
        SelectChoice("arithmetic", _l("Arithmetic mean (a + b) / 2")),
        SelectChoice("product", _l("Product a × b ÷ 5")),
    ])
    dm_threshold_mode = SelectField(_l("Thresholds"), choices=[
        SelectChoice("value", _l("Given values")),
        SelectChoice("midpoint", _l("Midpoint of the scale (3.0)")),
        SelectChoice("mean", _l("Mean of all topics")),
        SelectChoice("quantile", _l("Quantile of the scores")),
        SelectChoice("top_n", _l("Top N topics")),
    ])
    dm_threshold_impact = FloatField(_l("Threshold: impact materiality"),
                                     validators=[Optional(), NumberRange(0, 5)])
    dm_threshold_financial = FloatField(_l("Threshold: financial materiality"),
                                        validators=[Optional(), NumberRange(0, 5)])
    dm_top_n = IntegerField(_l("N (top N)"), validators=[Optional(), NumberRange(1, 500)])
    dm_quantile = FloatField(_l("Quantile (0 to 1)"), validators=[Optional(), NumberRange(0, 1)])
    reason = TextAreaField(_l("Reason for the change (kept in the trail)"),
                           validators=[Optional(), Length(max=2000)])


class OverrideForm(Form):
    """An admin's company score for one topic, with the reason."""

    topic_id = SelectField(_l("Topic"), coerce=int, validate_choice=True)
    score = FloatField(_l("Company score (1–5)"),
                       validators=[InputRequired(), NumberRange(1, 5)])
    # Its own id: the scoring settings' form on the same page has a reason too.
    reason = TextAreaField(_l("Reason (kept and shown)"), id="override_reason",
                           validators=[DataRequired(), Length(max=2000)])


class RemoveOverrideForm(Form):
    """Go back to the computed company score, saying why."""

    reason = TextAreaField(_l("Why the override is removed"),
                           validators=[DataRequired(), Length(max=2000)])


class PromoteForm(Form):
    """Make a stakeholder's open answer one of the group's expectations."""

    submission_id = HiddenField(validators=[DataRequired()])
    field = HiddenField(validators=[DataRequired()])


class MatrixOptionsForm(Form):
    """Options of the matrix preview and downloads (read from the query string)."""

    class Meta:
        csrf = False

    locale = SelectField(_l("Language"),
                         choices=[SelectChoice("zh_CN", "中文"), SelectChoice("en", "English")])
    size = SelectField(_l("Size"), choices=[
        SelectChoice("half_a4", _l("Half A4")),
        SelectChoice("full_a4", _l("Full A4")),
        SelectChoice("slide_16_9", _l("16:9 slide")),
    ])
    dpi = SelectField(_l("PNG resolution (DPI)"), coerce=int,
                      choices=[SelectChoice(d, str(d)) for d in (150, 300, 600)], default=300)
    error_bars = BooleanField(_l("Show confidence intervals (95%)"))
    numbered = BooleanField(_l("Numbered markers with a key"))
    zoom = BooleanField(_l("Zoom to the data"))
    #: Choices (the assessments sharing topics) are set by the view.
    compare = SelectField(_l("Arrows from an earlier assessment"), choices=[])
    axes = SelectField(_l("Axes when comparing"), choices=[
        SelectChoice("fixed", _l("Fixed: the whole scale 1–5")),
        SelectChoice("union", _l("Both assessments' range")),
    ])


class BaselineForm(Form):
    """The assessment to compare with (read from the query string)."""

    class Meta:
        csrf = False

    #: Choices (the assessments sharing topics) are set by the view.
    baseline = SelectField(_l("Compare with"), choices=[])


__all__ = ["BaselineForm", "ConfirmForm", "DoubleSettingsForm", "MatrixOptionsForm",
           "OverrideForm", "PromoteForm", "ScoringSettingsForm"]
