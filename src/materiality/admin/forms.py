"""Forms for CSR staff's pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.forms import PASSWORD_HINT, new_password_validators, staff_email
from ..forms_common import ConfirmForm, Form


def _either_language(zh_field: str, en_field: str, message=None):  # noqa: ANN001
    """A validator: at least one of the two language versions is filled in."""

    def check(form, field):  # noqa: ANN001, ANN202
        if not (form[zh_field].data or "").strip() and not (form[en_field].data or "").strip():
            raise ValidationError(message or _l("Give the name in Chinese or in English (or both)."))

    return check


class TopicForm(Form):
    """Create or edit a topic."""

    name_zh = StringField(_l("Name (Chinese)"), validators=[
        _either_language("name_zh", "name_en"), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Length(max=4000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=4000)])
    category_id = SelectField(_l("Category"), coerce=int, validators=[InputRequired()])
    cass_codes = StringField(_l("CASS-CSR 4.0 indicators"), validators=[Length(max=200)],
                             description=_l("e.g. S2.1, S2.3"))
    gri_codes = StringField(_l("GRI disclosures"), validators=[Length(max=200)],
                            description=_l("e.g. GRI 403-1"))
    esrs_codes = StringField(_l("ESRS references"), validators=[Length(max=200)],
                             description=_l("e.g. S1, E1-6"))
    guideline_codes = StringField(
        _l("Exchanges' guideline articles"), validators=[Length(max=200)],
        description=_l("Articles of the 2024 sustainability reporting guideline of the "
                       "Shanghai, Shenzhen and Beijing exchanges, e.g. 第30条"))
    submit = SubmitField(_l("Save"))


class CategoryForm(Form):
    """Add a topic category."""

    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)],
                      description=_l("Lower-case letters, e.g. supply_chain"))
    name_zh = StringField(_l("Name (Chinese)"), validators=[
        _either_language("name_zh", "name_en"), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=100)])
    submit = SubmitField(_l("Add category"))

    def validate_key(self, field):  # noqa: ANN001
        import re

        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", field.data or ""):
            raise ValidationError(_l("Use lower-case letters, digits and underscores."))


class ImportForm(Form):
    """Upload a topic library file."""

    file = FileField(_l("CSV or XLSX file"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files can be imported.")),
    ])
    submit = SubmitField(_l("Import"))


class TemplateForm(Form):
    """Pick a topic template; its choices are set by the view."""

    template = SelectField(_l("Template"), validators=[InputRequired()])
    submit = SubmitField(_l("Add its new topics"))


class GroupForm(Form):
    """Create or edit a stakeholder group."""

    name_zh = StringField(_l("Name (Chinese)"), validators=[
        _either_language("name_zh", "name_en"), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    weight = FloatField(_l("Weight in the stakeholder score"), default=1.0,
                        validators=[InputRequired(), NumberRange(min=0.01, max=100)],
                        description=_l("1 for every group gives equal weights."))
    invitation_only = BooleanField(
        _l("Answers by single-use invitation code only (e.g. board, regulator)"))
    submit = SubmitField(_l("Save"))


class StatementForm(Form):
    """One expectation or response, in both languages."""

    text_zh = TextAreaField(_l("Text (Chinese)"), validators=[
        _either_language("text_zh", "text_en"), Length(max=1000)])
    text_en = TextAreaField(_l("Text (English)"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Save"))


class AssessmentForm(Form):
    """Create or edit an assessment."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("In Chinese, or the only title."))
    title_en = StringField(_l("Title in English"), validators=[Length(max=200)],
                           description=_l("Shown to English readers; without it they see "
                                          "the title above."))
    method = SelectField(_l("Method"), default="classic", choices=[
        SelectChoice("classic", _l("Classic: importance to stakeholders and to the company")),
        SelectChoice("double", _l("Double materiality: impacts, risks and opportunities")),
    ], description=_l("Fixed once the assessment has responses."))
    reporting_year = IntegerField(_l("Reporting year"), validators=[
        InputRequired(), NumberRange(min=1990, max=2100)])
    opens_on = DateField(_l("Survey opens on"), validators=[Optional()])
    closes_on = DateField(_l("Survey closes on"), validators=[Optional()])
    intro_zh = TextAreaField(_l("Survey introduction (Chinese)"), validators=[Length(max=4000)])
    intro_en = TextAreaField(_l("Survey introduction (English)"), validators=[Length(max=4000)])
    privacy_zh = TextAreaField(_l("Privacy note (Chinese)"), validators=[Length(max=4000)])
    privacy_en = TextAreaField(_l("Privacy note (English)"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))

    def validate_closes_on(self, field):  # noqa: ANN001
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date is before the opening date."))


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without script)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IroForm(Form):
    """One impact, risk or opportunity of the register; choices are set by the view."""

    topic_id = SelectField(_l("Topic"), coerce=int, validators=[InputRequired()])
    kind = SelectField(_l("Kind"), choices=[
        SelectChoice("negative_impact", _l("Negative impact")),
        SelectChoice("positive_impact", _l("Positive impact")),
        SelectChoice("risk", _l("Risk")),
        SelectChoice("opportunity", _l("Opportunity")),
    ])
    actuality = SelectField(_l("Actual or potential (impacts)"), choices=[
        SelectChoice("", _l("— (risks and opportunities)")),
        SelectChoice("actual", _l("Actual")),
        SelectChoice("potential", _l("Potential")),
    ])
    human_rights = BooleanField(_l("Concerns human rights (negative impacts)"))
    upstream = BooleanField(_l("Upstream"))
    own_operations = BooleanField(_l("Own operations"))
    downstream = BooleanField(_l("Downstream"))
    time_horizon = SelectField(_l("Time horizon"))
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[
        _either_language("description_zh", "description_en",
                         _l("Describe it in Chinese or in English (or both).")), Length(max=4000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=4000)])
    group_ids = MultiCheckboxField(_l("Stakeholder groups affected"), coerce=int,
                                   validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def validate_actuality(self, field):  # noqa: ANN001
        if self.kind.data in ("negative_impact", "positive_impact") and not field.data:
            raise ValidationError(_l("Say whether the impact is actual or potential."))
        if self.kind.data in ("risk", "opportunity") and field.data:
            raise ValidationError(_l("Risks and opportunities are neither actual nor potential: "
                                     "leave this empty."))

    def validate_human_rights(self, field):  # noqa: ANN001
        if field.data and self.kind.data != "negative_impact":
            raise ValidationError(_l("Only a negative impact can concern human rights here."))

    def validate_upstream(self, field):  # noqa: ANN001
        if not (field.data or self.own_operations.data or self.downstream.data):
            raise ValidationError(_l("Tick at least one stage of the value chain."))


class HorizonsForm(Form):
    """Where an assessment's short and medium terms end, in years."""

    horizon_short_years = IntegerField(_l("Short term ends after (years)"), validators=[
        InputRequired(), NumberRange(min=1, max=50)])
    horizon_medium_years = IntegerField(_l("Medium term ends after (years)"), validators=[
        InputRequired(), NumberRange(min=2, max=100)])
    submit = SubmitField(_l("Save time horizons"))

    def validate_horizon_medium_years(self, field):  # noqa: ANN001
        short = self.horizon_short_years.data
        if field.data is not None and short is not None and field.data <= short:
            raise ValidationError(_l("The medium term must end after the short term."))


class CopyAssessmentForm(Form):
    """Copy an assessment, e.g. last year's, into a new one."""

    title = StringField(_l("Title of the new assessment"), validators=[
        DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=200)])
    reporting_year = IntegerField(_l("Reporting year"), validators=[
        InputRequired(), NumberRange(min=1990, max=2100)])
    submit = SubmitField(_l("Copy"))


class GroupWeightsForm(Form):
    """An assessment's own group weights (one number per group, read from the request)."""

    reason = TextAreaField(_l("Reason for the change (kept in the trail)"),
                           validators=[Length(max=2000)])
    submit = SubmitField(_l("Save weights"))


class UserForm(Form):
    """Add a staff account."""

    email = EmailField(_l("Email"), validators=[DataRequired(), staff_email])
    role = SelectField(_l("Role"), choices=[
        SelectChoice("editor", _l("Editor: reads results, exports")),
        SelectChoice("admin", _l("Admin: configures everything")),
    ])
    password = PasswordField(_l("Password"), validators=new_password_validators(),
                             description=PASSWORD_HINT)
    submit = SubmitField(_l("Add user"))


class OrganisationForm(Form):
    """The organisation's profile: who respondents and readers are told is asking."""

    name_zh = StringField(_l("Name (Chinese)"), validators=[Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    contact_zh = StringField(_l("Contact line (Chinese)"), validators=[Length(max=300)],
                             description=_l("e.g. who answers questions about the survey, "
                                            "and how to reach them"))
    contact_en = StringField(_l("Contact line (English)"), validators=[Length(max=300)])
    privacy_zh = TextAreaField(_l("Privacy notice (Chinese)"), validators=[Length(max=4000)])
    privacy_en = TextAreaField(_l("Privacy notice (English)"), validators=[Length(max=4000)])
    logo = FileField(_l("Logo"), description=_l(
        "PNG or JPEG, at most 1 MB and 2000 × 2000 pixels. It is stored without its "
        "metadata."))
    remove_logo = BooleanField(_l("Remove the logo"))
    submit = SubmitField(_l("Save"))


class ReasonForm(Form):
    """A POST that must say why."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Confirm"))


__all__ = [
    "AssessmentForm", "CategoryForm", "ConfirmForm", "CopyAssessmentForm",
    "GroupForm", "GroupWeightsForm", "HorizonsForm", "ImportForm", "IroForm",
    "OrganisationForm", "ReasonForm",
    "StatementForm", "TemplateForm", "TopicForm", "UserForm",
]
