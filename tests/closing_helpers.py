"""Closing and reopening an assessment as an admin does, for the tests of what closing keeps."""
from __future__ import annotations

from materiality.models import Assessment


def close(client, assessment: Assessment) -> None:  # noqa: ANN001
    assert client.post(f"/admin/assessments/{assessment.id}/status/closed",
                       data={"confirmed": "yes"}).status_code == 302


def reopen(client, assessment: Assessment) -> None:  # noqa: ANN001
    assert client.post(f"/admin/assessments/{assessment.id}/status/open",
                       data={"reason": "a late response", "confirmed": "yes"}).status_code == 302
