"""CSR staff's pages: the topic library, stakeholder groups, assessments and users.

Every view here is for admins only (see auth.access.ADMIN_BLUEPRINTS).
"""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import assessments, groups, iros, organisation, topics, users  # noqa: E402,F401  (register views)
