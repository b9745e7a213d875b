"""Staff login: hashed passwords, lock-out, one message for every failure, safe redirects."""
from __future__ import annotations

import pytest
from conftest import TEST_PASSWORD

from materiality.auth.routes import safe_next
from materiality.extensions import db
from materiality.models import User


def test_password_is_stored_hashed(admin_user):
    assert TEST_PASSWORD not in admin_user.password_hash
    assert admin_user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_login_then_logout(client, admin_user, auth):
    response = auth.login()
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_message(client, admin_user):
    unknown = client.post("/auth/login", data={"email": "nobody@example.org",
                                               "password": TEST_PASSWORD})
    wrong = client.post("/auth/login", data={"email": admin_user.email, "password": "wrong-one"})
    assert unknown.status_code == wrong.status_code == 200

    def message(response):
        text = response.get_data(as_text=True)
        return text[text.index('class="flash'):].split("</p>")[0]

    assert message(unknown) == message(wrong)


def test_repeated_failures_lock_the_account(app, client, admin_user):
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/auth/login", data={"email": admin_user.email, "password": "bad"})
    db.session.expire_all()
    assert db.session.get(User, admin_user.id).locked_until is not None
    # Even the right password is refused while locked.
    response = client.post("/auth/login", data={"email": admin_user.email,
                                                "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_inactive_account_cannot_log_in(client, admin_user, auth):
    admin_user.active = False
    db.session.commit()
    auth.login()
    assert client.get("/").status_code == 302


def test_next_goes_to_our_own_pages_only(client, admin_user):
    data = {"email": admin_user.email, "password": TEST_PASSWORD}
    response = client.post("/auth/login?next=/admin/topics", data=data)
    assert response.headers["Location"] == "/admin/topics"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=https://evil.example/x", data=data)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "evil.example"])
def test_safe_next_refuses_other_hosts(target):
    assert safe_next(target) is None


def test_csrf_is_required_on_post(app, admin_user):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/auth/login", data={"email": admin_user.email,
                                                "password": TEST_PASSWORD})
    assert response.status_code == 400  # refused: no CSRF token
    assert client.get("/").status_code == 302


def test_editor_cannot_reach_admin_pages(editor_client):
    assert editor_client.get("/admin/topics").status_code == 403
    assert editor_client.get("/").status_code == 200


def test_admin_adds_an_editor(admin_client):
    response = admin_client.post("/admin/users", data={
        "email": "New.Editor@Example.org", "role": "editor", "password": "long enough pw"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "new.editor@example.org"))
    assert user is not None and user.role == "editor"


def test_admin_cannot_demote_themselves(admin_client, admin_user):
    admin_client.post(f"/admin/users/{admin_user.id}/make_editor")
    db.session.expire_all()
    assert db.session.get(User, admin_user.id).role == "admin"
