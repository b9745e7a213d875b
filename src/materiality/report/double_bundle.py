"""The double-materiality part of the reproducibility bundle (see :mod:`.bundle`).

A double-materiality assessment is decided by more than the classic part carries: its
register of impacts, risks and opportunities (with the groups each affects), the
assessors' ratings of each IRO's criteria, and the assessment's own wording of the
criteria's scales (which the methodology note prints). :func:`double_files` packs them,
the assessors renumbered like every respondent; :func:`load_double` puts them back with
their ids; :func:`double_reproduced_files` exports the files they decide, with the same
functions the report pages use.
"""
from __future__ import annotations

import csv
import io

import pandas as pd
from sqlalchemy import insert

from ..extensions import db
from ..models import Assessment, CriterionAnchor, Iro, IroRating, Submission
from ..models.iro import iro_stakeholder_group
from ..services.documents import bundle as container
from ..services.documents.bundle import Bundle
from .bundle_rows import column_values, csv_data, row_data
from .double_data import double_report_data, iro_table_file, material_topics_file
from .double_data import matrix_file as double_matrix_file
from .double_documents import double_methodology_file
from .exports import LOCALES, ExportFile, MatrixChoice

IRO_RATING_COLUMNS = ["respondent", "iro_id", "criterion", "value"]


def double_files(assessment: Assessment, respondent: dict[int, int]) -> dict[str, bytes]:
    """The register, the assessors' ratings (by respondent number: ``respondent`` maps
    submission ids to theirs) and the anchors, as bundle files."""
    iros = list(db.session.scalars(db.select(Iro).where(Iro.assessment_id == assessment.id)
                                   .order_by(Iro.id)))
    ratings = pd.DataFrame(db.session.execute(
        db.select(IroRating.submission_id, IroRating.iro_id, IroRating.criterion,
                  IroRating.value)
        .join(Submission, Submission.id == IroRating.submission_id)
        .join(Iro, Iro.id == IroRating.iro_id)
        .where(Iro.assessment_id == assessment.id, Submission.assessment_id == assessment.id,
               Submission.deleted_at.is_(None))  # the ratings the scores count (iro_data)
    ).all(), columns=IRO_RATING_COLUMNS)
    ratings["respondent"] = ratings["respondent"].map(respondent)
    ratings["value"] = ratings["value"].astype("Int64")
    ratings = ratings.sort_values(["respondent", "iro_id", "criterion"], kind="stable")
    anchors = db.session.scalars(db.select(CriterionAnchor).where(
        CriterionAnchor.assessment_id == assessment.id)
        .order_by(CriterionAnchor.criterion, CriterionAnchor.level))
    return {
        "iros.json": container.json_bytes(
            [{**row_data(iro), "groups": sorted(group.id for group in iro.groups)} for iro in iros]),
        "iro_ratings.csv": csv_data(ratings),
        "criterion_anchors.json": container.json_bytes(
            [{k: v for k, v in row_data(anchor).items() if k != "assessment_id"}
             for anchor in anchors]),
    }


def load_double(assessment: Assessment, bundle: Bundle) -> None:
    """Insert the bundle's register, assessor ratings and anchors (the respondents are
    loaded already, their numbers as submission ids).

    Flush only: the caller commits.
    """
    iros = bundle.json("iros.json")
    for row in iros:
        db.session.add(Iro(**{**column_values(Iro, row), "assessment_id": assessment.id}))
    db.session.flush()
    connection = db.session.connection()
    affected = [{"iro_id": row["id"], "group_id": group_id}
                for row in iros for group_id in row["groups"]]
    if affected:
        connection.execute(insert(iro_stakeholder_group), affected)
    ratings = list(csv.DictReader(io.StringIO(bundle.files["iro_ratings.csv"].decode("utf-8"))))
    if ratings:
        connection.execute(insert(IroRating.__table__), [
            {"submission_id": int(r["respondent"]), "iro_id": int(r["iro_id"]),
             "criterion": r["criterion"], "value": int(r["value"]) if r["value"] else None}
            for r in ratings])
    for row in bundle.json("criterion_anchors.json"):
        db.session.add(CriterionAnchor(**{**column_values(CriterionAnchor, row),
                                          "assessment_id": assessment.id}))
    db.session.flush()


def double_reproduced_files(assessment: Assessment) -> list[ExportFile]:
    """The double-materiality files a bundle reproduces, per language: the matrix (SVG),
    the IRO table and the material topics (CSV, HTML), the methodology note (MD, HTML)."""
    files = []
    for locale in LOCALES:
        data = double_report_data(assessment, locale)
        files.append(double_matrix_file(data, MatrixChoice(), "svg"))
        for fmt in ("csv", "html"):
            files.append(iro_table_file(data, fmt))
            files.append(material_topics_file(data, fmt))
        for fmt in ("md", "html"):
            files.append(double_methodology_file(assessment, data.result, locale, fmt))
    return files
