"""Helpers shared by the assessor panel's tests: a double-materiality assessment ready for
its assessors."""
from __future__ import annotations

from materiality.extensions import db
from materiality.fieldwork.operations import create_assessor_link, generate_codes
from materiality.models import Assessment, AssessmentTopic, Category, Iro, Topic


def make_panel(rater_kind: str | None = "external_expert", codes: int = 3) -> dict:
    """An open double-materiality assessment: two topics with four IROs, a third without;
    an assessor link with its codes."""
    category = db.session.scalar(db.select(Category).order_by(Category.id))
    topics = [Topic(name_zh=f"议题{i}", name_en=f"Topic {i}", category_id=category.id)
              for i in range(3)]
    db.session.add_all(topics)
    db.session.flush()
    assessment = Assessment(title="双重实质性", title_en="Double", reporting_year=2025,
                            status="open", method="double")
    assessment.topic_links = [AssessmentTopic(topic_id=t.id, position=i)
                              for i, t in enumerate(topics)]
    db.session.add(assessment)
    db.session.flush()
    common = {"assessment_id": assessment.id, "own_operations": True, "time_horizon": "short"}
    iros = {
        "actual": Iro(topic_id=topics[0].id, kind="negative_impact", actuality="actual",
                      description_zh="废水排放", description_en="Waste water discharge",
                      **common),
        "rights": Iro(topic_id=topics[0].id, kind="negative_impact", actuality="potential",
                      human_rights=True, description_en="Forced labour at suppliers",
                      **{**common, "upstream": True, "time_horizon": "long"}),
        "positive": Iro(topic_id=topics[1].id, kind="positive_impact", actuality="potential",
                        description_en="Local hiring", **common),
        "risk": Iro(topic_id=topics[1].id, kind="risk", description_en="Carbon price",
                    **{**common, "time_horizon": "medium"}),
    }
    db.session.add_all(iros.values())
    db.session.flush()
    link = create_assessor_link(assessment, rater_kind)
    made = generate_codes(link, codes)
    db.session.commit()
    return {"assessment": assessment, "link": link, "codes": [c.code for c in made],
            "iros": {name: iro.id for name, iro in iros.items()}, "topics": topics}
