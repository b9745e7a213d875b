"""An assessment's own configuration: group weights, rater-kind weights, thresholds, method
(and a double-materiality assessment's scoring settings).

Group weights are copied from the stakeholder groups when an assessment is created
(or copied from last year's) and belong to the assessment from then on: editing or
archiving a group later never changes an existing assessment's scores. Closing an
assessment freezes all of it; :func:`frozen_configuration` reads it as one dict.

Closing also keeps, in the closing's trail entry where no one can edit them, the
response table (each group's expectations and the company's responses, both languages),
the assessment's topics as its outputs show them (names, descriptions and category,
both languages) and the organisation's names: the closed assessment's report shows
those, while the groups' statements, the topic library and the profile move on.
:func:`shown_topics` is where every output takes its topic names from, and
:func:`shown_groups` its stakeholder groups' names (kept in the closing's configuration).
The configuration also keeps the groups' order and which of them the assessment had
(``group_order``): :func:`relevant_groups` and :func:`listed_group_ids` read them back, so
reordering, adding or archiving groups later moves no column of a published table.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from .extensions import db
from .models import (
    Assessment,
    AssessmentGroupWeight,
    AssessmentStatus,
    AssessmentTopic,
    CompanyScoreOverride,
    Method,
    StakeholderGroup,
    Submission,
    Topic,
    TrailEntry,
    as_utc,
    ordered_groups,
    pick_language,
)
from .organisation import organisation_names

#: The trail action of closing (trail.Action.ASSESSMENT_CLOSED; trail.py sits above).
_CLOSED_ACTION = "assessment_closed"
#: The entries migration 0009 added to assessments closed before closings kept their
#: topics (trail.Action.TOPICS_KEPT): the topics as the library named them then.
_TOPICS_KEPT_ACTION = "topics_kept"
#: Leaving the closed status (trail.Action.ASSESSMENT_REOPENED): what the closing before
#: it kept is no longer in force.
_REOPENED_ACTION = "assessment_reopened"
#: The languages the response table is kept in.
RESPONSE_TABLE_LOCALES = ("zh_CN", "en")


def is_closed(assessment: Assessment) -> bool:
    """A closed assessment's configuration and responses are frozen until it is reopened."""
    return assessment.status == AssessmentStatus.CLOSED


def stored_group_weights(assessment_id: int) -> dict[int, float]:
    """The weights kept for this assessment, by group id."""
    rows = db.session.execute(
        select(AssessmentGroupWeight.group_id, AssessmentGroupWeight.weight)
        .where(AssessmentGroupWeight.assessment_id == assessment_id))
    return {group_id: float(weight) for group_id, weight in rows}


def group_weights(assessment: Assessment) -> dict[int, float]:
    """Every group's weight in this assessment's stakeholder score, archived groups too.

    The assessment's own weight where it keeps one; otherwise (a group added after the
    assessment was created) the group's current weight, which is kept for the
    assessment as soon as the group's weight is edited (see :func:`keep_group_weight`).
    """
    weights = {group_id: float(weight) for group_id, weight in db.session.execute(
        select(StakeholderGroup.id, StakeholderGroup.weight))}
    weights.update(stored_group_weights(assessment.id))
    return weights


def freeze_group_weights(assessment: Assessment) -> int:
    """Keep every group's current weight for the assessment where it keeps none yet.

    Called when an assessment is created, copied or closed; returns the rows added.
    """
    db.session.flush()
    kept = stored_group_weights(assessment.id)
    added = 0
    for group_id, weight in db.session.execute(select(StakeholderGroup.id,
                                                      StakeholderGroup.weight)):
        if group_id not in kept:
            db.session.add(AssessmentGroupWeight(assessment_id=assessment.id,
                                                 group_id=group_id, weight=float(weight)))
            added += 1
    db.session.flush()
    return added


def keep_group_weight(group: StakeholderGroup, old_weight: float) -> int:
    """Before a group's weight changes, keep the old one in every assessment that used it.

    The group's weight is only the default for assessments created afterwards.
    """
    assessments = db.session.scalars(select(Assessment.id).where(~Assessment.id.in_(
        select(AssessmentGroupWeight.assessment_id)
        .where(AssessmentGroupWeight.group_id == group.id)))).all()
    for assessment_id in assessments:
        db.session.add(AssessmentGroupWeight(assessment_id=assessment_id, group_id=group.id,
                                             weight=float(old_weight)))
    db.session.flush()
    return len(assessments)


def relevant_groups(assessment: Assessment) -> list[StakeholderGroup]:
    """Groups that count in this assessment: configured ones, those it keeps a weight for,
    and those whose members answered it (archived or not), in the groups' order.

    Once closed, the groups its (last) closing's configuration lists, in the order kept
    then: groups added, reordered or archived later leave it alone. While open, and for
    an assessment closed before closings kept that order, the groups as they are now.
    """
    order = _kept_group_order(assessment)
    if order is not None:
        groups = {group.id: group for group in db.session.scalars(
            select(StakeholderGroup).where(StakeholderGroup.id.in_(order)))}
        return [groups[group_id] for group_id in order if group_id in groups]
    answered = select(Submission.group_id).where(Submission.assessment_id == assessment.id,
                                                 Submission.group_id.is_not(None))
    kept = select(AssessmentGroupWeight.group_id).where(
        AssessmentGroupWeight.assessment_id == assessment.id)
    return list(db.session.scalars(
        select(StakeholderGroup)
        .where(StakeholderGroup.archived.is_(False) | StakeholderGroup.id.in_(answered)
               | StakeholderGroup.id.in_(kept))
        .order_by(StakeholderGroup.position, StakeholderGroup.id)))


def frozen_configuration(assessment: Assessment) -> dict:
    """Everything besides the ratings that decides the assessment's results, as plain data.

    JSON-ready (string keys, floats, ISO times): the trail, the reproducibility bundle
    and tests read the configuration through this one function.
    """
    weights = group_weights(assessment)
    groups = relevant_groups(assessment)
    # A closed assessment keeps the groups as they were archived or not at closing.
    kept = _kept_group_settings(assessment)
    overrides = db.session.scalars(select(CompanyScoreOverride).where(
        CompanyScoreOverride.assessment_id == assessment.id)
        .order_by(CompanyScoreOverride.topic_id))
    configuration = {
        "assessment_id": assessment.id,
        "method": assessment.method,
        "method_version": assessment.method_version,
        "time_horizons": {"short_years": assessment.horizon_short_years,
                          "medium_years": assessment.horizon_medium_years},
        "status": assessment.status,
        "topics": [link.topic_id for link in assessment.topic_links],
        "group_weights": {
            str(group.id): {"weight": weights[group.id], "name_zh": group.name_zh,
                            "name_en": group.name_en,
                            "archived": (kept.get(str(group.id)) or {}).get("archived",
                                                                          group.archived)}
            for group in groups
        },
        # The groups' order (a list: the trail's JSON sorts the keys above).
        "group_order": [group.id for group in groups],
        "rater_kind_weights": {k: float(v) for k, v in assessment.rater_kind_weights.items()},
        "thresholds": {
            "mode": assessment.threshold_mode,
            "company": assessment.threshold_company,
            "stakeholder": assessment.threshold_stakeholder,
            "top_n": assessment.top_n,
            "quantile": assessment.quantile,
        },
        "overrides": [
            {"topic_id": o.topic_id, "score": float(o.score), "reason": o.reason,
             "set_at": as_utc(o.set_at).isoformat() if o.set_at else None}
            for o in overrides
        ],
    }
    if assessment.method == Method.DOUBLE:
        configuration["double_materiality"] = {
            "aggregate": assessment.dm_aggregate,
            "combine": assessment.dm_combine,
            "thresholds": {"mode": assessment.dm_threshold_mode,
                           "impact": assessment.dm_threshold_impact,
                           "financial": assessment.dm_threshold_financial,
                           "top_n": assessment.dm_top_n, "quantile": assessment.dm_quantile},
        }
    return configuration


def response_table_snapshot() -> dict[str, list[dict]]:
    """The response table as the groups' statements stand now, in both languages."""
    groups = ordered_groups()
    return {
        locale: [{"group": group.name(locale),
                  "expectations": [s.text(locale) for s in group.expectations],
                  "responses": [s.text(locale) for s in group.responses]}
                 for group in groups]
        for locale in RESPONSE_TABLE_LOCALES
    }


def _kept_at_closing(assessment: Assessment) -> dict:
    """What the closed assessment's latest closing kept: its trail entry's ``after``, with
    what a later entry kept for the same closing (migration 0009's topics); empty while
    it is not closed."""
    if not is_closed(assessment):
        return {}
    mine = TrailEntry.assessment_id == assessment.id
    # A reopening after the latest closing: that closing is no longer in force (the new
    # closing, being recorded, reads the groups as they are now).
    closing = select(func.max(TrailEntry.id)).where(
        mine, TrailEntry.action.in_((_CLOSED_ACTION, _REOPENED_ACTION))).scalar_subquery()
    kept: dict = {}
    for after in db.session.scalars(
            select(TrailEntry.after)
            .where(mine, TrailEntry.action.in_((_CLOSED_ACTION, _TOPICS_KEPT_ACTION)),
                   TrailEntry.id >= func.coalesce(closing, 0))
            .order_by(TrailEntry.id)):
        value = json.loads(after) if after else None
        kept.update(value if isinstance(value, dict) else {})
    return kept


def _kept_configuration(assessment: Assessment) -> dict:
    """The configuration the closed assessment's (last) closing kept; empty while open."""
    configuration = _kept_at_closing(assessment).get("configuration")
    return configuration if isinstance(configuration, dict) else {}


def _kept_group_settings(assessment: Assessment) -> dict[str, dict]:
    """Each group's weight, names and archived flag as the closing kept them, by id as
    text; empty while open."""
    return _kept_configuration(assessment).get("group_weights") or {}


def _kept_group_order(assessment: Assessment) -> list[int] | None:
    """The ids of the groups the closing's configuration lists, in the order kept; None
    while open, or when the assessment was closed before closings kept the order."""
    order = _kept_configuration(assessment).get("group_order")
    return [int(group_id) for group_id in order] if isinstance(order, list) else None


def listed_group_ids(assessment: Assessment) -> list[int]:
    """The groups the assessment's tables give a column each (n per group, the scores
    page's breakdown, the methodology note's groups), in order: the configured groups,
    that is those not archived (the scoring appends archived ones that were answered).

    Once closed, as its (last) closing had them: later reordering, adding or archiving
    groups moves no column. While open, and for an assessment closed before closings
    kept the groups' order, the groups not archived now, in today's order.
    """
    order = _kept_group_order(assessment)
    if order is None:
        return [group.id for group in ordered_groups()]
    kept = _kept_group_settings(assessment)
    return [group_id for group_id in order
            if not (kept.get(str(group_id)) or {}).get("archived")]


def frozen_response_table(assessment: Assessment) -> dict[str, list[dict]] | None:
    """The response table kept when the closed assessment was (last) closed; None while it
    is not closed, or when it was closed before closings kept the table."""
    table = _kept_at_closing(assessment).get("response_table")
    return table if isinstance(table, dict) else None


class _Named:
    """Named in both languages: :meth:`name` gives the page's (the other one where it has none)."""

    name_zh: str | None
    name_en: str | None

    def name(self, locale: str) -> str:
        return pick_language(self.name_zh, self.name_en, locale)


@dataclass(frozen=True)
class ShownCategory(_Named):
    """A topic's category as an assessment shows it: its key (the chart's colour) and names."""

    key: str
    name_zh: str | None
    name_en: str | None


@dataclass(frozen=True)
class ShownTopic(_Named):
    """A topic as an assessment's outputs show it, in both languages."""

    id: int
    name_zh: str | None
    name_en: str | None
    description_zh: str | None
    description_en: str | None
    category: ShownCategory

    def description(self, locale: str) -> str:
        return pick_language(self.description_zh, self.description_en, locale)

    @classmethod
    def of(cls, topic: Topic) -> ShownTopic:
        """The topic as the library has it now."""
        category = topic.category
        return cls(topic.id, topic.name_zh, topic.name_en, topic.description_zh,
                   topic.description_en,
                   ShownCategory(category.key, category.name_zh, category.name_en))

    @classmethod
    def kept(cls, row: dict) -> ShownTopic:
        """The topic as a closing kept it (a row of :func:`topics_snapshot`)."""
        return cls(**{**row, "category": ShownCategory(**row["category"])})


def topics_snapshot(assessment: Assessment) -> list[dict]:
    """The assessment's topics as the library has them now, in its order, as plain data
    (kept by the closing: read back by :func:`shown_topics`)."""
    return [asdict(ShownTopic.of(link.topic)) for link in assessment.topic_links]


def shown_topics(assessment: Assessment) -> dict[int, ShownTopic]:
    """The topics the assessment's outputs show, by id in its order.

    Once closed, as kept when it was (last) closed: renaming a topic, or moving it to
    another category, in the library later leaves a published report alone. While open,
    and for an assessment closed before closings kept its topics, as the library has
    them now. Every page, chart, table, note, comparison and bundle names topics
    through this one function.
    """
    kept = {row["id"]: row for row in _kept_at_closing(assessment).get("shown_topics") or ()}
    return {link.topic_id: (ShownTopic.kept(kept[link.topic_id]) if link.topic_id in kept
                            else ShownTopic.of(link.topic))
            for link in assessment.topic_links}


def closed_assessments_asking(topic_id: int) -> int:
    """How many closed assessments ask the topic (each keeps it as it was closed with)."""
    return db.session.scalar(
        select(func.count()).select_from(AssessmentTopic)
        .join(Assessment, Assessment.id == AssessmentTopic.assessment_id)
        .where(AssessmentTopic.topic_id == topic_id,
               Assessment.status == AssessmentStatus.CLOSED)) or 0


@dataclass(frozen=True)
class ShownGroup(_Named):
    """A stakeholder group as an assessment's outputs name it, in both languages."""

    id: int
    name_zh: str | None
    name_en: str | None


def closed_assessments_keeping(group_id: int) -> int:
    """How many closed assessments keep the group as they were closed with (its name and
    its place in their tables): those whose closing listed it; for one closed before
    closings kept the groups' order, those keeping a weight for it (closing keeps one
    for every group there is; a weight edited later may add one, hence not for all)."""
    count = 0
    for assessment in db.session.scalars(
            select(Assessment).where(Assessment.status == AssessmentStatus.CLOSED)):
        order = _kept_group_order(assessment)
        count += group_id in (order if order is not None else stored_group_weights(assessment.id))
    return count


def shown_groups(assessment: Assessment) -> dict[int, ShownGroup]:
    """Every stakeholder group (archived ones too) as the assessment's outputs name it, by
    id in the groups' order (a closed assessment's groups first, in the order its closing
    kept; see :func:`relevant_groups`).

    Once closed, a group is named as the (last) closing's configuration kept it:
    renaming a group later leaves a published report alone. While open, for groups
    added since the closing, and for an assessment closed before the trail kept its
    configuration, as the library names it now. Every table, page, note, export and
    bundle of a report names groups through this one function.
    """
    kept = _kept_group_settings(assessment)
    groups = ordered_groups(include_archived=True)
    first = {group_id: i for i, group_id in enumerate(_kept_group_order(assessment) or ())}
    groups.sort(key=lambda group: first.get(group.id, len(first)))  # stable: then today's
    shown: dict[int, ShownGroup] = {}
    for group in groups:
        names = kept.get(str(group.id)) or {"name_zh": group.name_zh, "name_en": group.name_en}
        shown[group.id] = ShownGroup(group.id, names.get("name_zh"), names.get("name_en"))
    return shown


def in_shown_order(shown: dict[int, ShownGroup], groups: Iterable) -> list[ShownGroup]:
    """``groups`` (anything with an ``id``: an IRO's affected groups, say) as
    :func:`shown_groups` names and orders them for the assessment."""
    chosen = {group.id for group in groups}
    return [group for group in shown.values() if group.id in chosen]


def organisation_snapshot() -> dict[str, str | None]:
    """The organisation's names now (kept by the closing: read back by
    :func:`shown_organisation_names`)."""
    return dict(zip(("name_zh", "name_en"), organisation_names(), strict=True))


def shown_organisation_names(assessment: Assessment) -> tuple[str | None, str | None]:
    """The organisation's (Chinese, English) names as the assessment's methodology note
    gives them: as kept when it was (last) closed, else (open, or closed before closings
    kept them) the profile's now."""
    kept = _kept_at_closing(assessment).get("organisation")
    if not isinstance(kept, dict):
        return organisation_names()
    return kept.get("name_zh"), kept.get("name_en")
