"""Closing and reopening an assessment as an admin does, and reading its outputs, for the
tests of what closing keeps."""
from __future__ import annotations

from materiality.models import Assessment


def close(client, assessment: Assessment) -> None:  # noqa: ANN001
    assert client.post(f"/admin/assessments/{assessment.id}/status/closed",
                       data={"confirmed": "yes"}).status_code == 302


def reopen(client, assessment: Assessment) -> None:  # noqa: ANN001
    assert client.post(f"/admin/assessments/{assessment.id}/status/open",
                       data={"reason": "a late response", "confirmed": "yes"}).status_code == 302


def get(client, url: str) -> bytes:  # noqa: ANN001
    """A page or file that must answer 200, as bytes."""
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.data
    response.close()
    return body
