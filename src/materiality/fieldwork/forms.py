"""Forms for the fieldwork pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms_common import Form
from ..services.scoring.anchors import CRITERIA, LANGUAGES, LEVELS, MAX_ANCHOR_LENGTH


class CodesForm(Form):
    """Generate N single-use invitation codes for a link."""

    count = IntegerField(_l("Number of codes"), default=10,
                         validators=[InputRequired(), NumberRange(min=1, max=1000)])
    note = StringField(_l("Note for staff (optional)"), validators=[Length(max=200)],
                       description=_l("e.g. Board meeting, 12 March"))
    submit = SubmitField(_l("Generate codes"))


class ClosingForm(Form):
    """Set or clear the moment a link closes, entered in the app's time zone."""

    closes_at = DateTimeLocalField(_l("Closes at"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional()])
    submit = SubmitField(_l("Save"))


class AssessorLinkForm(Form):
    """Add an assessor link to a double-materiality assessment."""

    rater_kind = SelectField(_l("Assessors"), choices=[
        SelectChoice("", _l("Each assessor says (management, internal or external expert)")),
        SelectChoice("management", _l("Management")),
        SelectChoice("internal_expert", _l("Internal expert")),
        SelectChoice("external_expert", _l("External expert")),
    ], default="")
    submit = SubmitField(_l("Add an assessor link"))


def _anchor_fields() -> dict[str, object]:
    """One text per criterion, level and language ("scale_3_zh"), empty for the default."""
    return {anchor_field(criterion, level, language): TextAreaField(
                validators=[Optional(), Length(max=MAX_ANCHOR_LENGTH)])
            for criterion in CRITERIA for level in LEVELS for language in LANGUAGES}


def anchor_field(criterion: str, level: int, language: str) -> str:
    """The anchors form's field for one level of one criterion in one language."""
    return f"{criterion}_{level}_{language}"


#: The wording of every level of every criterion an assessor rates; empty keeps the default.
AnchorsForm = type("AnchorsForm", (Form,), {
    **_anchor_fields(),
    "reason": StringField(_l("Reason for the change (optional, kept in the trail)"),
                          validators=[Length(max=500)]),
    "submit": SubmitField(_l("Save the wording")),
})
