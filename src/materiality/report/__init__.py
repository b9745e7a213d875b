"""Editors' side: scores, the materiality matrix, the report's tables and exports."""
from flask import Blueprint

bp = Blueprint("report", __name__, url_prefix="/report")

from . import double, double_documents, matrix_pages, routes  # noqa: E402,F401  (register views)
