"""The trail's hash chain: each entry's SHA-256 covers the previous entry's hash and its own
canonical content, so changing, removing or reordering a stored entry breaks the chain.

Plain Python: the caller passes the entries' stored values in and gets hashes or the
first broken link back.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: The "previous hash" of an assessment's first entry.
GENESIS_HASH = "0" * 64

#: The stored fields an entry's hash covers (all of them but its own id and hashes).
CONTENT_FIELDS = ("assessment_id", "created_at", "user_id", "user_email", "action", "subject",
                  "before", "after", "reason")


def canonical_json(value: Any) -> str:
    """One spelling for one value: sorted keys, no spaces, UTF-8 text, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def canonical_time(moment: datetime) -> str:
    """A moment in UTC with microseconds, e.g. 2026-11-30T19:30:00.123456Z (naive = UTC)."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(previous_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the previous entry's hash and this entry's canonical content."""
    values = {name: content.get(name) for name in CONTENT_FIELDS}
    if isinstance(values["created_at"], datetime):
        values["created_at"] = canonical_time(values["created_at"])
    payload = previous_hash + "\n" + canonical_json(values)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back from the database."""

    id: int
    previous_hash: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class BrokenLink:
    """The first entry that does not match the chain, and why."""

    entry_id: int
    #: "content" (the entry was changed) or "link" (an entry before it is missing or moved)
    problem: str


def first_broken_link(entries: Iterable[StoredEntry]) -> BrokenLink | None:
    """Walk one assessment's entries in order; None when every hash matches."""
    expected_previous = GENESIS_HASH
    for entry in entries:
        if entry.previous_hash != expected_previous:
            return BrokenLink(entry.id, "link")
        if entry_hash(entry.previous_hash, entry.content) != entry.hash:
            return BrokenLink(entry.id, "content")
        expected_previous = entry.hash
    return None
