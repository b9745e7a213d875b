"""Wrong passwords sent at once are each counted, and lock the account at the limit (real server)."""
from __future__ import annotations

import http.client
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import TEST_PASSWORD
from werkzeug.serving import make_server

from materiality.extensions import db
from materiality.models import User, as_utc, now_utc


@pytest.fixture
def live_server(app):
    """The app in a real threaded server on 127.0.0.1, on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(5)


def post_logins_at_once(port: int, email: str, passwords: list[str]) -> list[int]:
    """POST one login per password, all released by one barrier; the statuses."""
    barrier = threading.Barrier(len(passwords))

    def post(password: str) -> int:
        body = urllib.parse.urlencode({"email": email, "password": password})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.connect()
            barrier.wait()
            connection.request("POST", "/auth/login", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(passwords)) as pool:
        return list(pool.map(post, passwords))


def stored_user(user_id: int) -> User:
    db.session.remove()
    return db.session.get(User, user_id)


def test_twelve_wrong_passwords_at_once_lock_the_account(app, admin_user, live_server):
    app.config.update(LOGIN_MAX_FAILURES=5, LOGIN_LOCK_MINUTES=15)
    statuses = post_logins_at_once(live_server, admin_user.email,
                                   [f"wrong password {n}" for n in range(12)])
    assert statuses == [200] * 12  # the form again, with the one message for every failure
    user = stored_user(admin_user.id)
    assert user.locked_until is not None and as_utc(user.locked_until) > now_utc()
    # The attempt that reached the limit started the count again; later ones found it locked.
    assert user.failed_logins == 0
    # Locked: even the right password is refused now.
    assert post_logins_at_once(live_server, admin_user.email, [TEST_PASSWORD]) == [200]


def test_wrong_passwords_at_once_are_each_counted(app, admin_user, live_server):
    app.config.update(LOGIN_MAX_FAILURES=10)
    post_logins_at_once(live_server, admin_user.email, [f"wrong {n}" for n in range(6)])
    user = stored_user(admin_user.id)
    assert user.failed_logins == 6 and user.locked_until is None
    # Under the limit the right password still logs in (and starts the count again).
    assert post_logins_at_once(live_server, admin_user.email, [TEST_PASSWORD]) == [302]
    assert stored_user(admin_user.id).failed_logins == 0


def test_a_lock_that_has_run_out_counts_afresh(app, admin_user):
    from datetime import timedelta

    from materiality.auth.operations import record_failed_login

    admin_user.locked_until = now_utc() - timedelta(minutes=1)
    db.session.commit()
    record_failed_login(admin_user.id, max_failures=5, lock_minutes=15)
    db.session.commit()
    user = stored_user(admin_user.id)
    assert user.failed_logins == 1 and user.locked_until is None
