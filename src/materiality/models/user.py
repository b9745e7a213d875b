"""Staff accounts: admins configure everything, editors read results and export."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ._base import now_utc


class Role(StrEnum):
    """What a staff account may do."""

    ADMIN = "admin"
    EDITOR = "editor"


class User(UserMixin, db.Model):
    """A staff account."""

    __tablename__ = "user_account"  # "user" is a reserved word in PostgreSQL
    __table_args__ = (CheckConstraint("role IN ('admin', 'editor')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased so that logins are case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default=Role.EDITOR)
    active: Mapped[bool] = mapped_column(default=True)
    #: Consecutive failed logins; reset by a successful one.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    #: Part of the id in every session and remember cookie; raising it (logout,
    #: password change or reset) makes every cookie issued before unusable.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc)

    def set_password(self, password: str) -> None:
        """Hash with werkzeug's default method (scrypt)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login's id for the session and the remember cookie: "<id>:<session_version>"."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
