"""Fifty simultaneous POSTs of one submission id store exactly one response (real server)."""
from __future__ import annotations

import http.client
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from survey_helpers import hidden_fields, link_for, make_links, topic_fields
from werkzeug.serving import make_server

from materiality.extensions import db
from materiality.models import Rating, Submission

pytestmark = pytest.mark.usefixtures("demo_data")
CLIENTS = 50


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


def test_fifty_simultaneous_posts_of_one_submission_store_one(app, client, live_server):
    link = link_for(make_links(), group_id=1)
    html = client.get(f"/s/{link.token}").get_data(as_text=True)
    data = hidden_fields(html)
    data.update({name: "3" for name in topic_fields(html)})
    body = urllib.parse.urlencode(data)
    barrier = threading.Barrier(CLIENTS)

    def post(_index: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", live_server, timeout=60)
        try:
            barrier.wait()
            connection.request("POST", f"/s/{link.token}", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = list(pool.map(post, range(CLIENTS)))
    assert statuses == [303] * CLIENTS
    db.session.remove()
    stored = db.session.scalars(db.select(Submission).filter_by(uid=data["uid"])).all()
    assert len(stored) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Rating).filter_by(
        submission_id=stored[0].id)) == 23
