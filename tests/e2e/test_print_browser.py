"""Printing from the browser: the group poster on A4 and A3, and the sheet of invitation
codes on A4.

Chromium prints each page to PDF as a user's "Print" would; poppler rasterizes the
PDF and every QR code on it must decode to its address. A tile cut by a page break
would not decode, so the set of decoded codes also shows that none was cut.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from survey_helpers import link_for, make_links

from materiality.auth.operations import create_user
from materiality.extensions import db
from materiality.fieldwork.operations import generate_codes

PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(PDFTOPPM == "pdftoppm", reason="pdftoppm is not installed "
                       "(apt-get install poppler-utils)"),
]
PASSWORD = "print test password"  # noqa: S105
A4_POINTS = (595, 842)
A3_POINTS = (842, 1191)
#: A folder to keep the printed posters in, to look at them (unset: not kept).
KEEP_PRINTS = os.environ.get("KEEP_PRINTS")


@pytest.fixture
def admin_page(live_server, log_in):
    base, _app = live_server(WTF_CSRF_ENABLED=False, PUBLIC_BASE_URL="https://survey.example.cn")
    create_user("admin@example.org", PASSWORD, "admin")
    db.session.commit()
    return base, log_in(base, "admin@example.org", PASSWORD)


def print_to_pdf(page, url: str, path: Path) -> PdfReader:  # noqa: ANN001
    """The page as Chromium prints it, with the page's own @page size and margins."""
    page.goto(url)
    page.emulate_media(media="print")
    path.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    return PdfReader(path)


def printed_pages(pdf: Path) -> list[Image.Image]:
    """The PDF's pages as poppler rasterizes them, at 200 dpi."""
    subprocess.run([PDFTOPPM, "-r", "200", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
    return [Image.open(png).convert("RGB")
            for png in sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))]


def decoded_qr_codes(pages: list[Image.Image]) -> list[str]:
    """Every QR code on every page."""
    return [found.text for page in pages for found in zxingcpp.read_barcodes(page)]


def plain_paper(pages: list[Image.Image]) -> bool:
    """No page tint printed (Chromium prints backgrounds here, as with "background graphics").

    Read 19 mm in from the bottom-left corner: inside the 12 mm @page margin, which
    stays white whatever the page's background.
    """
    inset = round(19 / 25.4 * 200)
    return all(page.getpixel((inset, page.height - inset)) == (255, 255, 255) for page in pages)


@pytest.mark.parametrize(("size", "points", "query"), [
    ("a4", A4_POINTS, ""), ("a3", A3_POINTS, "&size=a3")])
def test_the_group_poster_prints_on_one_page_with_a_readable_qr(admin_page, tmp_path, size,
                                                                points, query):
    from materiality.organisation import the_organisation

    base, page = admin_page
    organisation = the_organisation()
    organisation.name_en, organisation.contact_en = "Example Group", "Questions: csr@example.cn"
    link = link_for(make_links(), group_id=1)
    link.closes_at = datetime(2099, 12, 15, 9, 0, tzinfo=UTC)
    db.session.commit()
    pdf = print_to_pdf(page, f"{base}/fieldwork/links/{link.id}/poster?lang=en{query}",
                       tmp_path / f"poster-{size}.pdf")
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(box.width), round(box.height)) == points
    text = " ".join(pdf.pages[0].extract_text().split())  # lines joined
    assert "Fieldwork test" in text and link.group.name("en") in text
    assert "Example Group" in text and "Questions: csr@example.cn" in text
    assert "Tell us what matters to you" in text and "About 4 minutes" in text
    assert "Open until 2099-12-15 17:00 (UTC+08:00)" in text
    assert f"survey.example.cn/s/{link.short_code}" in text
    assert "Log out" not in text  # the app's header stays off paper
    pages = printed_pages(tmp_path / f"poster-{size}.pdf")
    if KEEP_PRINTS:
        shutil.copy(tmp_path / f"poster-{size}.pdf", KEEP_PRINTS)
    assert decoded_qr_codes(pages) == [f"https://survey.example.cn/s/{link.token}"]
    assert plain_paper(pages)


def test_the_code_sheet_prints_every_code_whole_on_a4(admin_page, tmp_path):
    base, page = admin_page
    link = link_for(make_links(), kind="company", rater_kind="management")
    codes = [code.code for code in generate_codes(link, 14)]
    db.session.commit()
    pdf = print_to_pdf(page, f"{base}/fieldwork/links/{link.id}/codes/sheet?lang=en",
                       tmp_path / "codes.pdf")
    assert len(pdf.pages) >= 2  # 14 tiles of 40 mm QR codes do not fit one page
    assert all((round(p.mediabox.width), round(p.mediabox.height)) == A4_POINTS for p in pdf.pages)
    pages = printed_pages(tmp_path / "codes.pdf")
    assert plain_paper(pages)
    assert sorted(decoded_qr_codes(pages)) == sorted(
        f"https://survey.example.cn/i/{code}" for code in codes)
