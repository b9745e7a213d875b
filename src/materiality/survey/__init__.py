"""The respondents' side: questionnaires reached by link or QR code (public)."""
from flask import Blueprint

bp = Blueprint("survey", __name__)

from . import routes  # noqa: E402,F401  (register views)
