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


def in_english(client):
    """The client with English chosen (the default language is Chinese)."""
    client.set_cookie("lang", "en")
    return client


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
    """A cookie holding the bare user id (as issued before migration 0004) is refused."""
    with client.session_transaction() as session:
        session["_user_id"] = str(admin_user.id)
        session["_fresh"] = True
    assert client.get("/admin/users").status_code == 302


def test_change_password_needs_the_current_one(app, client, admin_user):
    log_in(in_english(client))
    response = client.post("/auth/password", data={
        "current_password": "not my password", "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert response.status_code == 200
    assert "current password is wrong" in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, admin_user.id)
    assert user.check_password(TEST_PASSWORD) and user.failed_logins == 1


def test_change_password_checks_the_new_one(client, admin_user):
    log_in(in_english(client))
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


# -- reset links ---------------------------------------------------------------------------

def issue_reset_link(admin_client, user_id: int) -> str:
    import re

    page = admin_client.post(f"/admin/users/{user_id}/reset-link", data={"confirmed": "yes"})
    assert page.status_code == 200
    return re.search(r'id="reset-link"[^>]*value="([^"]+)"', page.get_data(as_text=True))[1]


def test_users_page_offers_a_reset_link(admin_client, editor_user):
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{editor_user.id}/reset-link"' in page


def test_reset_link_sets_a_new_password_once(app, admin_client, editor_user):
    link = issue_reset_link(admin_client, editor_user.id)
    assert link.startswith("http://localhost/auth/reset/")
    path = link.removeprefix("http://localhost")
    editor_device = app.test_client()
    log_in(editor_device, editor_user.email)

    stranger = in_english(app.test_client())
    form = stranger.get(path)
    assert form.status_code == 200 and editor_user.email in form.get_data(as_text=True)
    response = stranger.post(path, data={"new_password": NEW_PASSWORD,
                                         "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert log_in(app.test_client(), editor_user.email, NEW_PASSWORD).status_code == 302
    assert log_in(app.test_client(), editor_user.email, TEST_PASSWORD).status_code == 200
    # The editor's earlier sessions have ended.
    assert editor_device.get("/").status_code == 302

    # Used once: the link now refuses, and a second try changes nothing.
    again = stranger.get(path)
    assert again.status_code == 410 and "used already" in again.get_data(as_text=True)
    stranger.post(path, data={"new_password": "yet another password",
                              "new_password_again": "yet another password"})
    db.session.expire_all()
    assert db.session.get(User, editor_user.id).check_password(NEW_PASSWORD)


def test_reset_link_checks_the_new_password(app, admin_client, editor_user):
    path = issue_reset_link(admin_client, editor_user.id).removeprefix("http://localhost")
    response = in_english(app.test_client()).post(path, data={"new_password": "short",
                                                  "new_password_again": "short"})
    assert response.status_code == 200
    assert "The password needs 10 to 200 characters." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, editor_user.id).check_password(TEST_PASSWORD)
    # A refused attempt does not use the link up.
    assert app.test_client().get(path).status_code == 200


def test_reset_link_lifts_a_lock(app, admin_client, editor_user):
    editor_user.failed_logins = 3
    from datetime import timedelta

    from materiality.models import now_utc
    editor_user.locked_until = now_utc() + timedelta(minutes=10)
    db.session.commit()
    path = issue_reset_link(admin_client, editor_user.id).removeprefix("http://localhost")
    app.test_client().post(path, data={"new_password": NEW_PASSWORD,
                                       "new_password_again": NEW_PASSWORD})
    assert log_in(app.test_client(), editor_user.email, NEW_PASSWORD).status_code == 302


def test_reset_link_expires_after_a_day(app, editor_user, monkeypatch):
    import time

    from itsdangerous import TimestampSigner

    from materiality.auth.operations import reset_token

    issued = int(time.time()) - 24 * 3600 - 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
    token = reset_token(editor_user, app.secret_key)
    monkeypatch.undo()
    response = in_english(app.test_client()).get(f"/auth/reset/{token}")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    # Issued just inside the day, the same kind of link still works.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued + 120)
    token = reset_token(editor_user, app.secret_key)
    monkeypatch.undo()
    assert app.test_client().get(f"/auth/reset/{token}").status_code == 200


def test_a_password_change_voids_an_open_reset_link(app, admin_client, editor_user):
    path = issue_reset_link(admin_client, editor_user.id).removeprefix("http://localhost")
    editor = app.test_client()
    log_in(editor, editor_user.email)
    editor.post("/auth/password", data={"current_password": TEST_PASSWORD,
                                        "new_password": NEW_PASSWORD,
                                        "new_password_again": NEW_PASSWORD})
    assert app.test_client().get(path).status_code == 410


def test_forged_and_malformed_reset_links_open_nothing(app, admin_client, editor_user):
    path = issue_reset_link(admin_client, editor_user.id).removeprefix("http://localhost")
    anonymous = in_english(app.test_client())
    forged = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    for bad in (forged, "/auth/reset/x", "/auth/reset/%00", "/auth/reset/" + "a" * 5000,
                "/auth/reset/eyJ1c2VyIjoxfQ"):
        response = anonymous.get(bad)
        assert response.status_code == 404, bad
        assert "not valid" in response.get_data(as_text=True)
        assert anonymous.post(bad, data={"new_password": NEW_PASSWORD,
                                         "new_password_again": NEW_PASSWORD}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, editor_user.id).check_password(TEST_PASSWORD)


def test_a_reset_link_from_another_secret_key_is_refused(app, editor_user):
    from materiality.auth.operations import reset_token

    token = reset_token(editor_user, "some other key")
    assert app.test_client().get(f"/auth/reset/{token}").status_code == 404


def test_editors_cannot_issue_reset_links(editor_client, admin_user):
    assert editor_client.post(f"/admin/users/{admin_user.id}/reset-link",
                              data={"confirmed": "yes"}).status_code == 403


def test_reset_links_and_password_pages_are_never_cached(app, admin_client, editor_user):
    page = admin_client.post(f"/admin/users/{editor_user.id}/reset-link", data={"confirmed": "yes"})
    assert page.headers["Cache-Control"] == "no-store"
    path = issue_reset_link(admin_client, editor_user.id).removeprefix("http://localhost")
    assert app.test_client().get(path).headers["Cache-Control"] == "no-store"
    assert admin_client.get("/auth/password").headers["Cache-Control"] == "no-store"


def test_users_page_shows_only_current_locks(admin_client, editor_user):
    from datetime import timedelta

    from materiality.models import now_utc

    admin_client.set_cookie("lang", "en")
    editor_user.locked_until = now_utc() + timedelta(minutes=5)
    db.session.commit()
    assert "locked after failed logins" in admin_client.get("/admin/users").get_data(as_text=True)
    editor_user.locked_until = now_utc() - timedelta(minutes=5)
    db.session.commit()
    assert "locked after failed logins" not in admin_client.get("/admin/users").get_data(
        as_text=True)
