"""The in-memory rate-limit storage: the default for one machine, safe under threaded workers."""
from __future__ import annotations

import threading
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from materiality.rate_limits import ThreadSafeMemoryStorage


def test_memory_uri_uses_the_thread_safe_storage():
    # The app's default RATELIMIT_STORAGE_URI is memory://; Flask-Limiter resolves it this way.
    assert type(storage_from_string("memory://")) is ThreadSafeMemoryStorage


def test_hits_start_no_threads(monkeypatch):
    """limits 5.8.0 started a Timer per hit burst; two threads could start the same one twice."""
    storage = ThreadSafeMemoryStorage()
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    limiter = FixedWindowRateLimiter(storage)
    for _ in range(50):
        limiter.hit(parse("100/minute"), "link-a")
        time.sleep(0.001)
    assert started == []


def test_limits_still_count_and_expire():
    storage = ThreadSafeMemoryStorage()
    limiter = FixedWindowRateLimiter(storage)
    two_a_second = parse("2/second")
    assert [limiter.hit(two_a_second, "link-a") for _ in range(3)] == [True, True, False]
    assert limiter.hit(two_a_second, "link-b")
    time.sleep(1.05)
    assert limiter.hit(two_a_second, "link-a")


def test_expired_keys_are_purged():
    storage = ThreadSafeMemoryStorage()
    storage.PURGE_INTERVAL = 0.0
    storage.incr("old", expiry=0.01)
    time.sleep(0.02)
    storage.incr("new", expiry=60)
    assert "old" not in storage.storage and storage.get("new") == 1


def test_concurrent_hits_count_every_one():
    storage = ThreadSafeMemoryStorage()
    storage.PURGE_INTERVAL = 0.0  # purge on every hit: the most contention there can be
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(2000):
                storage.incr("link", expiry=60)
        except BaseException as error:  # noqa: BLE001  (collected and asserted below)
            errors.append(error)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and storage.get("link") == 16000


def _limited_app(database_url: str):  # noqa: ANN202
    from materiality import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "WTF_CSRF_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True})


def test_login_posts_are_limited_per_address(app):
    limited = _limited_app(app.config["SQLALCHEMY_DATABASE_URI"])
    client = limited.test_client()
    form = {"email": "nobody@example.org", "password": "wrong"}
    codes = [client.post("/auth/login", data=form).status_code for _ in range(31)]
    assert codes == [200] * 30 + [429]
    # Another address still gets in; reading the form is not limited.
    assert client.post("/auth/login", data=form,
                       environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200
    assert client.get("/auth/login").status_code == 200
    with limited.app_context():
        from materiality.extensions import db

        db.engine.dispose()

