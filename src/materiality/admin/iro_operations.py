"""Changes CSR staff make to a double-materiality assessment: its method, time horizons
and IRO register.

Functions here only flush; the view (or CLI command) commits once at the edge. Every
change is refused once the assessment is closed (its configuration is frozen) and is
recorded in the assessment's trail with the values before and after. No reason is
asked: the register is drafted before assessors rate it (a changed method needs an
assessment without responses).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..extensions import db
from ..frozen_configuration import is_closed
from ..models import (
    IMPACT_KINDS,
    METHOD_VERSIONS,
    Assessment,
    Iro,
    IroKind,
    Method,
    StakeholderGroup,
    ValueChainStage,
)
from ..trail import Action, record
from .operations import OperationRefused, has_responses


@dataclass(frozen=True)
class IroValues:
    """What staff enter for one IRO (a form or a file row)."""

    topic_id: int
    kind: str
    actuality: str | None
    human_rights: bool
    value_chain: tuple[str, ...]
    time_horizon: str
    description_zh: str | None
    description_en: str | None
    group_ids: tuple[int, ...] = ()


def set_method(assessment: Assessment, method: str) -> bool:
    """Choose classic or double materiality; True when it changed.

    Refused once the assessment is closed, or has responses: they were given under
    the method in force.
    """
    method = Method(method)
    before = {"method": assessment.method, "method_version": assessment.method_version}
    if assessment.method == method and assessment.method_version == METHOD_VERSIONS[method]:
        return False
    if assessment.id is not None:
        if is_closed(assessment):
            raise OperationRefused("assessment_closed")
        if has_responses(assessment):
            raise OperationRefused("method_has_responses")
    assessment.method = method.value
    assessment.method_version = METHOD_VERSIONS[method]
    if assessment.id is None:
        return True  # a new assessment's trail starts with its whole configuration
    db.session.flush()
    record(assessment, Action.METHOD_CHANGED, before=before,
           after={"method": assessment.method, "method_version": assessment.method_version})
    return True


def set_horizons(assessment: Assessment, short_years: int, medium_years: int) -> bool:
    """Set where the short and medium terms end (in years); True when they changed."""
    if (assessment.horizon_short_years, assessment.horizon_medium_years) == (
            short_years, medium_years):
        return False
    if is_closed(assessment):
        raise OperationRefused("assessment_closed")
    if not 0 < short_years < medium_years:
        raise OperationRefused("horizons_unordered")
    before = {"short_years": assessment.horizon_short_years,
              "medium_years": assessment.horizon_medium_years}
    assessment.horizon_short_years, assessment.horizon_medium_years = short_years, medium_years
    db.session.flush()
    record(assessment, Action.HORIZONS_CHANGED, before=before,
           after={"short_years": short_years, "medium_years": medium_years})
    return True


def _check_register_open(assessment: Assessment) -> None:
    if assessment.method != Method.DOUBLE:
        raise OperationRefused("not_double")
    if is_closed(assessment):
        raise OperationRefused("assessment_closed")


def save_iro(assessment: Assessment, iro: Iro | None, values: IroValues) -> Iro:
    """Add an IRO (``iro`` None) or change one; the topic must be one of the assessment's.

    An impact keeps its actuality, a risk or opportunity has none; only negative
    impacts concern human rights (the database checks the same).
    """
    _check_register_open(assessment)
    if values.topic_id not in {link.topic_id for link in assessment.topic_links}:
        raise OperationRefused("topic_not_in_assessment")
    before = None
    if iro is None:
        iro = Iro(assessment_id=assessment.id)
        db.session.add(iro)
    elif iro.assessment_id != assessment.id:
        raise OperationRefused("not_in_assessment")
    else:
        before = iro_snapshot(iro)
    impact = values.kind in IMPACT_KINDS
    iro.topic_id = values.topic_id
    iro.kind = IroKind(values.kind).value
    iro.actuality = values.actuality if impact else None
    iro.human_rights = bool(values.human_rights and values.kind == IroKind.NEGATIVE_IMPACT)
    for stage in ValueChainStage:
        setattr(iro, stage.value, stage.value in values.value_chain)
    iro.time_horizon = values.time_horizon
    iro.description_zh = values.description_zh
    iro.description_en = values.description_en
    iro.groups = _groups(values.group_ids)
    db.session.flush()
    after = iro_snapshot(iro)
    if after != before:
        record(assessment, Action.IRO_ADDED if before is None else Action.IRO_CHANGED,
               before=before, after=after, subject=f"iro:{iro.id}")
    return iro


def iro_snapshot(iro: Iro) -> dict:
    """An IRO as plain data, for the trail."""
    return {"topic_id": iro.topic_id, "kind": iro.kind, "actuality": iro.actuality,
            "human_rights": bool(iro.human_rights), "value_chain": list(iro.value_chain),
            "time_horizon": iro.time_horizon, "description_zh": iro.description_zh,
            "description_en": iro.description_en,
            "group_ids": sorted(group.id for group in iro.groups)}


def _groups(group_ids: Sequence[int]) -> list[StakeholderGroup]:
    if not group_ids:
        return []
    return list(db.session.scalars(db.select(StakeholderGroup).where(
        StakeholderGroup.id.in_(group_ids)).order_by(StakeholderGroup.position,
                                                      StakeholderGroup.id)))


def delete_iro(assessment: Assessment, iro: Iro) -> None:
    """Remove an IRO from the register (its ratings go with it)."""
    _check_register_open(assessment)
    if iro.assessment_id != assessment.id:
        raise OperationRefused("not_in_assessment")
    before, subject = iro_snapshot(iro), f"iro:{iro.id}"
    db.session.delete(iro)
    db.session.flush()
    record(assessment, Action.IRO_DELETED, before=before, subject=subject)


def register(assessment_id: int) -> list[Iro]:
    """The assessment's IROs in topic order, then in the order they were added."""
    from ..models import AssessmentTopic

    return list(db.session.scalars(
        db.select(Iro).join(AssessmentTopic, (AssessmentTopic.assessment_id == Iro.assessment_id)
                            & (AssessmentTopic.topic_id == Iro.topic_id), isouter=True)
        .where(Iro.assessment_id == assessment_id)
        .order_by(AssessmentTopic.position, Iro.id)))


def import_iros(assessment: Assessment,
                rows: Iterable[tuple[int | None, IroValues]]) -> tuple[int, int]:
    """Add the rows without an id and update those with one; returns (added, updated).

    The caller has validated every row (ids among the assessment's IROs) first.
    """
    by_id = {iro.id: iro for iro in register(assessment.id)}
    added = updated = 0
    for iro_id, values in rows:
        save_iro(assessment, by_id[iro_id] if iro_id is not None else None, values)
        if iro_id is None:
            added += 1
        else:
            updated += 1
    return added, updated


def copy_register(source: Assessment, copy: Assessment) -> int:
    """Copy the IROs of the topics the copy kept (a new year starts from last year's).

    Called after the copy's trail has started; each IRO copied is an entry of it.
    """
    kept = {link.topic_id for link in copy.topic_links}
    copied = 0
    for iro in register(source.id):
        if iro.topic_id not in kept:
            continue
        twin = Iro(
            assessment_id=copy.id, topic_id=iro.topic_id, kind=iro.kind,
            actuality=iro.actuality, human_rights=iro.human_rights, upstream=iro.upstream,
            own_operations=iro.own_operations, downstream=iro.downstream,
            time_horizon=iro.time_horizon, description_zh=iro.description_zh,
            description_en=iro.description_en, groups=list(iro.groups))
        db.session.add(twin)
        db.session.flush()
        record(copy, Action.IRO_ADDED, after=iro_snapshot(twin), subject=f"iro:{twin.id}",
               reason=f"copied from assessment {source.id}, iro:{iro.id}")
        copied += 1
    return copied
