"""Forms for the fieldwork pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms_common import Form


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
