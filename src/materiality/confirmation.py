"""A confirm step before every act that deletes something or changes a state.

One mechanism for all of them. A route that needs it takes GET and POST and is
decorated with ``confirm_step(describe)``; ``describe`` takes the route's values and
says, with real figures, what will happen (an ``Act``).

- Without script, the page links to the route: GET shows the confirm page (what will
  happen, a confirm button, a way back); its form POSTs with ``confirmed=yes``.
- With script (``static/js/confirm.js``), the same link opens a native ``<dialog>``
  holding the confirm page's box, fetched from the same address: one text, one place.
- A POST without ``confirmed=yes`` (an old page's one-tap button, a script) does nothing
  and is sent to the confirm page.

``tests/test_confirmations.py`` walks the URL map: every POST route either has this step
or is listed there as exempt, with the reason.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import wraps

from flask import redirect, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from .forms_common import ConfirmForm

#: The value the confirm page's form sends in ``confirmed``.
CONFIRMED = "yes"


@dataclass(frozen=True)
class Act:
    """What a confirm step says, all in the reader's language."""

    #: The question, naming the thing: "Close the link for 客户?"
    question: str
    #: What will happen, with figures: "37 people have answered; no one else can."
    consequence: str
    #: The confirm button: "Close the link".
    button: str
    #: Where Cancel goes (the page the act was started from).
    cancel: str
    #: Destroys or stops something (the button is drawn as a warning).
    danger: bool = False
    #: Facts shown above the question, (term, value).
    facts: Sequence[tuple[str, str]] = ()
    #: The label of a required reason (kept in the trail), or None when none is asked.
    reason: str | None = None
    #: Why the act cannot be done now; then no confirm button is shown.
    refused: str | None = None
    #: Values posted along with the confirmation (such as the matrix's language).
    keep: Mapping[str, str] = field(default_factory=dict)


class ReasonConfirmForm(ConfirmForm):
    """A confirmation that must say why (the reason goes to the trail)."""

    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Write the reason for this change; it is kept in the trail.")),
        Length(max=2000)])


def confirm_form(act: Act) -> ConfirmForm:
    """The form of an act's confirm page: the CSRF token, and the reason when one is asked."""
    if act.reason is None:
        return ConfirmForm()
    form = ReasonConfirmForm()
    form.reason.label.text = act.reason
    return form


def confirm_step(describe: Callable[..., Act]) -> Callable[[Callable], Callable]:
    """Decorate a GET+POST view: GET shows the confirm page, POST acts once confirmed.

    The view runs only on a POST carrying ``confirmed=yes`` and a valid form (CSRF, and the
    reason when the act asks one); an invalid one shows the confirm page again with its
    errors, and nothing changes.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def confirmed_view(**values):  # noqa: ANN003, ANN202
            act = describe(**values)
            form = confirm_form(act)
            status = 200
            if request.method == "POST":
                if request.form.get("confirmed") != CONFIRMED:
                    # Not a confirmation: ask first (GET keeps the query, such as ?locale=).
                    return redirect(request.full_path.rstrip("?"), 303)
                if act.refused is None and form.validate_on_submit():
                    return view(**values)
                status = 409 if act.refused else 400
            return render_template("confirm.html", act=act, form=form), status

        confirmed_view.confirm_step = describe  # type: ignore[attr-defined]
        return confirmed_view

    return decorate


def has_confirm_step(view: Callable | None) -> bool:
    """True when a view asks for confirmation first (for the URL-map test)."""
    return getattr(view, "confirm_step", None) is not None
