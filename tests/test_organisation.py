"""Who is asking: the organisation profile, its logo, bilingual titles, short addresses.

Respondents see the organisation's name and logo on every survey page, the poster and
the code sheet; the methodology note names it; titles follow the reader's language;
a poster carries a short address that anyone can type.
"""
from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from conftest import base_test_config
from PIL import Image
from survey_helpers import fill, link_for, make_links

from materiality import create_app
from materiality.admin.operations import next_year_title
from materiality.extensions import db, dispose_engines, limiter
from materiality.fieldwork.operations import generate_codes
from materiality.models import Assessment, Organisation, SurveyLink
from materiality.services.logo import MAX_SIDE, LogoRefused, clean_logo
from materiality.survey.questionnaires import minutes_to_answer

NAMES = {"name_zh": "示例集团", "name_en": "Example Group", "contact_zh": "联系：csr@example.cn",
         "contact_en": "Contact: csr@example.cn", "privacy_zh": "仅用于报告编制。",
         "privacy_en": "Used for the report only."}


# -- images ---------------------------------------------------------------------------------

def png(size: tuple[int, int] = (120, 60), mode: str = "RGBA", **save) -> bytes:  # noqa: ANN003
    buffer = io.BytesIO()
    Image.new(mode, size, (20, 90, 70, 255) if mode == "RGBA" else (20, 90, 70)).save(
        buffer, "PNG", **save)
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (80, 40), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A few hundred bytes that claim 400 million pixels (a gigabyte once decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1) * 64, 9)) + chunk(b"IEND", b""))


def noise_png(side: int = 700) -> bytes:
    """A real PNG over 1 MB: random pixels do not compress."""
    import os

    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, data: dict, logo: bytes | None = None, filename: str = "logo.png"):  # noqa: ANN001
    """Post the profile form; the body is built in memory (the test client would spool a
    big one to a file it never closes)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    form: dict = dict(data)
    if logo is not None:
        form["logo"] = FileStorage(io.BytesIO(logo), filename, "logo")
    boundary, body = encode_multipart(form)
    return client.post("/admin/organisation?lang=en", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def profile() -> Organisation | None:
    db.session.expire_all()
    return db.session.get(Organisation, 1)


# -- the logo check (no database) -----------------------------------------------------------

def test_a_logo_is_decoded_and_re_encoded_without_its_metadata():
    with_text = png(pnginfo=_png_text("Author", "Jane Secret"))
    cleaned = clean_logo(with_text)
    assert cleaned.mime == "image/png" and (cleaned.width, cleaned.height) == (120, 60)
    assert b"Jane Secret" not in cleaned.content and b"Author" not in cleaned.content
    photo = clean_logo(jpeg_with_exif())
    assert photo.mime == "image/jpeg"
    assert b"SecretCam" not in photo.content and b"Exif" not in photo.content
    assert not Image.open(io.BytesIO(photo.content)).getexif()


def _png_text(key: str, value: str):  # noqa: ANN202
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, value)
    return info


@pytest.mark.parametrize(("content", "code"), [
    (b"%PDF-1.7 not an image at all", "not_an_image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not_an_image"),
    (b"", "not_an_image"),
    (png_bomb(), "too_many_pixels"),
    (png_bomb(MAX_SIDE + 1, 10), "too_many_pixels"),
    (png()[:60], "damaged"),
])
def test_what_is_not_a_usable_logo_is_refused_with_its_reason(content, code):
    with pytest.raises(LogoRefused) as refused:
        clean_logo(content)
    assert refused.value.code == code


def test_a_gif_is_refused_as_the_wrong_format_and_a_big_file_unread():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    with pytest.raises(LogoRefused, match="wrong_format"):
        clean_logo(buffer.getvalue())
    with pytest.raises(LogoRefused, match="too_large"):
        clean_logo(noise_png())


# -- the admin page ----------------------------------------------------------------------------

def test_an_admin_sets_the_profile_and_logo_which_is_served_with_long_caching(admin_client):
    page = admin_client.get("/admin/organisation?lang=en")
    assert page.status_code == 200 and "Privacy notice (Chinese)" in page.get_data(as_text=True)
    response = upload(admin_client, NAMES, png())
    assert response.status_code == 302
    saved = profile()
    assert (saved.name_zh, saved.name_en, saved.contact_en) == (
        "示例集团", "Example Group", "Contact: csr@example.cn")
    assert saved.logo_mime == "image/png" and len(saved.logo_sha256) == 64

    url = f"/organisation/logo/{saved.logo_sha256}.png"
    assert url in admin_client.get("/admin/organisation").get_data(as_text=True)
    admin_client.post("/auth/logout")
    logo = admin_client.get(url)  # public: respondents load it
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.data == saved.logo
    assert "max-age=31536000" in logo.headers["Cache-Control"]
    assert "immutable" in logo.headers["Cache-Control"] and "no-store" not in logo.headers[
        "Cache-Control"]
    again = admin_client.get(url, headers={"If-None-Match": logo.headers["ETag"]})
    assert again.status_code == 304
    assert admin_client.get(f"/organisation/logo/{saved.logo_sha256}.jpg").status_code == 404
    assert admin_client.get(f"/organisation/logo/{'0' * 64}.png").status_code == 404
    assert admin_client.get("/organisation/logo/x.png").status_code == 404


def test_a_refused_logo_saves_nothing_and_says_why(admin_client):
    for content, message in [
        (b"MZ\x90\x00 an executable", "cannot be read as a PNG or JPEG image"),
        (noise_png(), "larger than 1 MB"),
        (png_bomb(), "larger than 2000 × 2000 pixels"),
    ]:
        response = upload(admin_client, NAMES, content)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert message in html and "Nothing was saved." in html
        assert 'value="Example Group"' in html  # what was typed is kept
        assert profile() is None


def test_the_logo_can_be_replaced_and_removed(admin_client):
    upload(admin_client, NAMES, png())
    first = profile().logo_sha256
    upload(admin_client, NAMES, jpeg_with_exif(), "photo.jpg")
    assert profile().logo_mime == "image/jpeg" and profile().logo_sha256 != first
    assert admin_client.get(f"/organisation/logo/{first}.png").status_code == 404
    upload(admin_client, {**NAMES, "remove_logo": "y"})
    assert profile().logo is None and profile().logo_sha256 is None
    assert profile().name_en == "Example Group"


def test_editors_cannot_edit_the_profile(editor_client):
    assert editor_client.get("/admin/organisation").status_code == 403


# -- who is asking, everywhere -------------------------------------------------------------------

@pytest.fixture
def named(app, demo_data) -> Organisation:
    """The demo data and an organisation with names, contact, privacy notice and logo."""
    from materiality.organisation import set_logo, the_organisation

    organisation = the_organisation()
    for key, value in NAMES.items():
        setattr(organisation, key, value)
    set_logo(organisation, clean_logo(png()))
    db.session.commit()
    return organisation


def test_every_survey_page_says_who_is_asking_in_the_readers_language(client, named):
    assessment = make_links()
    link = link_for(assessment, group_id=1)
    logo = f"/organisation/logo/{named.logo_sha256}.png"
    english = client.get(f"/s/{link.token}?lang=en").get_data(as_text=True)
    chinese = client.get(f"/s/{link.token}?lang=zh_CN").get_data(as_text=True)
    for html in (english, chinese):
        assert logo in html
    assert "Example Group" in english and "Contact: csr@example.cn" in english
    assert "Used for the report only." in english and "示例集团" not in english
    assert "示例集团" in chinese and "联系：csr@example.cn" in chinese
    # The default introduction names the organisation instead of "本公司" / "our".
    assert "确定示例集团社会责任报告的实质性议题" in chinese and "本公司" not in chinese
    assert "the material topics of Example Group\u2019s CSR report" in english

    _data, stored = fill(client, f"/s/{link.token}?lang=en")
    thanks = client.get(stored.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "Example Group" in thanks and logo in thanks
    answered = client.get(f"/s/{link.token}?lang=en").get_data(as_text=True)
    assert "You have answered this survey" in answered and "Example Group" in answered
    feedback = link_for(assessment, kind="feedback")
    assert "Example Group" in client.get(f"/s/{feedback.token}?lang=en").get_data(as_text=True)
    company = link_for(assessment, kind="company", rater_kind="management")
    assert "示例集团" in client.get(f"/s/{company.token}?lang=zh_CN").get_data(as_text=True)
    link.state = "paused"
    db.session.commit()
    closed = client.get(f"/s/{link.token}?lang=en")
    assert closed.status_code == 404 and "Example Group" in closed.get_data(as_text=True)


def test_without_a_profile_the_survey_shows_no_empty_header(client, demo_data):
    link = link_for(make_links(), group_id=1)
    html = client.get(f"/s/{link.token}?lang=zh_CN").get_data(as_text=True)
    assert "survey-organisation" not in html and "本公司" in html


def test_the_poster_and_the_code_sheet_carry_the_organisation(admin_client, named):
    assessment = make_links()
    link = link_for(assessment, group_id=1)
    logo = f"/organisation/logo/{named.logo_sha256}.png"
    for lang, name in (("en", "Example Group"), ("zh_CN", "示例集团")):
        poster = admin_client.get(f"/fieldwork/links/{link.id}/poster?lang={lang}")
        html = poster.get_data(as_text=True)
        assert name in html and logo in html
    company = link_for(assessment, kind="company", rater_kind="management")
    generate_codes(company, 2)
    db.session.commit()
    for lang, name in (("en", "Example Group"), ("zh_CN", "示例集团")):
        sheet = admin_client.get(f"/fieldwork/links/{company.id}/codes/sheet?lang={lang}")
        html = sheet.get_data(as_text=True)
        assert html.count(name) >= 2 and logo in html


# -- bilingual titles --------------------------------------------------------------------------

def test_titles_follow_the_readers_language_with_a_fallback(client, demo_data):
    assessment = make_links()
    assessment.title = "2024年度议题调查"
    assessment.title_en = "Materiality assessment 2024"
    db.session.commit()
    link = link_for(assessment, group_id=1)
    assert assessment.display_title("en") == "Materiality assessment 2024"
    assert assessment.display_title("zh_CN") == "2024年度议题调查"
    english = client.get(f"/s/{link.token}?lang=en").get_data(as_text=True)
    assert "Materiality assessment 2024" in english and "2024年度" not in english
    assert "2024年度议题调查" in client.get(f"/s/{link.token}?lang=zh_CN").get_data(
        as_text=True)
    assessment.title_en = None
    db.session.commit()
    assert "2024年度议题调查" in client.get(f"/s/{link.token}?lang=en").get_data(
        as_text=True)


def test_staff_pages_name_the_assessment_in_the_pages_language(admin_client, demo_data):
    demo = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    demo.title, demo.title_en = "2023年度议题调查", "Materiality assessment 2023"
    db.session.commit()
    pages = ["/", "/admin/assessments", f"/admin/assessments/{demo.id}",
             f"/admin/assessments/{demo.id}/weights", f"/fieldwork/assessments/{demo.id}/links",
             "/report/", f"/report/{demo.id}/scores", f"/report/{demo.id}/matrix"]
    for page in pages:
        english = admin_client.get(f"{page}?lang=en")
        assert english.status_code == 200, page
        html = english.get_data(as_text=True)
        assert "Materiality assessment 2023" in html and "2023年度议题调查" not in html, page
        chinese = admin_client.get(f"{page}?lang=zh_CN").get_data(as_text=True)
        assert "2023年度议题调查" in chinese and "Materiality assessment 2023" not in chinese, page
    # Without an English title, the English pages show the one there is.
    demo.title_en = None
    db.session.commit()
    html = admin_client.get(f"/admin/assessments/{demo.id}?lang=en").get_data(as_text=True)
    assert "2023年度议题调查" in html


def test_the_assessment_form_takes_an_english_title(admin_client, demo_data):
    response = admin_client.post("/admin/assessments/new", data={
        "title": "2026年度评估", "title_en": "Assessment 2026", "reporting_year": "2026",
        "method": "classic"})
    assert response.status_code == 302
    created = db.session.scalar(db.select(Assessment).where(Assessment.title == "2026年度评估"))
    assert created.title_en == "Assessment 2026"
    # A new assessment starts from the default introduction, which names the organisation.
    assert "本公司" in admin_client.get("/admin/assessments/new").get_data(as_text=True)
    db.session.add(Organisation(id=1, name_zh="示例集团", name_en="Example Group"))
    db.session.commit()
    form = admin_client.get("/admin/assessments/new").get_data(as_text=True)
    assert "确定示例集团社会责任报告" in form and "Example Group\u2019s CSR report" in form


def test_the_english_methodology_note_quotes_no_chinese(editor_client, named):
    demo = db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2023))
    english = editor_client.get(f"/report/{demo.id}/methodology.md?locale=en").get_data(
        as_text=True)
    assert not re.search(r"[\u4e00-\u9fff]", english.split("\n## ")[0] + english[:2000])
    assert "议题分析" not in english and demo.title not in english
    assert "Example Group analysed the topics of the assessment of reporting year 2023" in english
    demo.title_en = "Materiality assessment 2023"
    db.session.commit()
    english = editor_client.get(f"/report/{demo.id}/methodology.md?locale=en").get_data(
        as_text=True)
    assert "the assessment \u201cMateriality assessment 2023\u201d" in english
    chinese = editor_client.get(f"/report/{demo.id}/methodology.md?locale=zh_CN").get_data(
        as_text=True)
    assert f"本说明介绍示例集团“{demo.title}”" in chinese


def test_the_bundle_carries_the_organisations_names_for_the_note(named, sqlite_template,
                                                                  tmp_path):
    import shutil

    from materiality.organisation import organisation_names
    from materiality.report.bundle import bundle_file, load_bundle
    from materiality.services.documents.bundle import unpack

    demo = db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2023))
    bundle = unpack(bundle_file(demo).content)
    assert bundle.json("organisation.json") == {"name_zh": "示例集团", "name_en": "Example Group"}
    assert "title_en" in bundle.json("assessment.json")

    empty = tmp_path / "empty.sqlite3"
    shutil.copyfile(sqlite_template, empty)
    fresh = create_app(base_test_config(f"sqlite:///{empty}"))
    with fresh.app_context():
        load_bundle(bundle)
        db.session.commit()
        assert organisation_names() == ("示例集团", "Example Group")
        db.session.remove()
        dispose_engines()


# -- copying a year ---------------------------------------------------------------------------

def test_the_copy_of_an_assessment_names_the_next_year(admin_client, demo_data):
    assert next_year_title("2024年度实质性议题评估", 2024, 2025) == "2025年度实质性议题评估"
    assert next_year_title("Materiality 2024 (ref 20241)", 2024, 2025) == \
        "Materiality 2025 (ref 20241)"
    assert next_year_title("Materiality assessment", 2024, 2025) == "Materiality assessment"
    source = make_links()
    source.title, source.title_en = "2024年度议题调查", "Materiality assessment 2024"
    db.session.commit()
    page = admin_client.get(f"/admin/assessments/{source.id}?lang=en").get_data(as_text=True)
    assert 'value="2025年度议题调查"' in page
    assert 'value="Materiality assessment 2025"' in page and 'value="2025"' in page
    response = admin_client.post(f"/admin/assessments/{source.id}/copy", data={
        "title": "2025年度议题调查", "title_en": "Materiality assessment 2025",
        "reporting_year": "2025"})
    assert response.status_code == 302
    copy = db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2025,
                                                         Assessment.copied_from_id == source.id))
    assert (copy.title, copy.title_en) == ("2025年度议题调查", "Materiality assessment 2025")


# -- short addresses ---------------------------------------------------------------------------

def test_a_short_address_leads_to_the_links_survey(client, demo_data):
    link = link_for(make_links(), group_id=1)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{8}", link.short_code)
    link.short_code = "7KQ2M01X"
    db.session.commit()
    for typed in ("7KQ2M01X", "7kq2m01x", "7KQ2MOIX", "7kq2molx"):
        response = client.get(f"/s/{typed}")
        assert response.status_code == 302, typed
        assert response.headers["Location"] == f"/s/{link.token}"
    followed = client.get("/s/7kq2m01x?lang=en", follow_redirects=True)
    assert followed.status_code == 200 and "Stakeholder survey" in followed.get_data(as_text=True)
    assert followed.request.path == f"/s/{link.token}"


def test_an_unknown_short_address_looks_like_an_unknown_token(client, demo_data):
    make_links()
    unknown_code = client.get("/s/ZZZZZZZZ?lang=en")
    unknown_token = client.get(f"/s/{'Z' * 32}?lang=en")
    assert unknown_code.status_code == unknown_token.status_code == 404
    # The same page, but for the address in its language switch.
    assert unknown_code.get_data(as_text=True).replace("ZZZZZZZZ", "Z" * 32) == \
        unknown_token.get_data(as_text=True)
    assert unknown_code.headers["Cache-Control"] == unknown_token.headers["Cache-Control"]
    assert client.get("/s/UUUUUUUU").status_code == 404  # not Crockford's: a token, unknown


def test_short_addresses_are_rate_limited(app, demo_data):
    link = link_for(make_links(), group_id=1)
    limited = create_app({**base_test_config(app.config["SQLALCHEMY_DATABASE_URI"]),
                          "RATELIMIT_ENABLED": True, "SURVEY_ADDRESS_GET_LIMIT": "3/minute",
                          "SURVEY_LINK_GET_LIMIT": "1/minute"})
    limiter.reset()
    client = limited.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    # The link's own ceiling counts the visit a short address leads to.
    assert client.get(f"/s/{link.short_code}", follow_redirects=True).status_code == 200
    assert client.get(f"/s/{link.short_code}", follow_redirects=True).status_code == 429
    # Guessing codes: each client's lookups of all short codes share one count.
    guesser = limited.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "198.51.100.10"
    codes = [guesser.get(f"/s/{code}").status_code
             for code in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD")]
    assert codes == [404, 404, 404, 429]
    with limited.app_context():
        dispose_engines()


def test_the_links_page_shows_short_addresses_with_a_copy_button(admin_client, demo_data):
    assessment = make_links()
    link = link_for(assessment, group_id=1)
    html = admin_client.get(f"/fieldwork/assessments/{assessment.id}/links?lang=en").get_data(
        as_text=True)
    assert f"http://localhost/s/{link.short_code}" in html
    assert f'data-copy="address-{link.id}"' in html and "Copy link" in html
    assert "copy_link.js" in html


def test_every_link_made_gets_its_own_short_code(app, demo_data):
    make_links()
    codes = db.session.scalars(db.select(SurveyLink.short_code)).all()
    assert all(codes) and len(set(codes)) == len(codes)


# -- the poster -------------------------------------------------------------------------------

def test_the_poster_says_how_long_it_takes_and_until_when(admin_client, demo_data):
    from datetime import date

    assessment = make_links()
    assessment.closes_on = date(2099, 6, 30)
    db.session.commit()
    link = link_for(assessment, group_id=1)
    topics = len(assessment.topic_links)
    html = admin_client.get(f"/fieldwork/links/{link.id}/poster?lang=en").get_data(as_text=True)
    assert f"About {minutes_to_answer(topics)} minutes · {topics} topics" in html
    assert minutes_to_answer(topics) == -(-topics * 10 // 60)
    assert "Open until 2099-06-30" in html
    assert f"localhost/s/{link.short_code}" in html
    assert 'class="poster poster-a4"' in html and "poster-a3.css" not in html
    a3 = admin_client.get(f"/fieldwork/links/{link.id}/poster?size=a3").get_data(as_text=True)
    assert 'class="poster poster-a3"' in a3 and "poster-a3.css" in a3
    feedback = link_for(assessment, kind="feedback")
    html = admin_client.get(f"/fieldwork/links/{feedback.id}/poster?lang=en").get_data(
        as_text=True)
    assert "About 1 minute · 5 questions" in html and "Open until" not in html
    assert minutes_to_answer(0) == 1 and minutes_to_answer(6) == 1 and minutes_to_answer(7) == 2
