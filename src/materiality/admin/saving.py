"""Saving staff forms: blank text is stored as NULL, a duplicate becomes a field error."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError
from wtforms import Field

from ..extensions import db


def copy_text_fields(form, target: object, names: Iterable[str]) -> None:  # noqa: ANN001
    """Copy stripped text from the form; an empty field becomes NULL (the other language shows)."""
    for name in names:
        setattr(target, name, (form[name].data or "").strip() or None)


def commit_or_flag_duplicate(field: Field, message: str) -> bool:
    """Commit; on a UNIQUE violation roll back, put ``message`` next to ``field``, return False."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        field.errors.append(message)
        return False
    db.session.commit()
    return True
