"""Login, password change and password reset forms; the email and password rules they share."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .operations import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, InvalidEmail, normalise_email

#: Shown by every form and by ``create-user`` for an address the login form refuses.
INVALID_EMAIL = _l("Enter a valid email address, like name@example.org.")
#: Shown wherever a new password is too short or too long.
PASSWORD_LENGTH = _l("The password needs %(min)s to %(max)s characters.",
                     min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)
#: The help text under every new-password field.
PASSWORD_HINT = _l("At least %(count)s characters.", count=MIN_PASSWORD_LENGTH)


def staff_email(form, field) -> None:  # noqa: ANN001
    """A WTForms validator: the address rule of auth.operations.normalise_email."""
    try:
        normalise_email(field.data)
    except InvalidEmail as error:
        raise ValidationError(INVALID_EMAIL) from error


def new_password_validators() -> list:
    """The rules every new password follows (users page, password change, reset)."""
    return [DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=PASSWORD_LENGTH)]


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), staff_email])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    new_password = PasswordField(_l("New password"), validators=new_password_validators(),
                                 description=PASSWORD_HINT)
    new_password_again = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))])
    submit = SubmitField(_l("Set password"))


class ChangePasswordForm(NewPasswordForm):
    """The current password, then a new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    submit = SubmitField(_l("Change password"))
