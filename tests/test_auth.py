"""Staff login: hashed passwords, lock-out, one message for every failure, safe redirects."""
from __future__ import annotations

import pytest
from conftest import TEST_PASSWORD

from materiality.auth.routes import safe_next
from materiality.extensions import db, dispose_engines
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
    admin_client.post(f"/admin/users/{admin_user.id}/make_editor", data={"confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(User, admin_user.id).role == "admin"


# -- one email rule for the login form, the users page and create-user -----------------------

REFUSED_ADDRESSES = ["admin@localhost", "admin@server", "not-an-email", "a b@example.org",
                     "admin@example..org", "@example.org", "admin@", "x" * 250 + "@example.org"]
ACCEPTED_ADDRESSES = ["Boss@Example.org", " staff@example.org ", "张三@例子.中国"]


def login_form_refuses(client, address: str) -> bool:
    client.set_cookie("lang", "en")
    page = client.post("/auth/login", data={"email": address, "password": "whatever"})
    return "Enter a valid email address" in page.get_data(as_text=True)


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_create_user_refuses_what_the_login_form_refuses(client, runner, address):
    assert login_form_refuses(client, address)
    result = runner.invoke(args=["create-user", address, "--password", TEST_PASSWORD])
    assert result.exit_code != 0
    assert "Error" in result.output and repr(address) in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


@pytest.mark.parametrize("address", ACCEPTED_ADDRESSES)
def test_what_create_user_accepts_can_log_in(client, runner, address):
    assert not login_form_refuses(client, address)
    result = runner.invoke(args=["create-user", address, "--password", TEST_PASSWORD])
    assert result.exit_code == 0, result.output
    response = client.post("/auth/login", data={"email": address, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("password", ["short", "x" * 201])
def test_create_user_refuses_a_password_of_the_wrong_length(runner, password):
    result = runner.invoke(args=["create-user", "staff@example.org", "--password", password])
    assert result.exit_code != 0 and "Error" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_users_page_refuses_what_the_login_form_refuses(admin_client):
    admin_client.set_cookie("lang", "en")
    page = admin_client.post("/admin/users", data={
        "email": "editor@localhost", "role": "editor", "password": "long enough pw"})
    assert page.status_code == 200
    assert "Enter a valid email address" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "editor@localhost")) is None


# -- the login limit behind a proxy ---------------------------------------------------------

def _limited_app(database_url: str, trust_proxy: bool):  # noqa: ANN202
    from materiality import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                       "WTF_CSRF_ENABLED": False, "SQLALCHEMY_DATABASE_URI": database_url,
                       "RATELIMIT_ENABLED": True, "TRUST_PROXY": trust_proxy})


def _login_statuses(client, forwarded_for: str, times: int) -> list[int]:
    # An empty form is refused before any password hashing, yet counts against the limit.
    return [client.post("/auth/login", data={}, headers={"X-Forwarded-For": forwarded_for},
                        environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
            for _ in range(times)]


@pytest.mark.parametrize("trust_proxy", [True, False])
def test_login_limit_is_per_client_behind_a_trusted_proxy(app, trust_proxy):
    limited = _limited_app(app.config["SQLALCHEMY_DATABASE_URI"], trust_proxy)
    client = limited.test_client()
    assert _login_statuses(client, "203.0.113.7", 31) == [200] * 30 + [429]
    # Another client behind the same proxy (REMOTE_ADDR is the proxy's address for both):
    other = _login_statuses(client, "198.51.100.20", 1)
    assert other == ([200] if trust_proxy else [429])
    with limited.app_context():
        dispose_engines()
