"""The deployment that scales out, with real parts: Debian's nginx running the site file
in deploy/, two gunicorn instances (deploy/gunicorn.conf.py) of the installed wheel (not
the checkout: tests/deploy/installed.py) on PostgreSQL and Redis.

A burst of complete survey responses goes through nginx; one instance is killed with
SIGKILL in the middle of it. Every response the respondent saw acknowledged (303 to
the thanks page) is stored exactly once and whole, and none is stored twice. A
respondent whose POST died with the instance sends the same form again, as a person
pressing the button again would.
"""
from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from gzip import decompress
from pathlib import Path
from typing import NamedTuple

import pytest
from installed import clean_environment, installed
from live_http import Client, free_port, survey_form, wait_for_http
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx-materiality.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
OPENSSL = shutil.which("openssl")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
RESPONSES = 300
CLIENTS = 20
#: Acknowledged responses before one instance is killed.
KILL_AFTER = 100
#: A respondent whose POST got no answer (the instance died) sends it again, this often.
ATTEMPTS = 3


def _redis_reachable() -> bool:
    if not TEST_REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


if NGINX is None:
    pytest.skip("nginx is not installed (apt-get install nginx-light; .ci/run does)",
                allow_module_level=True)
if OPENSSL is None:
    pytest.skip("openssl is not installed (needed for the test's TLS certificate)",
                allow_module_level=True)
if not TEST_DATABASE_URL:
    pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL (.ci/run does)", allow_module_level=True)
if not _redis_reachable():
    pytest.skip("needs Redis: set TEST_REDIS_URL to a reachable server (.ci/run does)",
                allow_module_level=True)


def replace_once(config: str, old: str, new: str) -> str:
    """Substitute one line of the site file; fail loudly when the file changed shape."""
    assert config.count(old) == 1, f"{old!r} should occur once in {SITE.name}"
    return config.replace(old, new)


def nginx_config(folder: Path, https_port: int, http_port: int, upstreams: tuple[int, int]) -> Path:
    """The site file as shipped, with this test's ports, certificate and static folder,
    inside a minimal main configuration that runs as the current user in ``folder``."""
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    site = SITE.read_text()
    site = replace_once(site, "server 127.0.0.1:8000 ", f"server 127.0.0.1:{upstreams[0]} ")
    site = replace_once(site, "server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[1]} ")
    site = replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = replace_once(site, "listen [::]:80;", "")
    site = replace_once(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = replace_once(site, "listen [::]:443 ssl http2;", "")
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {folder / 'cert.pem'};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {folder / 'key.pem'};", site)
    static = installed().package_folder("static")
    site = re.sub(r"alias \S+/materiality/static/;", f"alias {static}/;", site)
    (folder / "site.conf").write_text(site)
    # As root, nginx would hand the workers to 'nobody', who cannot read the temp folders.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(f"    {kind}_temp_path {folder / kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = folder / "nginx.conf"
    main.write_text(f"""{user}
worker_processes 1;
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder / 'access.log'};
{temp_paths}
    include {folder / 'site.conf'};
}}
""")
    return main


@pytest.fixture(scope="module")
def survey_paths(postgres_url: str) -> list[str]:
    """A fresh PostgreSQL database with the demo data and one link per group."""
    import redis
    from conftest import _reset_postgres, base_test_config
    from survey_helpers import make_links

    from materiality import create_app
    from materiality.extensions import db, dispose_engines
    from materiality.models import SurveyLink
    from materiality.seed import seed_demo

    _reset_postgres(postgres_url)
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    app = create_app(base_test_config(postgres_url))
    with app.app_context():
        seed_demo()
        db.session.commit()
        assessment = make_links()
        tokens = db.session.scalars(db.select(SurveyLink.token).where(
            SurveyLink.assessment_id == assessment.id, SurveyLink.group_id.is_not(None),
            SurveyLink.kind == "stakeholder", SurveyLink.requires_code.is_(False))).all()
        db.session.remove()
        dispose_engines()
    assert len(tokens) == 8
    return [f"/s/{token}" for token in tokens]


class Deployment(NamedTuple):
    base: str  #: https://, the site
    plain_base: str  #: http://, which only redirects
    instances: list[subprocess.Popen]
    logs: list[Path]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, postgres_url: str, survey_paths: list[str]):
    """nginx on loopback ports in front of two gunicorn instances, shared by this
    module's tests (the burst, which kills one, comes last)."""
    tmp_path = tmp_path_factory.mktemp("deployment")
    ports = (free_port(), free_port())
    package = installed()
    env = {**clean_environment(package.bin), "APP_ENV": "production",
           "SECRET_KEY": "shared-by-both-instances",
           "DATABASE_URL": postgres_url, "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
           "TRUST_PROXY": "1", "SURVEY_MIN_SECONDS": "0", "INSTANCE_PATH": str(tmp_path / "instance"),
           # The burst is one client machine; the limits themselves are tested elsewhere.
           "SURVEY_LINK_GET_LIMIT": "100000/minute", "SURVEY_LINK_POST_LIMIT": "100000/minute",
           "SURVEY_ADDRESS_GET_LIMIT": "100000/minute", "SURVEY_ADDRESS_POST_LIMIT": "100000/minute",
           "SURVEY_BROWSER_GET_LIMIT": "100000/minute", "SURVEY_BROWSER_POST_LIMIT": "100000/minute"}
    gunicorn = str(package.bin / "gunicorn")
    instances: list[subprocess.Popen] = []
    logs = [tmp_path / "instance-0.log", tmp_path / "instance-1.log"]
    proxy = None
    try:
        for port, log in zip(ports, logs, strict=True):
            with log.open("wb") as output:
                instances.append(subprocess.Popen(
                    [gunicorn, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                     "--bind", f"127.0.0.1:{port}", "--workers", "2", "materiality:create_app()"],
                    cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT,
                    start_new_session=True))  # its own process group: SIGKILL takes the workers too
        nginx_dir = tmp_path / "nginx"
        nginx_dir.mkdir()
        https_port, http_port = free_port(), free_port()
        config = nginx_config(nginx_dir, https_port, http_port, ports)
        command = [NGINX, "-p", str(nginx_dir), "-c", str(config), "-e", str(nginx_dir / "error.log")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        proxy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for port in ports:
            wait_for_http(f"http://127.0.0.1:{port}/healthz", instances)
        base = f"https://127.0.0.1:{https_port}"
        wait_for_http(f"{base}/healthz", [proxy])
        yield Deployment(base, f"http://127.0.0.1:{http_port}", instances, logs)
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(10)
        for instance in instances:
            if instance.poll() is None:
                os.killpg(instance.pid, signal.SIGTERM)
        for instance in instances:
            instance.wait(30)


def test_the_site_compresses_text_and_keeps_versioned_static_files_a_year(
        deployment: Deployment):
    with Client(deployment.plain_base) as plain:
        assert plain.get("/auth/login").status == 301  # to https
    with Client(deployment.base) as browser:
        _check_compression_and_static_caching(browser)


def _check_compression_and_static_caching(browser: Client) -> None:
    page = browser.get("/auth/login", headers={"Accept-Encoding": "gzip"})
    assert page.status == 200 and page.headers["Content-Encoding"] == "gzip"
    html = decompress(page.body).decode()
    stylesheet = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', html).group(1)
    versioned = browser.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert versioned.status == 200
    assert "max-age=31536000" in versioned.headers["Cache-Control"]
    assert versioned.headers["Content-Encoding"] == "gzip"
    # nginx sent the wheel's precompressed copy (gzip_static), not a fresh compression.
    precompressed = Path(installed().package_folder("static")) / "css" / "app.css.gz"
    assert versioned.body == precompressed.read_bytes()
    plain = browser.get("/static/css/app.css")
    assert "immutable" not in plain.headers["Cache-Control"]


def test_a_burst_survives_killing_one_instance_with_every_acknowledged_response_stored_once(
        deployment: Deployment, survey_paths: list[str], postgres_url: str):
    base, _plain_base, instances, logs = deployment
    acknowledged: list[str] = []
    sent: list[str] = []
    failed_pages: list[str] = []
    retried: list[str] = []
    lock = threading.Lock()
    enough_before_kill = threading.Event()

    def respond(index: int) -> None:
        with Client(base) as browser:
            respond_once(browser, survey_paths[index % len(survey_paths)])

    def respond_once(browser: Client, path: str) -> None:
        try:
            form = survey_form(browser, path)
        except (AssertionError, OSError) as error:  # nginx should have retried it elsewhere
            with lock:
                failed_pages.append(f"{path}: {error}")
            return
        with lock:
            sent.append(form["uid"])
        for attempt in range(ATTEMPTS):
            try:
                reply = browser.post(path, form)
            except OSError:
                reply = None
            if reply is not None and reply.status == 303 and "/thanks" in reply.location:
                with lock:
                    acknowledged.append(form["uid"])
                    if len(acknowledged) >= KILL_AFTER:
                        enough_before_kill.set()
                return
            with lock:
                retried.append(f"{form['uid']}: {reply.status if reply else 'no answer'}")
            time.sleep(0.2 * (attempt + 1))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(respond, index) for index in range(RESPONSES)]
        assert enough_before_kill.wait(120), "the burst did not get going"
        with lock:
            at_kill = len(acknowledged)
        os.killpg(instances[0].pid, signal.SIGKILL)
        for future in futures:
            future.result()
    elapsed = time.monotonic() - started

    assert instances[0].wait(10) == -signal.SIGKILL
    assert failed_pages == [], failed_pages[:5]
    # The burst went on after the kill, through the instance left.
    assert at_kill < len(acknowledged)
    assert len(acknowledged) == RESPONSES, (len(acknowledged), retried[:10])
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        rows = dict(connection.execute(text(
            "SELECT s.uid, count(DISTINCT s.id) * 1000 + count(r.submission_id) FROM submission s "
            "LEFT JOIN rating r ON r.submission_id = s.id "
            "WHERE s.uid NOT LIKE 'demo-%' GROUP BY s.uid")).all())
        duplicated = connection.execute(text(
            "SELECT count(*) FROM (SELECT uid FROM submission GROUP BY uid HAVING count(*) > 1) d"
        )).scalar_one()
    engine.dispose()
    # One submission row with its 23 ratings for every acknowledged response, none twice.
    assert duplicated == 0
    assert {uid: rows.get(uid) for uid in acknowledged} == {uid: 1023 for uid in acknowledged}
    assert set(rows) <= set(sent)
    # Both instances served the burst before the kill.
    for log in logs:
        assert "POST /s/" in log.read_text(errors="replace"), log
    print(f"\n{RESPONSES} responses through nginx in {elapsed:.1f} s, instance killed after "
          f"{at_kill}; {len(retried)} POSTs sent again")
