"""Staff sessions end for real: logout and password changes void old session and remember cookies."""
from __future__ import annotations

from conftest import TEST_PASSWORD, make_user

from materiality.extensions import db
from materiality.models import User

NEW_PASSWORD = "a brand new passphrase"  # noqa: S105


def log_in(client, email: str = "admin@example.org", password: str = TEST_PASSWORD,
           remember: bool = True):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/auth/login", data=data)


def cookies_of(client) -> dict[str, str]:
    """The session and remember cookies a browser would keep."""
    found = {}
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            found[name] = cookie.value
    return found


def replay(app, cookies: dict[str, str]):
    """A new browser that holds only these cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def opens_users_page(app, cookies: dict[str, str]) -> bool:
    response = replay(app, cookies).get("/admin/users")
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def test_remember_cookie_is_lax_and_http_only(client, admin_user):
    response = log_in(client)
    remember = [value for value in response.headers.getlist("Set-Cookie")
                if value.startswith("remember_token=")]
    assert len(remember) == 1
    assert "SameSite=Lax" in remember[0] and "HttpOnly" in remember[0]


def test_logout_voids_the_old_session_and_remember_cookies(app, client, admin_user):
    log_in(client)
    old = cookies_of(client)
    assert set(old) == {"session", "remember_token"}
    # Before logout each cookie alone opens the staff pages (so the check below can fail).
    assert opens_users_page(app, {"session": old["session"]})
    assert opens_users_page(app, {"remember_token": old["remember_token"]})

    client.post("/auth/logout")

    assert not opens_users_page(app, old)
    assert not opens_users_page(app, {"session": old["session"]})
    assert not opens_users_page(app, {"remember_token": old["remember_token"]})
    # Logging in again works and issues cookies that open the pages.
    log_in(client)
    assert opens_users_page(app, cookies_of(client))


def test_logout_ends_the_sessions_on_other_devices_too(app, client, admin_user):
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop)
    log_in(phone)
    laptop.post("/auth/logout")
    assert phone.get("/admin/users").status_code == 302


def test_cookies_from_before_session_versions_open_nothing(app, client, admin_user):
    """A cookie holding the bare user id (as issued before migration 0003) is refused."""
    with client.session_transaction() as session:
        session["_user_id"] = str(admin_user.id)
        session["_fresh"] = True
    assert client.get("/admin/users").status_code == 302


def test_change_password_needs_the_current_one(app, client, admin_user):
    log_in(client)
    response = client.post("/auth/password", data={
        "current_password": "not my password", "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert response.status_code == 200
    assert "current password is wrong" in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, admin_user.id)
    assert user.check_password(TEST_PASSWORD) and user.failed_logins == 1


def test_change_password_checks_the_new_one(client, admin_user):
    log_in(client)
    mismatch = client.post("/auth/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD + "x"})
    short = client.post("/auth/password", data={
        "current_password": TEST_PASSWORD, "new_password": "short",
        "new_password_again": "short"})
    assert "The two passwords differ." in mismatch.get_data(as_text=True)
    assert "The password needs 10 to 200 characters." in short.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin_user.id).check_password(TEST_PASSWORD)


def test_change_password_ends_other_sessions_and_keeps_this_one(app, client, admin_user):
    other_device = app.test_client()
    log_in(other_device)
    log_in(client)
    before = cookies_of(client)
    response = client.post("/auth/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    # This browser stays in, with a fresh remember cookie that works on its own.
    assert client.get("/admin/users").status_code == 200
    after = cookies_of(client)
    assert after["remember_token"] != before["remember_token"]
    assert opens_users_page(app, {"remember_token": after["remember_token"]})
    # Everything issued before the change opens nothing.
    assert other_device.get("/admin/users").status_code == 302
    assert not opens_users_page(app, {"session": before["session"]})
    assert not opens_users_page(app, {"remember_token": before["remember_token"]})
    # The new password logs in, the old one no longer does.
    assert log_in(app.test_client(), password=TEST_PASSWORD).status_code == 200
    assert log_in(app.test_client(), password=NEW_PASSWORD).status_code == 302


def test_change_password_page_is_for_logged_in_staff(client, editor_user):
    assert client.get("/auth/password").status_code == 302
    log_in(client, editor_user.email)
    page = client.get("/auth/password")
    assert page.status_code == 200 and 'name="current_password"' in page.get_data(as_text=True)


def test_the_header_links_to_the_password_change(admin_client):
    assert 'href="/auth/password"' in admin_client.get("/").get_data(as_text=True)


def test_sessions_of_other_users_are_untouched(app, client, admin_user):
    make_user("editor@example.org", "editor")
    editor = app.test_client()
    log_in(editor, "editor@example.org")
    log_in(client)
    client.post("/auth/logout")
    assert editor.get("/").status_code == 200
