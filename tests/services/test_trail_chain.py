"""The trail's hash chain, with nothing but Python: any change to a stored entry shows."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from materiality.services.trail_chain import (
    GENESIS_HASH,
    StoredEntry,
    canonical_json,
    canonical_time,
    entry_hash,
    first_broken_link,
)


def chain(count: int) -> list[StoredEntry]:
    entries, previous = [], GENESIS_HASH
    for index in range(count):
        content = {"assessment_id": 1, "created_at": datetime(2026, 1, 1, 12, tzinfo=UTC),
                   "user_id": 7, "user_email": "admin@example.org", "action": "labels_moved",
                   "subject": None, "before": None, "after": canonical_json({"i": index}),
                   "reason": "因为" if index % 2 else None}
        digest = entry_hash(previous, content)
        entries.append(StoredEntry(index + 1, previous, digest, content))
        previous = digest
    return entries


def test_an_untouched_chain_verifies():
    assert first_broken_link(chain(5)) is None
    assert first_broken_link([]) is None


def test_a_changed_entry_is_named():
    entries = chain(5)
    changed = {**entries[2].content, "reason": "something else"}
    entries[2] = StoredEntry(3, entries[2].previous_hash, entries[2].hash, changed)
    broken = first_broken_link(entries)
    assert (broken.entry_id, broken.problem) == (3, "content")


def test_a_removed_or_moved_entry_breaks_the_next_link():
    entries = chain(5)
    assert first_broken_link(entries[:2] + entries[3:]).entry_id == 4
    assert first_broken_link([entries[1], entries[0]]).problem == "link"


def test_the_hash_depends_on_the_previous_hash_and_every_field():
    content = chain(1)[0].content
    base = entry_hash(GENESIS_HASH, content)
    assert entry_hash("1" * 64, content) != base
    for field in ("user_id", "action", "after", "created_at"):
        assert entry_hash(GENESIS_HASH, {**content, field: None}) != base


def test_one_moment_has_one_spelling_whatever_its_zone():
    moment = datetime(2026, 11, 30, 20, 0, 0, 5, tzinfo=UTC)
    shanghai = moment.astimezone(timezone(timedelta(hours=8)))
    assert canonical_time(moment) == canonical_time(shanghai) == "2026-11-30T20:00:00.000005Z"
    assert canonical_time(moment.replace(tzinfo=None)) == canonical_time(moment)
    assert canonical_json({"b": 1.5, "a": "中"}) == '{"a":"中","b":1.5}'
