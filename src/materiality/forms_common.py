"""Input checks at the web's edge: every staff form, every id in an address, query numbers.

The rules themselves (which characters, which numbers, which years) live in
``services.input_checks``; this module applies them to WTForms and to the URL map.
"""
from __future__ import annotations

import re
from datetime import date

from flask import Flask, abort, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter, Map
from wtforms import PasswordField, SelectField, StringField, TextAreaField

from .services.input_checks import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_INT,
    has_control_characters,
    parse_int,
    remove_control_characters,
    year_in_range,
)

CONTROL_CHARACTERS_MESSAGE = _l(
    "This text contained invisible control characters (such as NUL, or a line break in a "
    "one-line field). They were removed: check the text and save again.")
_DIGITS = re.compile(r"-?[0-9]+")
YEAR_MESSAGE = _l("Enter a date between %(first)s and %(last)s.")


class ValidMarkup:
    """Field rendering that keeps a page valid HTML however many forms it holds.

    - The CSRF token's hidden input has no id: a page of row buttons (one small form
      each) repeated id="csrf_token" dozens of times.
    - A one-choice select whose first option is a real choice is not marked "required":
      the browser always sends a choice, and HTML wants a required select to start
      with an empty placeholder option.
    """

    def render_field(self, field, render_kw):  # noqa: ANN001, ANN201
        if field.type == "CSRFTokenField":
            render_kw = {**render_kw, "id": False}
        elif (isinstance(field, SelectField) and field.choices
              and not getattr(field.widget, "multiple", False)
              and str(next(iter(field.iter_choices()))[0]) != ""):
            render_kw = {"required": False, **render_kw}
        return super().render_field(field, render_kw)


class Form(FlaskForm):
    """A FlaskForm that refuses control characters in every text field and far-off dates.

    One check for all fields, so a new field cannot forget it. A refused text is shown
    again without those characters, so saving once more keeps everything else typed.
    Passwords are left as typed (they are never shown again). Rendered by
    :class:`ValidMarkup`.
    """

    class Meta(ValidMarkup):
        pass

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators)
        for field in self:
            data = field.data
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                multiline = isinstance(field, TextAreaField)
                if isinstance(data, str) and has_control_characters(data, multiline):
                    field.data = remove_control_characters(data, multiline)
                    field.errors = [*field.errors, CONTROL_CHARACTERS_MESSAGE]
                    valid = False
            elif isinstance(data, date) and not year_in_range(data):
                field.errors = [*field.errors, YEAR_MESSAGE % {"first": FIRST_YEAR,
                                                               "last": LAST_YEAR}]
                valid = False
        return valid


class ConfirmForm(Form):
    """Only the CSRF token: for buttons that change something."""


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: ASCII digits up to the database's largest id.

    Werkzeug's own converter takes any Unicode digit and any size, and a 30-digit
    id then overflows the database driver (a server error instead of a 404).
    """

    regex = r"[0-9]+"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_INT, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def query_int(name: str, default: int | None = None, minimum: int = 1,
              maximum: int = MAX_INT) -> int | None:
    """An integer from the query string: ``default`` when absent or not a number, a 404
    when a number out of bounds (``?page=10**30`` overflowed the database)."""
    raw = request.args.get(name, "")
    value = parse_int(raw, minimum, maximum)
    if value is None and _DIGITS.fullmatch(raw):
        abort(404)
    return default if value is None else value


def query_text(name: str, max_length: int = 200) -> str:
    """A one-line text from the query string (a search), without control characters."""
    return remove_control_characters(request.args.get(name, ""))[:max_length].strip()


def register_input_checks(app: Flask) -> None:
    """Bounded ids in addresses, and no control characters in any part of a path.

    Runs before the blueprints add their routes (their rules bind the converter).
    """
    app.url_map.converters["int"] = IdConverter

    @app.url_value_preprocessor
    def refuse_control_characters(endpoint: str | None, values: dict | None) -> None:
        # The survey looks its links and codes up in the database as given, and a NUL
        # in /s/<token> made it fail (a server error). Other views verify a signature
        # first (reset links) or compare with a fixed list (languages).
        if not (endpoint or "").startswith("survey."):
            return
        for value in (values or {}).values():
            if isinstance(value, str) and (has_control_characters(value) or len(value) > 500):
                # The survey's own "not found" page, sent like the survey's others.
                page = make_response(render_template("survey/closed.html", reason="unknown"), 404)
                page.headers["Cache-Control"] = "no-store"
                abort(page)
