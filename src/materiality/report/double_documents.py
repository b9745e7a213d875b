"""A double-materiality assessment's documents for editors: the raw assessor ratings (CSV).

The raw ratings are the rows the scores are computed from (``iro_data.load_iro_ratings``
without deleted responses, and only the criteria that apply to each IRO's kind), one row
per IRO, assessor and criterion, with what the formulas need to know of the IRO. An
assessor is named only by the anonymous id of their response and their rater kind.
Anyone can recompute every IRO score and topic score from this file with the formulas
the methodology note states (tests/test_double_recompute.py does, with plain pandas).
"""
from __future__ import annotations

from flask import abort, request
from flask_babel import get_locale

from ..extensions import db
from ..models import Assessment, Iro, Method, Submission
from ..services.documents.office_files import csv_bytes, normalize_locale
from ..services.scoring.double import CRITERIA, applicable_criteria
from . import bp
from .exports import ExportFile, _stem
from .iro_data import load_iro_ratings
from .routes import _download

#: One row per IRO, assessor and criterion; ``value`` empty is "cannot judge".
RAW_COLUMNS = ("iro_id", "topic_id", "topic", "kind", "actuality", "human_rights",
               "time_horizon", "assessor_id", "rater_kind", "criterion", "value")


def _double(assessment_id: int) -> Assessment:
    """The assessment, which must use the double-materiality method (else 404)."""
    assessment = db.get_or_404(Assessment, assessment_id)
    if assessment.method != Method.DOUBLE:
        abort(404)
    return assessment


def _report_locale() -> str:
    """The report language: ?locale= when given, else the page's language."""
    return normalize_locale(request.args.get("locale") or str(get_locale()))


def assessor_rating_rows(assessment: Assessment, locale: str) -> list[tuple]:
    """The counted assessor ratings as rows in RAW_COLUMNS order (topic names in ``locale``).

    Ordered by IRO, then assessor, then criterion in the order the questionnaire asks them.
    """
    locale = normalize_locale(locale)
    iros = {iro.id: iro for iro in db.session.scalars(
        db.select(Iro).where(Iro.assessment_id == assessment.id))}
    rater_kinds = dict(db.session.execute(
        db.select(Submission.id, Submission.rater_kind)
        .where(Submission.assessment_id == assessment.id)).all())
    order = {c: i for i, c in enumerate(CRITERIA)}
    rows = []
    ratings = load_iro_ratings(assessment.id)
    for iro_id, assessor_id, criterion, value in sorted(
            ratings.itertuples(index=False, name=None),
            key=lambda r: (r[0], r[1], order.get(r[2], len(order)))):
        iro = iros.get(int(iro_id))
        if iro is None or criterion not in applicable_criteria(iro.kind, iro.actuality):
            continue  # a criterion the IRO's kind no longer asks: it counts nowhere
        rows.append((
            iro.id, iro.topic_id, iro.topic.name(locale), iro.kind, iro.actuality or "",
            int(bool(iro.human_rights)), iro.time_horizon, int(assessor_id),
            rater_kinds.get(int(assessor_id)) or "", criterion,
            "" if value != value else int(value),  # NaN: cannot judge
        ))
    return rows


def assessor_ratings_file(assessment: Assessment, locale: str) -> ExportFile:
    """The raw assessor ratings as CSV (UTF-8 with BOM, text guarded against formulas)."""
    locale = normalize_locale(locale)
    content = csv_bytes(RAW_COLUMNS, assessor_rating_rows(assessment, locale))
    return ExportFile(content, f"{_stem(assessment, 'assessor-ratings', locale)}.csv")


@bp.route("/<int:assessment_id>/double/assessor-ratings.csv")
def double_assessor_ratings(assessment_id: int):
    """Every counted assessor rating, one row per IRO, assessor and criterion (?locale=)."""
    return _download(assessor_ratings_file(_double(assessment_id), _report_locale()))
