"""The respondents' side: questionnaires reached by link or QR code (public)."""
from flask import Blueprint

bp = Blueprint("survey", __name__)
