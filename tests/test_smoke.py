"""The app starts, serves its login page and reaches its database."""


def test_health_check_reaches_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # The test apps run without rate limits (see tests/test_rate_limits.py for Redis).
    assert response.json == {"status": "ok", "database": "ok", "rate_limit_storage": "off"}


def test_login_page_is_public(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data
