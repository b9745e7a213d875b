"""Read a double-materiality assessment's register and assessor ratings as the plain
DataFrames ``services.scoring.double`` scores."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from ..extensions import db
from ..models import Iro, IroRating, Submission

REGISTER_COLUMNS = ["iro_id", "topic_id", "kind", "actuality", "human_rights"]
IRO_RATING_COLUMNS = ["iro_id", "assessor_id", "criterion", "value"]


def load_iro_register(assessment_id: int) -> pd.DataFrame:
    """The assessment's IROs, one row each: iro_id, topic_id, kind, actuality, human_rights."""
    rows = db.session.execute(
        select(Iro.id, Iro.topic_id, Iro.kind, Iro.actuality, Iro.human_rights)
        .where(Iro.assessment_id == assessment_id).order_by(Iro.id)).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=REGISTER_COLUMNS)
    return frame.astype({"iro_id": "int64", "topic_id": "int64", "human_rights": bool})


def load_iro_ratings(assessment_id: int) -> pd.DataFrame:
    """The counted assessor ratings of the assessment's IROs, one row per IRO, assessor
    and criterion: iro_id, assessor_id (the assessor's submission), criterion, value
    (1-5 as float, NaN for "cannot judge"). Deleted responses are left out."""
    rows = db.session.execute(
        select(IroRating.iro_id, IroRating.submission_id, IroRating.criterion, IroRating.value)
        .join(Iro, Iro.id == IroRating.iro_id)
        .join(Submission, Submission.id == IroRating.submission_id)
        .where(Iro.assessment_id == assessment_id, Submission.assessment_id == assessment_id,
               Submission.deleted_at.is_(None))
        .order_by(IroRating.iro_id, IroRating.submission_id, IroRating.criterion)).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=IRO_RATING_COLUMNS)
    return frame.astype({"iro_id": "int64", "assessor_id": "int64", "criterion": object,
                         "value": "float64"})
