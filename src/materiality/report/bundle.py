"""The reproducibility bundle of an assessment, and the results regenerated from one.

:func:`bundle_file` packs everything that decides the published results: the
anonymised respondents and their ratings (respondents renumbered 1..n in the order they
answered, nothing else about them but their group or rater kind and the day), the
assessment's frozen configuration (weights, thresholds, method version, overrides
with reasons), the assessment's own settings, the label positions, the topics (named
as the assessment shows them: as kept at closing once closed) and the groups (named
likewise) with their statements in both languages, the organisation's names (the
methodology note names it; likewise), the app and method versions, and the SHA-256
of the report files the app exports from them. A double-materiality assessment adds its
register of impacts, risks and opportunities, the assessors' ratings and the wording of
its criteria's scales (:mod:`.double_bundle`), and the files they decide.

:func:`regenerate` loads a bundle into an empty database (the same ids, so the same
order, the same bootstrap draws and the same file names), sets the organisation's
names to the bundle's, and writes those report files with the app's own export
functions: the same bytes wherever it runs.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd
from sqlalchemy import func, insert, text

from ..extensions import db
from ..frozen_configuration import (
    frozen_configuration,
    frozen_response_table,
    is_closed,
    organisation_snapshot,
    shown_groups,
    shown_organisation_names,
    shown_topics,
    topics_snapshot,
)
from ..models import (
    Assessment,
    AssessmentGroupWeight,
    AssessmentTopic,
    Category,
    CompanyScoreOverride,
    GroupStatement,
    LabelPosition,
    Method,
    Rating,
    StakeholderGroup,
    Submission,
    SurveyLink,
    Topic,
)
from ..organisation import set_names
from ..services.documents import bundle as container
from ..services.documents.bundle import Bundle, BundleError
from ..trail import Action, record
from .bundle_rows import column_values, csv_data, row_data
from .data import report_data
from .double_bundle import double_files, double_reproduced_files, load_double
from .exports import (
    LOCALES,
    ExportFile,
    MatrixChoice,
    matrix_file,
    methodology_file,
    response_table_file,
    topic_table_file,
)

#: The report files a bundle reproduces, per language: (what, formats).
REPRODUCED = (("topics", ("csv", "html")), ("responses", ("csv", "html")),
              ("methodology", ("md", "html")), ("matrix", ("svg",)))
RESPONDENT_COLUMNS = ["respondent", "kind", "group_id", "rater_kind", "submitted_on"]
RATING_COLUMNS = ["respondent", "topic_id", "score"]


def app_version() -> str:
    """The installed app's version (``pyproject.toml``)."""
    try:
        return version("materiality")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


# --------------------------------------------------------------------------- making


def _respondents(assessment_id: int) -> tuple[bytes, bytes, dict[int, int]]:
    """respondents.csv and ratings.csv: every counted submission renumbered, its ratings;
    and each submission's number."""
    submissions = db.session.execute(
        db.select(Submission.id, Submission.kind, Submission.group_id, Submission.rater_kind,
                  Submission.submitted_at)
        .where(Submission.assessment_id == assessment_id, Submission.deleted_at.is_(None))
        .order_by(Submission.id)).all()
    number = {row.id: i for i, row in enumerate(submissions, 1)}
    # The day as the app reads it from the database (see report.data._survey_dates).
    respondents = pd.DataFrame(
        [(number[r.id], r.kind, r.group_id, r.rater_kind,
          r.submitted_at.date().isoformat() if r.submitted_at else "") for r in submissions],
        columns=RESPONDENT_COLUMNS)
    respondents["group_id"] = respondents["group_id"].astype("Int64")
    ratings = pd.DataFrame(db.session.execute(
        db.select(Rating.submission_id, Rating.topic_id, Rating.score)
        .join(Submission, Submission.id == Rating.submission_id)
        .where(Submission.assessment_id == assessment_id, Submission.deleted_at.is_(None))
    ).all(), columns=RATING_COLUMNS)
    ratings["respondent"] = ratings["respondent"].map(number)
    ratings["score"] = ratings["score"].astype("Int64")
    ratings = ratings.sort_values(["respondent", "topic_id"], kind="stable")
    return csv_data(respondents), csv_data(ratings), number


def _topics(assessment: Assessment) -> dict:
    """The assessment's topics and their categories, named as its outputs name them (a
    closed assessment's as kept at closing, whatever the library says now)."""
    shown = shown_topics(assessment)
    library = {c.key: c for c in db.session.scalars(db.select(Category))}
    categories = {t.category.key: t.category for t in shown.values()}
    return {
        "categories": [{**row_data(library[key]), "name_zh": c.name_zh, "name_en": c.name_en}
                       for key, c in sorted(categories.items(),
                                            key=lambda item: library[item[0]].id)],
        "topics": [{**row_data(link.topic), "name_zh": topic.name_zh, "name_en": topic.name_en,
                    "description_zh": topic.description_zh,
                    "description_en": topic.description_en, "category": topic.category.key,
                    "position": link.position}
                   for link, topic in zip(assessment.topic_links, shown.values(), strict=True)],
    }


def _configuration(assessment: Assessment) -> dict:
    """The assessment's frozen configuration, its groups named as its outputs name them."""
    configuration, shown = frozen_configuration(assessment), shown_groups(assessment)
    for group_id, entry in configuration["group_weights"].items():
        group = shown[int(group_id)]
        entry.update(name_zh=group.name_zh, name_en=group.name_en)
    return configuration


def _groups(assessment: Assessment) -> list[dict]:
    """Every group with its statements, named as the assessment's outputs name it (a
    closed assessment's as kept at closing)."""
    shown = shown_groups(assessment)
    groups = db.session.scalars(db.select(StakeholderGroup).order_by(StakeholderGroup.id))
    statements = db.session.scalars(db.select(GroupStatement).order_by(
        GroupStatement.group_id, GroupStatement.kind, GroupStatement.position))
    by_group: dict[int, list[dict]] = {}
    for statement in statements:
        by_group.setdefault(statement.group_id, []).append(
            {k: v for k, v in row_data(statement).items() if k not in ("id", "group_id")})
    return [{**row_data(g), "name_zh": shown[g.id].name_zh, "name_en": shown[g.id].name_en,
             "statements": by_group.get(g.id, [])} for g in groups]


def _label_positions(assessment_id: int) -> dict:
    rows = db.session.scalars(db.select(LabelPosition).where(
        LabelPosition.assessment_id == assessment_id)
        .order_by(LabelPosition.locale, LabelPosition.topic_id))
    positions: dict[str, dict[str, list[float]]] = {}
    for row in rows:
        positions.setdefault(row.locale, {})[str(row.topic_id)] = [row.x, row.y]
    return positions


def reproduced_files(assessment: Assessment) -> list[ExportFile]:
    """The report files a bundle reproduces, exported by the app's own functions."""
    first = report_data(assessment, LOCALES[0])
    files = []
    for locale in LOCALES:
        data = first if locale == LOCALES[0] else report_data(assessment, locale,
                                                              first.result)
        for what, formats in REPRODUCED:
            for fmt in formats:
                if what == "topics":
                    files.append(topic_table_file(data, fmt))
                elif what == "responses":
                    files.append(response_table_file(assessment, locale, fmt))
                elif what == "methodology":
                    files.append(methodology_file(data, fmt))
                else:
                    files.append(matrix_file(data, MatrixChoice(), fmt))
    if assessment.method == Method.DOUBLE:
        files += double_reproduced_files(assessment)
    return files


def bundle_file(assessment: Assessment) -> ExportFile:
    """The assessment's reproducibility bundle (a zip), the same bytes for the same data."""
    respondents, ratings, number = _respondents(assessment.id)
    files = {
        "assessment.json": container.json_bytes(row_data(assessment)),
        "configuration.json": container.json_bytes(_configuration(assessment)),
        "topics.json": container.json_bytes(_topics(assessment)),
        "groups.json": container.json_bytes(_groups(assessment)),
        "label_positions.json": container.json_bytes(_label_positions(assessment.id)),
        # The methodology note names the organisation: its names make the same note again.
        "organisation.json": container.json_bytes(dict(zip(
            ("name_zh", "name_en"), shown_organisation_names(assessment), strict=True))),
        "respondents.csv": respondents,
        "ratings.csv": ratings,
    }
    if assessment.method == Method.DOUBLE:
        files.update(double_files(assessment, number))
    frozen = frozen_response_table(assessment)
    if frozen is not None:  # the table as published, which the groups may have left since
        files["response_table.json"] = container.json_bytes(frozen)
    about = {
        "app_version": app_version(),
        "method_version": assessment.method_version,
        "assessment": {"id": assessment.id, "title": assessment.title,
                       "title_en": assessment.title_en,
                       "reporting_year": assessment.reporting_year},
    }
    outputs = {f.filename: f.content for f in reproduced_files(assessment)}
    content = container.pack(files, about, outputs)
    return ExportFile(content, f"materiality-{assessment.reporting_year}-{assessment.id}"
                               "-bundle.zip")


# --------------------------------------------------------------------------- loading


def database_is_empty() -> bool:
    """True when no topic, group or assessment exists (the migrations' categories may)."""
    return not any(db.session.scalar(db.select(func.count()).select_from(model))
                   for model in (Topic, StakeholderGroup, Assessment))


def load_bundle(bundle: Bundle) -> Assessment:
    """Insert the bundle's assessment into an empty database, with its original ids.

    Flush only: the caller commits.
    """
    if not database_is_empty():
        raise BundleError("database_not_empty")
    topics, groups = bundle.json("topics.json"), bundle.json("groups.json")
    category_ids = {}
    existing = {c.key: c for c in db.session.scalars(db.select(Category))}
    for row in topics["categories"]:
        category = existing.get(row["key"])
        values = {k: v for k, v in column_values(Category, row).items() if k != "id"}
        if category is None:
            category = Category(**values)
            db.session.add(category)
        else:
            for key, value in values.items():
                setattr(category, key, value)
        db.session.flush()
        category_ids[row["key"]] = category.id
    for row in topics["topics"]:
        db.session.add(Topic(**{**column_values(Topic, row),
                                "category_id": category_ids[row["category"]]}))
    for row in groups:
        db.session.add(StakeholderGroup(**column_values(StakeholderGroup, row)))
    db.session.flush()  # statements know their group by id only: the groups go first
    for row in groups:
        for statement in row["statements"]:
            db.session.add(GroupStatement(group_id=row["id"],
                                          **column_values(GroupStatement, statement)))
    db.session.flush()

    if "organisation.json" in bundle.files:  # bundles made before the profile have none
        names = bundle.json("organisation.json")
        set_names(names.get("name_zh"), names.get("name_en"))
    assessment = Assessment(**column_values(Assessment, bundle.json("assessment.json")))
    db.session.add(assessment)
    db.session.flush()
    for row in topics["topics"]:
        db.session.add(AssessmentTopic(assessment_id=assessment.id, topic_id=row["id"],
                                       position=row["position"]))
    configuration = bundle.json("configuration.json")
    asked = {row["id"] for row in topics["topics"]}  # the only topics the bundle holds
    for group_id, entry in configuration["group_weights"].items():
        db.session.add(AssessmentGroupWeight(assessment_id=assessment.id,
                                             group_id=int(group_id), weight=entry["weight"]))
    for entry in (e for e in configuration["overrides"] if e["topic_id"] in asked):
        db.session.add(CompanyScoreOverride(
            assessment_id=assessment.id, topic_id=entry["topic_id"], score=entry["score"],
            reason=entry["reason"],
            set_at=datetime.fromisoformat(entry["set_at"]) if entry["set_at"] else None))
    for locale, positions in bundle.json("label_positions.json").items():
        for topic_id, (x, y) in positions.items():
            if int(topic_id) not in asked:  # a label of a topic since removed: never drawn
                continue
            db.session.add(LabelPosition(assessment_id=assessment.id, topic_id=int(topic_id),
                                         locale=locale, x=x, y=y))
    db.session.flush()
    _load_answers(assessment, bundle)
    if "iros.json" in bundle.files:  # double materiality (bundles made before carry none)
        load_double(assessment, bundle)
    if is_closed(assessment):
        # Kept where a closed assessment keeps them: in its closing's trail entry (the
        # topics, groups and organisation as the bundle names them, which are those the
        # outputs showed).
        kept = frozen_configuration(assessment)
        if "group_order" in configuration:
            # Its groups, their order and which were archived as its closing kept them
            # (the bundle's groups are the library's when it was made); bundles made
            # before closings kept the order have none and show the bundled library's.
            kept.update(group_order=configuration["group_order"],
                        group_weights=configuration["group_weights"])
        after = {"status": assessment.status,
                 "configuration": kept,
                 "shown_topics": topics_snapshot(assessment),
                 "organisation": organisation_snapshot()}
        if "response_table.json" in bundle.files:
            after["response_table"] = bundle.json("response_table.json")
        record(assessment, Action.ASSESSMENT_CLOSED, after=after,
               reason="regenerated from a bundle")
    return assessment


def _load_answers(assessment: Assessment, bundle: Bundle) -> None:
    """The respondents (as submissions through one link per questionnaire) and ratings."""
    respondents = list(csv.DictReader(io.StringIO(
        bundle.files["respondents.csv"].decode("utf-8"))))
    links: dict[tuple, SurveyLink] = {}
    submissions = []
    for row in respondents:
        # One link per questionnaire (a group's, a rater kind's): submissions need one.
        key = (row["kind"], int(row["group_id"]) if row["group_id"] else None,
               row["rater_kind"] or None)
        if key not in links:
            links[key] = SurveyLink(assessment_id=assessment.id, kind=key[0],
                                    group_id=key[1], rater_kind=key[2])
            db.session.add(links[key])
        # Noon UTC keeps the day the app read, whatever the database's time zone.
        day = (datetime.combine(date.fromisoformat(row["submitted_on"]), time(12), tzinfo=UTC)
               if row["submitted_on"] else None)
        submissions.append({
            "id": int(row["respondent"]), "uid": f"bundle-{assessment.id}-{row['respondent']}",
            "assessment_id": assessment.id, "link": key, "kind": key[0], "group_id": key[1],
            "rater_kind": key[2], "locale": "zh_CN", "started_at": day, "submitted_at": day})
    db.session.flush()
    for submission in submissions:
        submission["link_id"] = links[submission.pop("link")].id
    connection = db.session.connection()
    if submissions:
        connection.execute(insert(Submission.__table__), submissions)
    ratings = pd.read_csv(io.BytesIO(bundle.files["ratings.csv"]), dtype={"score": "Int64"})
    rows = [{"submission_id": int(r), "topic_id": int(t), "score": None if pd.isna(s) else int(s)}
            for r, t, s in ratings.itertuples(index=False)]
    if rows:
        connection.execute(insert(Rating.__table__), rows)
    db.session.flush()


def fix_sequences() -> None:
    """After rows were inserted with their ids, PostgreSQL's sequences continue above them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("category", "topic", "stakeholder_group", "group_statement", "assessment",
                  "survey_link", "submission", "iro"):
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


@dataclass(frozen=True)
class Regenerated:
    """One regenerated file and whether it has the bytes the bundle says were published."""

    path: Path
    identical: bool | None  # None when the bundle has no sum for it


def regenerate(bundle: Bundle, out_dir: Path) -> list[Regenerated]:
    """Load the bundle into the (empty) database and write the report files it reproduces.

    Commits: the ratings are read on a connection of their own (see ``report.ratings``),
    and the loaded assessment stays to be browsed in the app.
    """
    assessment_id = load_bundle(bundle).id
    fix_sequences()
    db.session.commit()
    assessment = db.session.get(Assessment, assessment_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    expected = bundle.outputs
    written = []
    for export in reproduced_files(assessment):
        path = out_dir / export.filename
        path.write_bytes(export.content)
        sha = expected.get(export.filename)
        written.append(Regenerated(path, None if sha is None
                                   else sha == container.sha256(export.content)))
    return written
