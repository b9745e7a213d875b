"""The in-memory rate-limit storage: the default for one machine, safe under threaded workers."""
from __future__ import annotations

import shutil
import threading
import time

import pytest
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
        from materiality.extensions import dispose_engines

        dispose_engines()



def test_the_private_names_the_override_replaces_still_exist():
    """ThreadSafeMemoryStorage replaces limits 5.8's private hook; a release that renamed it
    would silently bring the timer threads back (hence the pin on limits 5.8.x)."""
    from limits.storage import MemoryStorage

    assert callable(getattr(MemoryStorage, "_MemoryStorage__schedule_expiry", None))
    assert callable(getattr(MemoryStorage, "_MemoryStorage__expire_events", None))


# -- Redis down: a real redis-server of the test's own, started and killed --------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayRedis:
    """A redis-server on a free port with no persistence, for stopping mid-test."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        import subprocess

        import redis

        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = ThrowawayRedis()
    server.start()
    yield server
    server.stop()


def test_the_fallback_counts_in_memory_while_redis_is_down_and_returns_to_it(redis_server):
    from limits.storage import storage_from_string

    from materiality.rate_limits import FallbackRateLimiter, storage_options

    storage = storage_from_string(redis_server.url, **storage_options(redis_server.url))
    limiter = FallbackRateLimiter(storage)
    limiter.RETRY_SECONDS = 0.5
    three = parse("3/minute")
    assert [limiter.hit(three, "link-a") for _ in range(2)] == [True, True]
    assert storage.get(three.key_for("link-a")) == 2  # counted in Redis
    redis_server.stop()
    # Down: counted in this process's memory, a fresh window; no error reaches the caller.
    assert [limiter.hit(three, "link-a") for _ in range(4)] == [True, True, True, False]
    assert limiter.storage_down and not limiter.storage_answers()
    redis_server.start()  # the same port, empty
    time.sleep(0.5)  # past RETRY_SECONDS: the next hit tries Redis again
    assert limiter.hit(three, "link-a") and not limiter.storage_down
    assert storage.get(three.key_for("link-a")) == 1


def test_redis_stopped_leaves_the_survey_and_the_login_working(app, redis_server, _flask_limiter_recovers):
    """The issue's "done when": Redis stopped leaves the survey working; /healthz says so."""
    from survey_helpers import fill, link_for, make_links

    from materiality import create_app
    from materiality.extensions import db, dispose_engines
    from materiality.models import Submission
    from materiality.seed import seed_demo

    limited = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_server.url,
                          "SURVEY_MIN_SECONDS": 0, "SURVEY_BROWSER_GET_LIMIT": "4/minute"})
    seed_demo()
    token = link_for(make_links(), group_id=1).token
    db.session.commit()
    client = limited.test_client()
    assert client.get("/healthz").json == {"status": "ok", "database": "ok", "rate_limit_storage": "ok"}
    assert fill(client, f"/s/{token}")[1].status_code == 303

    redis_server.stop()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json == {"status": "degraded", "database": "ok", "rate_limit_storage": "down"}
    data, response = fill(client, f"/s/{token}", {"expectations": "Redis is down"})
    assert response.status_code == 303
    login = client.post("/auth/login", data={"email": "nobody@example.org", "password": "wrong"})
    assert login.status_code == 200  # the form again, with its message; not a 500
    # The limits still hold, counted in memory: this browser's fifth page view since Redis stopped.
    assert [client.get(f"/s/{token}").status_code for _ in range(4)] == [200, 200, 200, 429]
    stored = db.session.scalars(db.select(Submission.expectations).where(
        ~Submission.uid.startswith("demo-"))).all()
    assert sorted(stored, key=str) == sorted([None, "Redis is down"], key=str)
    with limited.app_context():
        dispose_engines()


@pytest.fixture
def _flask_limiter_recovers():
    """Flask-Limiter keeps its "storage dead" flag on the module-level limiter, across apps;
    a later test's app must not start on the fallback."""
    yield
    from materiality.extensions import limiter

    limiter._storage_dead = False


def test_health_check_answers_503_when_the_database_is_down():
    from materiality import create_app

    down = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "RATELIMIT_ENABLED": True,
                       "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none",
                       "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}})
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "down", "database": "down", "rate_limit_storage": "memory"}
    assert response.headers["Cache-Control"] == "no-store"
