"""What the deployment tests share: free ports, started servers, and a small HTTP client
that keeps its cookies and fills in the survey the way a phone does."""
from __future__ import annotations

import http.client
import re
import socket
import ssl
import subprocess
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import unescape

from survey_helpers import hidden_fields, topic_fields

# A link's full address (its 32-character token), not its short /s/<8 characters> alias.
LINK_PATTERN = re.compile(r"/s/[A-Za-z0-9_-]{20,}")


def free_port() -> int:
    """A loopback port nobody listens on (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, processes: list[subprocess.Popen], timeout: float = 60) -> None:
    """Poll ``url`` until it answers 200; fail early when a started process has died."""
    parsed = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout
    while True:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        probe = Client(f"{parsed.scheme}://{parsed.netloc}", timeout=5)
        try:
            if probe.get(parsed.path).status == 200:
                return
        except OSError:
            pass
        finally:
            probe.close()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer 200 within {timeout} s")
        time.sleep(0.2)


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Client:
    """One browser: keeps its cookies and one keep-alive connection; follows no redirects.

    Cookies go back whatever their Secure flag says: the tests talk to loopback,
    sometimes over plain HTTP to a production-mode app.
    """

    base: str
    timeout: float = 30
    cookies: dict[str, str] = field(default_factory=dict)
    _connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        parsed = urllib.parse.urlsplit(self.base)
        if parsed.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
            return http.client.HTTPSConnection(parsed.hostname, parsed.port, timeout=self.timeout,
                                               context=context)
        return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=self.timeout)

    def request(self, method: str, path: str, form: Mapping[str, str] | None = None,
                headers: Mapping[str, str] | None = None) -> Reply:
        """Send one request on the kept connection (a fresh one if it was closed)."""
        path = urllib.parse.urlsplit(path)._replace(scheme="", netloc="").geturl()
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self._connection is None:
            self._connection = self._connect()
        try:
            self._connection.request(method, path, body=body, headers=sent)
            response = self._connection.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if reply.headers.get("Connection", "").lower() == "close":
            self.close()
        for cookie in reply.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return reply

    def get(self, path: str, **kwargs) -> Reply:  # noqa: ANN003
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: Mapping[str, str], **kwargs) -> Reply:  # noqa: ANN003
        return self.request("POST", path, form=form, **kwargs)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the kept connection (nginx keeps it open otherwise)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def csrf_token(html: str) -> str:
    """The CSRF token of the page's first form."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return unescape(found.group(1))


def log_in(client: Client, email: str, password: str) -> None:
    """Through the real login form, CSRF token included."""
    page = client.get("/auth/login")
    assert page.status == 200, page.status
    reply = client.post("/auth/login", {"csrf_token": csrf_token(page.text), "email": email,
                                        "password": password})
    assert reply.status == 302 and "/auth/login" not in reply.location, (reply.status, reply.text)


def create_survey_links(client: Client, assessment_id: int) -> list[str]:
    """Press 'Create missing links' as an admin; return the links' paths shown on the page."""
    page = client.get(f"/fieldwork/assessments/{assessment_id}/links")
    assert page.status == 200, page.status
    reply = client.post(f"/fieldwork/assessments/{assessment_id}/links/create",
                        {"csrf_token": csrf_token(page.text)})
    assert reply.status == 302, reply.status
    page = client.get(f"/fieldwork/assessments/{assessment_id}/links")
    return list(dict.fromkeys(LINK_PATTERN.findall(page.text)))


def survey_form(client: Client, path: str) -> dict[str, str] | None:
    """GET a survey and answer every topic with 4: the form a phone would send back.

    None for a questionnaire that asks something else first (the general link's
    group question, the company and reader links).
    """
    page = client.get(path)
    assert page.status == 200, (path, page.status)
    names = topic_fields(page.text)
    if not names or 'name="group"' in page.text or 'name="rater' in page.text:
        return None
    data = hidden_fields(page.text)
    data.update({name: "4" for name in names})
    return data


def group_links(client: Client, paths: list[str]) -> list[str]:
    """The links whose form is only the topic ratings (one per stakeholder group)."""
    return [path for path in paths if survey_form(client, path) is not None]
