"""Bilingual from the first line: the user's choice, else the browser's language, else zh_CN."""
from __future__ import annotations



def test_default_is_chinese(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "登录" in page


def test_browser_language_is_used(client):
    page = client.get("/auth/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="en"' in page.get_data(as_text=True)


def test_chosen_language_is_remembered(client):
    response = client.get("/lang/en?next=/auth/login")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'lang="en"' in page and "Log in" in page


def test_language_switch_never_redirects_elsewhere(client):
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_every_page_has_the_language_switch(admin_client, demo_data):
    for path in ("/", "/admin/topics", "/admin/groups", "/admin/assessments"):
        page = admin_client.get(path).get_data(as_text=True)
        assert 'class="lang-switch"' in page, path
