"""Staff accounts: login with lock-out, session versions, passwords and reset links."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import email_validator
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import case, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User, as_utc, now_utc

#: The shortest password any form or command accepts.
MIN_PASSWORD_LENGTH = 10
#: The longest, so hashing cannot be made slow on purpose.
MAX_PASSWORD_LENGTH = 200
#: How long an admin-issued reset link works.
RESET_LINK_HOURS = 24
_RESET_SALT = "password-reset"

# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class InvalidEmail(ValueError):
    """An address the login form would refuse."""


def normalise_email(address: str) -> str:
    """Return the address as accounts store it (trimmed, lower-cased), or raise InvalidEmail.

    The login form, the users page and ``create-user`` all call this, so no account
    can be created under an address its owner could never type into the login form.
    """
    address = (address or "").strip()
    if not address or len(address) > 254:
        raise InvalidEmail(address)
    try:
        email_validator.validate_email(address, check_deliverability=False,
                                       allow_smtputf8=True, allow_empty_local=False)
    except email_validator.EmailNotValidError as error:
        raise InvalidEmail(address) from error
    return address.lower()


def is_locked(user: User, now: datetime | None = None) -> bool:
    """True while the account is locked after repeated failed logins."""
    return user.locked_until is not None and as_utc(user.locked_until) > (now or now_utc())


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
    if is_locked(user):
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        record_failed_login(user.id, max_failures, lock_minutes)
        return None
    user.failed_logins = 0
    user.locked_until = None
    return user


def record_failed_login(user_id: int, max_failures: int, lock_minutes: int) -> None:
    """Count one failed login in a single UPDATE, locking the account at the limit.

    The database adds one to the stored count (never a value read earlier), so
    attempts sent at once are each counted; the one that reaches the limit locks the
    account and starts the count again for after the lock. Attempts that arrive while
    the account is locked change nothing (the row no longer matches).
    """
    now = now_utc()
    reaches_limit = User.failed_logins + 1 >= max_failures
    db.session.execute(
        update(User)
        .where(User.id == user_id, db.or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(
            failed_logins=case((reaches_limit, 0), else_=User.failed_logins + 1),
            locked_until=case((reaches_limit, now + timedelta(minutes=lock_minutes)),
                              else_=None),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def create_user(email: str, password: str, role: str) -> User:
    """Add a user (flushes, the caller commits)."""
    user = User(email=email.strip().lower(), role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def load_session_user(session_id: str) -> User | None:
    """The user a session or remember cookie names, if its session version is current.

    Cookies carry "<id>:<session_version>" (User.get_id); a cookie issued before the
    user's last logout, password change or reset names an older version and opens nothing.
    """
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    if len(user_id) > 18 or len(version) > 18:  # beyond a 64-bit integer column
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session of this user, remember cookies included (flushes, the caller commits)."""
    db.session.execute(
        update(User).where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user)


def set_new_password(user: User, password: str) -> None:
    """Replace the password, end every session and lift any lock (the caller commits).

    The new hash also invalidates every reset link issued for the old one.
    """
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    end_sessions(user)


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does (the hash has a fresh salt each time)."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_RESET_SALT)


def reset_token(user: User, secret_key: str) -> str:
    """A signed token that lets its holder set this user's password once, within a day."""
    return _reset_serializer(secret_key).dumps(
        {"user": user.id, "password": _password_fingerprint(user)})


class ResetLinkRefused(Exception):
    """The reset link cannot be used; ``reason`` is "invalid", "expired" or "used"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def user_for_reset_token(token: str, secret_key: str) -> User:
    """The user a reset token was issued for, or ResetLinkRefused.

    A token is "used" once the password it was issued against has changed, whether
    through this link, another link, or the user's own password change.
    """
    if len(token) > 512:
        raise ResetLinkRefused("invalid")
    try:
        data = _reset_serializer(secret_key).loads(token, max_age=RESET_LINK_HOURS * 3600)
    except SignatureExpired as error:
        raise ResetLinkRefused("expired") from error
    except BadSignature as error:
        raise ResetLinkRefused("invalid") from error
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise ResetLinkRefused("invalid")
    user = db.session.get(User, data["user"])
    if user is None:
        raise ResetLinkRefused("invalid")
    if data.get("password") != _password_fingerprint(user):
        raise ResetLinkRefused("used")
    return user
