"""The respondents' side: questionnaires reached by link or QR code (public)."""
from flask import Blueprint

bp = Blueprint("survey", __name__)


@bp.context_processor
def organisation_context() -> dict:
    """Who is asking, for the header and footer of every survey page (survey/layout.html)."""
    from ..i18n import locale_code
    from ..organisation import shown_organisation

    return {"organisation": shown_organisation(locale_code())}


from . import routes  # noqa: E402,F401  (register views)
