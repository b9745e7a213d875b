"""The command-line tasks: create-user, seed-demo, import-topics."""
from __future__ import annotations

from test_topic_library import sixty_topics_csv

from materiality.extensions import db
from materiality.models import Assessment, GroupStatement, StakeholderGroup, Topic, User


def counts() -> tuple[int, ...]:
    return tuple(len(db.session.scalars(db.select(model)).all())
                 for model in (Topic, StakeholderGroup, GroupStatement, Assessment))


def test_seed_demo_loads_the_model_report_once(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    first = counts()
    # The model report's 23 topics and the one 2024 added; 2023, 2024 and 2025 (double).
    assert first[:2] == (24, 8) and first[3] == 3
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts() == first
    assessment = db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2023))
    assert len(assessment.topics) == 23
    assert assessment.topics[9].name_zh == "“双碳”行动"


def test_create_user_prints_a_generated_password_once(runner):
    result = runner.invoke(args=["create-user", "Boss@Example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    password = result.output.split("(shown once): ")[1].strip()
    user = db.session.scalar(db.select(User))
    assert user.email == "boss@example.org" and user.check_password(password)
    again = runner.invoke(args=["create-user", "boss@example.org", "--skip-existing"])
    assert again.exit_code == 0 and "shown once" not in again.output
    assert runner.invoke(args=["create-user", "boss@example.org"]).exit_code != 0


def test_import_topics_validates_like_the_page(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(sixty_topics_csv({0: {"category": "???"}, 59: {"name_zh": "", "name_en": ""}}))
    result = runner.invoke(args=["import-topics", str(bad)])
    assert result.exit_code != 0
    assert "2" in result.output and "61" in result.output
    assert counts()[0] == 0
    good = tmp_path / "good.csv"
    good.write_bytes(sixty_topics_csv())
    result = runner.invoke(args=["import-topics", str(good)])
    assert result.exit_code == 0, result.output
    assert counts()[0] == 60
