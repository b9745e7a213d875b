"""Checking a login attempt, with lock-out after repeated failures."""
from __future__ import annotations

from datetime import timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User, as_utc, now_utc

# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def authenticate(email: str, password: str, max_failures: int, lock_minutes: int) -> User | None:
    """Return the user when email and password match and the account is usable.

    After ``max_failures`` wrong passwords in a row the account is locked for
    ``lock_minutes``; a locked account refuses even the right password. The caller
    shows one message for every failure, so nobody learns which emails exist.
    """
    user = db.session.execute(
        db.select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    now = now_utc()
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
        return None
    user.failed_logins = 0
    user.locked_until = None
    return user


def create_user(email: str, password: str, role: str) -> User:
    """Add a user (flushes, the caller commits)."""
    user = User(email=email.strip().lower(), role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
