"""The reproducibility bundle: one zip per assessment, and the demo regenerated from it on
an empty database, byte for byte."""
from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

import pytest
from conftest import base_test_config

from materiality import create_app
from materiality.extensions import db, dispose_engines
from materiality.models import Assessment, CompanyScoreOverride, LabelPosition, Submission
from materiality.report.bundle import bundle_file
from materiality.services.documents.bundle import BundleError, pack, sha256, unpack


@pytest.fixture
def demo_2023(demo_data) -> Assessment:
    """The demo's 2023 assessment with an override, a moved label and a deleted response."""
    assessment = db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2023))
    topic = assessment.topics[3]
    db.session.add(CompanyScoreOverride(assessment_id=assessment.id, topic_id=topic.id,
                                        score=2.5, reason="董事会决议 / board decision"))
    db.session.add(LabelPosition(assessment_id=assessment.id, topic_id=topic.id,
                                 locale="en", x=1.8, y=4.6))
    deleted = db.session.scalar(db.select(Submission).where(
        Submission.assessment_id == assessment.id).order_by(Submission.id))
    deleted.deleted_at = db.func.now()
    deleted.deleted_reason = "test"
    db.session.commit()
    return assessment


def test_the_bundle_holds_anonymised_ratings_configuration_and_sums(editor_client, demo_2023):
    response = editor_client.get(f"/report/{demo_2023.id}/bundle.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    content = response.data
    assert content == bundle_file(demo_2023).content  # the same bytes every time
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = set(archive.namelist())
    assert {"manifest.json", "SHA256SUMS", "ratings.csv", "respondents.csv",
            "configuration.json", "topics.json", "groups.json", "label_positions.json",
            "assessment.json"} <= names
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["method_version"] == demo_2023.method_version and manifest["app_version"]
    for name, entry in manifest["files"].items():
        assert sha256(archive.read(name)) == entry["sha256"]
    sums = dict(line.split("  ")[::-1] for line in archive.read("SHA256SUMS").decode().split("\n")
                if line)
    assert sums["manifest.json"] == sha256(archive.read("manifest.json"))
    assert "materiality-2023-1-topic-scores-en.csv" in manifest["outputs"]

    respondents = list(csv.DictReader(io.StringIO(archive.read("respondents.csv").decode())))
    assert len(respondents) == 8 * 40 + 15 - 1  # the deleted response is left out
    assert list(respondents[0]) == ["respondent", "kind", "group_id", "rater_kind",
                                    "submitted_on"]
    assert [r["respondent"] for r in respondents[:3]] == ["1", "2", "3"]
    ratings = archive.read("ratings.csv").decode()
    assert ratings.startswith("respondent,topic_id,score\n")
    assert ratings.count("\n") == 1 + (8 * 40 + 15 - 1) * 23
    for private in (b"demo-", b"uid", b"submission", "希望公司".encode()):
        assert private not in archive.read("respondents.csv") + archive.read("ratings.csv")

    configuration = json.loads(archive.read("configuration.json"))
    assert configuration["overrides"][0]["reason"] == "董事会决议 / board decision"
    topics = json.loads(archive.read("topics.json"))["topics"]
    assert topics[9]["name_zh"] == "“双碳”行动" and topics[9]["name_en"] == '"Dual carbon" action'
    assert json.loads(archive.read("label_positions.json"))["en"] == {
        str(demo_2023.topics[3].id): [1.8, 4.6]}


def regenerate_on_an_empty_database(bundle, tmp_path, sqlite_template, read):  # noqa: ANN001, ANN201
    """``flask regenerate`` of a bundle into tmp_path/again, on a copy of the empty schema:
    (the command's result, what ``read`` gives on that database afterwards)."""
    empty = tmp_path / "empty.sqlite3"
    shutil.copyfile(sqlite_template, empty)
    fresh = create_app(base_test_config(f"sqlite:///{empty}"))
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(
            args=["regenerate", str(bundle), "--out", str(tmp_path / "again")])
        db.session.remove()
        seen = read()
        dispose_engines()
    return result, seen


def assert_regenerated_as_published(tmp_path, assessment_id: int, published: dict) -> None:  # noqa: ANN001
    """The English topic table and methodology note ``regenerate`` wrote into
    tmp_path/again are the bytes the closed assessment published (``published`` by URL)."""
    again = tmp_path / "again"
    assert (again / f"materiality-2023-{assessment_id}-topic-scores-en.csv").read_bytes() \
        == published["topics.csv?locale=en"]
    note = next(p for p in again.iterdir() if "methodology" in p.name and p.name.endswith("en.md"))
    assert note.read_bytes() == published["methodology.md?locale=en"]


def test_the_demo_regenerates_byte_for_byte_on_an_empty_database(runner, demo_2023, tmp_path,
                                                                 sqlite_template):
    exported = tmp_path / "exported"
    assert runner.invoke(args=["export", "2023", "--out", str(exported)]).exit_code == 0
    bundle = exported / "materiality-2023-1-bundle.zip"
    assert bundle.exists()

    result, assessments = regenerate_on_an_empty_database(
        bundle, tmp_path, sqlite_template,
        lambda: db.session.scalar(db.select(db.func.count()).select_from(Assessment)))
    assert result.exit_code == 0, result.output
    assert assessments == 1  # kept, to be browsed
    regenerated = sorted((tmp_path / "again").iterdir())
    assert len(regenerated) == 2 * 7
    for path in regenerated:
        assert path.read_bytes() == (exported / path.name).read_bytes(), path.name
        assert f"identical  {path}" in result.output
    assert {p.suffix for p in regenerated} == {".csv", ".html", ".md", ".svg"}


def test_regenerate_refuses_a_tampered_bundle_or_a_database_in_use(runner, demo_2023, tmp_path):
    good = bundle_file(demo_2023).content
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["ratings.csv"] = files["ratings.csv"].replace(b",5\n", b",1\n", 1)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = runner.invoke(args=["regenerate", str(tampered), "--out", str(tmp_path / "t")])
    assert result.exit_code != 0 and "ratings.csv" in result.output
    assert "does not match" in result.output

    intact = tmp_path / "bundle.zip"
    intact.write_bytes(good)
    result = runner.invoke(args=["regenerate", str(intact), "--out", str(tmp_path / "u")])
    assert result.exit_code != 0 and "empty database" in result.output
    assert not (tmp_path / "u").exists()


def test_pack_and_unpack_check_every_file():
    content = pack({"a.txt": b"alpha", "b.json": b"{}"}, {"app_version": "x"},
                   outputs={"out.csv": b"1,2\n"})
    assert content == pack({"b.json": b"{}", "a.txt": b"alpha"}, {"app_version": "x"},
                           outputs={"out.csv": b"1,2\n"})
    bundle = unpack(content)
    assert bundle.files == {"a.txt": b"alpha", "b.json": b"{}"}
    assert bundle.outputs == {"out.csv": sha256(b"1,2\n")}
    for bad, code in ((b"not a zip", "not_a_zip"),
                      (_rezip(content, drop="manifest.json"), "no_manifest"),
                      (_rezip(content, drop="a.txt"), "missing_file"),
                      (_rezip(content, add=("c.txt", b"?")), "unlisted_file")):
        with pytest.raises(BundleError) as error:
            unpack(bad)
        assert error.value.code == code


def _rezip(content: bytes, drop: str | None = None, add: tuple[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            if name != drop:
                target.writestr(name, source.read(name))
        if add:
            target.writestr(*add)
    return buffer.getvalue()


def test_the_methodology_page_offers_the_bundle(editor_client, demo_2023):
    page = editor_client.get(f"/report/{demo_2023.id}/methodology?lang=en").get_data(
        as_text=True)
    assert f'href="/report/{demo_2023.id}/bundle.zip"' in page
    assert "Reproducibility bundle (ZIP)" in page


def test_a_closed_assessment_regenerates_its_published_response_table(
        runner, admin_client, demo_2023, tmp_path, sqlite_template):
    """Statements edited after closing: the bundle still reproduces the table as published."""
    from materiality.models import GroupStatement

    assert admin_client.post(f"/admin/assessments/{demo_2023.id}/status/closed",
                             data={"confirmed": "yes"}).status_code == 302
    published = admin_client.get(f"/report/{demo_2023.id}/responses.csv?locale=en").data
    statement = db.session.scalar(db.select(GroupStatement).order_by(GroupStatement.id))
    admin_client.post(f"/admin/statements/{statement.id}/edit",
                      data={"text_zh": "改过的期望", "text_en": "Edited after closing"})
    exported = tmp_path / "exported"
    assert runner.invoke(args=["export", "2023", "--out", str(exported)]).exit_code == 0
    bundle = next(exported.glob("*-bundle.zip"))
    assert "response_table.json" in zipfile.ZipFile(bundle).namelist()

    empty = tmp_path / "empty.sqlite3"
    shutil.copyfile(sqlite_template, empty)
    fresh = create_app(base_test_config(f"sqlite:///{empty}"))
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(
            args=["regenerate", str(bundle), "--out", str(tmp_path / "again")])
        db.session.remove()
        dispose_engines()
    assert result.exit_code == 0, result.output
    regenerated = (tmp_path / "again" / next(
        p.name for p in exported.iterdir() if "stakeholder-responses" in p.name and
        p.name.endswith("en.csv")))
    assert regenerated.read_bytes() == published
    assert b"Edited after closing" not in regenerated.read_bytes()


def test_a_closed_assessment_regenerates_with_the_topic_names_it_was_closed_with(
        runner, admin_client, demo_2023, tmp_path, sqlite_template):
    """A topic renamed and moved to another category after closing: the bundle names it
    as published, and regenerates the published topic table and matrix byte for byte."""
    from materiality.models import Category, Topic

    assert admin_client.post(f"/admin/assessments/{demo_2023.id}/status/closed",
                             data={"confirmed": "yes"}).status_code == 302
    published = {name: admin_client.get(f"/report/{demo_2023.id}/{name}").data
                 for name in ("topics.csv?locale=en", "matrix.svg?locale=zh_CN")}
    topic = demo_2023.topics[0]
    other = db.session.scalar(db.select(Category).where(Category.id != topic.category_id))
    assert admin_client.post(f"/admin/topics/{topic.id}/edit", data={
        "name_zh": "改名后的议题", "name_en": "Renamed after closing",
        "category_id": str(other.id)}).status_code == 302
    exported = tmp_path / "exported"
    assert runner.invoke(args=["export", "2023", "--out", str(exported)]).exit_code == 0
    bundle = next(exported.glob("*-bundle.zip"))
    topics = json.loads(zipfile.ZipFile(bundle).read("topics.json"))["topics"]
    assert "Renamed after closing" not in {t["name_en"] for t in topics}

    result, name_en = regenerate_on_an_empty_database(
        bundle, tmp_path, sqlite_template, lambda: db.session.get(Topic, topic.id).name_en)
    assert result.exit_code == 0, result.output
    assert name_en != "Renamed after closing"
    assert "DIFFERENT" not in result.output
    again = tmp_path / "again"
    assert (again / f"materiality-2023-{demo_2023.id}-topic-scores-en.csv").read_bytes() \
        == published["topics.csv?locale=en"]
    assert (again / f"materiality-2023-{demo_2023.id}-matrix-half_a4-zh_CN.svg").read_bytes() \
        == published["matrix.svg?locale=zh_CN"]


def test_a_closed_assessment_regenerates_with_the_group_names_it_was_closed_with(
        runner, admin_client, demo_2023, tmp_path, sqlite_template):
    """A group renamed, and the organisation too, after closing: the bundle names them as
    published, and regenerates the published topic table and note byte for byte."""
    from materiality.models import StakeholderGroup
    from materiality.organisation import set_names

    set_names("示例集团", "Example Group")
    db.session.commit()
    assert admin_client.post(f"/admin/assessments/{demo_2023.id}/status/closed",
                             data={"confirmed": "yes"}).status_code == 302
    published = {name: admin_client.get(f"/report/{demo_2023.id}/{name}").data
                 for name in ("topics.csv?locale=en", "methodology.md?locale=en")}
    group = db.session.scalar(db.select(StakeholderGroup).order_by(StakeholderGroup.id))
    assert admin_client.post(f"/admin/groups/{group.id}", data={
        "name_zh": "改名后的群体", "name_en": "Renamed after closing",
        "weight": str(group.weight)}).status_code == 302
    set_names("改名后的集团", "Renamed Group")
    db.session.commit()
    exported = tmp_path / "exported"
    assert runner.invoke(args=["export", "2023", "--out", str(exported)]).exit_code == 0
    bundle = next(exported.glob("*-bundle.zip"))
    groups = json.loads(zipfile.ZipFile(bundle).read("groups.json"))
    assert "Renamed after closing" not in {g["name_en"] for g in groups}

    result, name_en = regenerate_on_an_empty_database(
        bundle, tmp_path, sqlite_template,
        lambda: db.session.get(StakeholderGroup, group.id).name_en)
    assert result.exit_code == 0, result.output
    assert name_en != "Renamed after closing"
    assert "DIFFERENT" not in result.output
    assert_regenerated_as_published(tmp_path, demo_2023.id, published)
    assert b"Example Group" in published["methodology.md?locale=en"]


def test_a_closed_assessment_regenerates_with_the_groups_order_it_was_closed_with(
        runner, admin_client, demo_2023, tmp_path, sqlite_template):
    """Groups reordered, added and archived after closing: the bundle keeps the order and
    the groups as published, and regenerates the topic table and note byte for byte."""
    from materiality.models import StakeholderGroup, ordered_groups

    assert admin_client.post(f"/admin/assessments/{demo_2023.id}/status/closed",
                             data={"confirmed": "yes"}).status_code == 302
    published = {name: admin_client.get(f"/report/{demo_2023.id}/{name}").data
                 for name in ("topics.csv?locale=en", "methodology.md?locale=en")}
    groups = ordered_groups()
    assert admin_client.post(f"/admin/groups/{groups[-1].id}/move/up").status_code == 302
    assert admin_client.post("/admin/groups/new", data={
        "name_zh": "新增群体", "name_en": "Added after closing",
        "weight": "1"}).status_code == 302
    assert admin_client.post(f"/admin/groups/{groups[0].id}/archive",
                             data={"confirmed": "yes"}).status_code == 302
    exported = tmp_path / "exported"
    assert runner.invoke(args=["export", "2023", "--out", str(exported)]).exit_code == 0
    bundle = next(exported.glob("*-bundle.zip"))
    configuration = json.loads(zipfile.ZipFile(bundle).read("configuration.json"))
    assert configuration["group_order"] == [g.id for g in groups]

    result, order = regenerate_on_an_empty_database(
        bundle, tmp_path, sqlite_template,
        lambda: [g.id for g in db.session.scalars(db.select(StakeholderGroup).order_by(
            StakeholderGroup.position, StakeholderGroup.id))])
    assert result.exit_code == 0, result.output
    assert order[:len(groups)] != [g.id for g in groups]  # the bundled library moved on
    assert "DIFFERENT" not in result.output
    assert_regenerated_as_published(tmp_path, demo_2023.id, published)


def test_a_double_materiality_assessment_regenerates_its_own_files_byte_for_byte(
        runner, demo_data, tmp_path, sqlite_template):
    """The demo's closed 2025 assessment: its register, assessor ratings, anchors and
    stakeholder survey are in the bundle, and its matrix, IRO table, material topics and
    methodology note come back the same from them alone."""
    from materiality.models import CriterionAnchor, Iro, IroRating

    assessment = db.session.scalar(db.select(Assessment).where(Assessment.method == "double"))
    db.session.add(CriterionAnchor(assessment_id=assessment.id, criterion="scale", level=5,
                                   text_zh="灾难性的", text_en="Catastrophic"))
    db.session.commit()
    exported = tmp_path / "exported"
    assert runner.invoke(args=["export", str(assessment.id), "--out", str(exported),
                               "--dpi", "72"]).exit_code == 0  # the PNGs are not reproduced
    bundle = exported / f"materiality-2025-{assessment.id}-bundle.zip"
    with zipfile.ZipFile(bundle) as archive:
        iros = json.loads(archive.read("iros.json"))
        iro_ratings = archive.read("iro_ratings.csv").decode()
        anchors = json.loads(archive.read("criterion_anchors.json"))
    register = db.session.scalars(db.select(Iro).where(Iro.assessment_id == assessment.id)
                                  .order_by(Iro.id)).all()
    assert [row["id"] for row in iros] == [iro.id for iro in register]
    assert any(row["groups"] for row in iros)  # the groups each affects
    assert iro_ratings.startswith("respondent,iro_id,criterion,value\n")
    assert iro_ratings.count("\n") - 1 == db.session.scalar(
        db.select(db.func.count()).select_from(IroRating).join(Iro).where(
            Iro.assessment_id == assessment.id))
    assert anchors == [{"criterion": "scale", "level": 5, "text_zh": "灾难性的",
                        "text_en": "Catastrophic"}]

    def read():  # noqa: ANN202
        return (db.session.scalar(db.select(db.func.count()).select_from(Iro)),
                db.session.scalar(db.select(db.func.count()).select_from(IroRating)))

    result, loaded = regenerate_on_an_empty_database(bundle, tmp_path, sqlite_template, read)
    assert result.exit_code == 0, result.output
    assert loaded == (len(register), iro_ratings.count("\n") - 1)
    regenerated = sorted((tmp_path / "again").iterdir())
    double_files = [p for p in regenerated if "double" in p.name or "iro-table" in p.name
                    or "material-topics" in p.name]
    assert len(regenerated) == 2 * 7 + 2 * 7 and len(double_files) == 2 * 7
    for path in regenerated:
        assert path.read_bytes() == (exported / path.name).read_bytes(), path.name
        assert f"identical  {path}" in result.output
    note = next(p for p in double_files if p.name.endswith("double-methodology-en.md"))
    assert "Catastrophic" in note.read_text()
