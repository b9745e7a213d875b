"""The importance scale's radio buttons, built in Python.

The survey page shows six options for each of 25 or more topics; building them
in Jinja cost most of the page's rendering time (the load benchmark showed it),
so the labels are escaped once per page and each topic's group is one join.
"""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape


class ScaleRenderer:
    """Renders one topic's scale; labels escaped once for the whole page."""

    def __init__(self, options: Sequence[tuple[str, str, str]]) -> None:
        #: (value, label, extra CSS class) in display order; a Markup label is kept as is
        self._options = [(str(escape(value)), str(escape(label)), extra)
                         for value, label, extra in options]

    def __call__(self, name: str, current: str | None) -> Markup:
        """The radio buttons of one question, with ``current`` checked."""
        name = str(escape(name))
        # Every piece was escaped above or is a constant of ours.
        return Markup("".join(  # noqa: S704
            f'<label class="scale-option{extra}"><input type="radio" name="{name}" '
            f'value="{value}"{" checked" if value == current else ""}> <span>{label}</span></label>'
            for value, label, extra in self._options
        ))
