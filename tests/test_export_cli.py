"""`flask export`: every report file of an assessment, both languages, each opened by its
own library."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from materiality.extensions import db
from materiality.models import Assessment
from materiality.services.documents.bundle import unpack


def test_export_writes_every_file_and_each_opens(runner, demo_data, tmp_path):
    result = runner.invoke(args=["export", "2023", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    files = {p.name: p for p in (tmp_path / "out").iterdir()}
    assert len(files) == 2 * (3 + 4 + 4 + 3) + 2  # and the raw ratings, the bundle
    assert f"{len(files)} files written" in result.output
    for name, path in files.items():
        data = path.read_bytes()
        suffix = path.suffix
        if suffix == ".png":
            assert Image.open(io.BytesIO(data)).size[0] == pytest.approx(210 / 25.4 * 300, abs=2)
            assert "-300dpi" in name
        elif suffix == ".svg":
            assert ET.fromstring(data)  # noqa: S314 - our own export.tag.endswith("svg")
        elif suffix == ".pdf":
            assert len(PdfReader(io.BytesIO(data)).pages) == 1
        elif suffix == ".xlsx":
            assert load_workbook(io.BytesIO(data)).active.max_row > 1
        elif suffix == ".docx":
            document = Document(io.BytesIO(data))
            assert document.paragraphs or document.tables
        elif suffix == ".csv":
            assert data.startswith(b"\xef\xbb\xbf")
            assert len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) > 1
        elif suffix == ".html":
            assert data.startswith(b"<!doctype html>")
        elif suffix == ".zip":
            assert name.endswith("-bundle.zip") and unpack(data).manifest["outputs"]
        else:
            assert suffix == ".md" and data.decode().startswith("# ")
    names = " ".join(files)
    for locale in ("zh_CN", "en"):
        for what in ("matrix-half_a4-300dpi.png", "matrix-half_a4.svg", "matrix-half_a4.pdf",
                     "topic-scores", "stakeholder-responses", "methodology"):
            assert f"{what.split('.')[0]}" in names
        assert any(locale in name for name in files)
    raw = next(p for name, p in files.items() if "raw-responses" in name)
    header = raw.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header == ("submission_id,kind,group_id,group_name,rater_kind,topic_id,topic_name,"
                      "score,submitted_at")


def test_export_by_id_with_sizes_and_dpi(runner, demo_data, tmp_path):
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    result = runner.invoke(args=["export", str(assessment.id), "--out", str(tmp_path),
                                 "--size", "slide_16_9", "--dpi", "150"])
    assert result.exit_code == 0, result.output
    png = next(tmp_path.glob("*matrix-slide_16_9-150dpi-en.png"))
    with Image.open(png) as image:
        assert image.size[0] == pytest.approx(13.333 * 150, abs=2)


def test_export_refuses_unknown_and_ambiguous_years(runner, demo_data, tmp_path):
    assert runner.invoke(args=["export", "1999", "--out", str(tmp_path)]).exit_code != 0
    db.session.add(Assessment(title="Second 2023", reporting_year=2023))
    db.session.commit()
    result = runner.invoke(args=["export", "2023", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "give the id instead" in result.output
