"""Staff's side of the surveys: links, invitation codes, QR posters, responses."""
from flask import Blueprint

bp = Blueprint("fieldwork", __name__, url_prefix="/fieldwork")

from . import assessors, routes  # noqa: E402,F401  (register views)
