"""What a staff view's address names, found or answered with 404 (Flask views only)."""
from __future__ import annotations

from flask import abort

from .extensions import db
from .models import Assessment, Method


def double_assessment(assessment_id: int) -> Assessment:
    """The assessment, which must use the double-materiality method (else 404)."""
    assessment = db.get_or_404(Assessment, assessment_id)
    if assessment.method != Method.DOUBLE:
        abort(404)
    return assessment
