"""People who sign in. Users are never deleted (their records stay attributable): they are
disabled. Password hashes are made and checked by services (argon2); storage keeps them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isoface_desk.errors import InputError, NotFound
from isoface_desk.storage.models import UserRow, utcnow

ROLES = ("dermatologist", "nurse", "auditor", "admin")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    licence_number: str
    password_hash: str
    active: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    created_at: dt.datetime

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def _to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        licence_number=row.licence_number,
        password_hash=row.password_hash,
        active=row.active,
        failed_attempts=row.failed_attempts,
        locked_until=row.locked_until,
        created_at=row.created_at,
    )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError(f"Unknown role '{role}': use one of {', '.join(ROLES)}.")


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: str,
    password_hash: str,
    licence_number: str = "",
) -> User:
    _check_role(role)
    if get_user_by_username(session, username) is not None:
        raise InputError(f"The user name '{username}' is already taken.")
    row = UserRow(
        username=username,
        display_name=display_name,
        role=role,
        licence_number=licence_number,
        password_hash=password_hash,
        active=True,
        failed_attempts=0,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _to_user(row)


def _row(session: Session, user_id: int) -> UserRow:
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound(f"User {user_id} does not exist.")
    return row


def get_user(session: Session, user_id: int) -> User:
    return _to_user(_row(session, user_id))


def get_user_by_username(session: Session, username: str) -> User | None:
    row = session.scalars(select(UserRow).where(UserRow.username == username)).first()
    return _to_user(row) if row is not None else None


def list_users(session: Session, *, include_inactive: bool = True) -> list[User]:
    query = select(UserRow).order_by(UserRow.username)
    if not include_inactive:
        query = query.where(UserRow.active.is_(True))
    return [_to_user(row) for row in session.scalars(query)]


def count_users(session: Session) -> int:
    """0 means first run: the setup wizard creates the first account."""
    return int(session.scalar(select(func.count(UserRow.id))) or 0)


def update_user(
    session: Session,
    user_id: int,
    *,
    display_name: str | None = None,
    role: str | None = None,
    licence_number: str | None = None,
    active: bool | None = None,
) -> User:
    row = _row(session, user_id)
    if display_name is not None:
        row.display_name = display_name
    if role is not None:
        _check_role(role)
        row.role = role
    if licence_number is not None:
        row.licence_number = licence_number
    if active is not None:
        row.active = active
    session.flush()
    return _to_user(row)


def set_password_hash(session: Session, user_id: int, password_hash: str) -> User:
    """New password (reset or change): also clears failed attempts and any lock."""
    row = _row(session, user_id)
    row.password_hash = password_hash
    row.failed_attempts = 0
    row.locked_until = None
    session.flush()
    return _to_user(row)


def record_failed_login(
    session: Session, user_id: int, *, lock_after: int, lock_until: dt.datetime
) -> User:
    """Count one failed attempt; at `lock_after` attempts lock the account until `lock_until`
    (and start counting again)."""
    row = _row(session, user_id)
    row.failed_attempts += 1
    if row.failed_attempts >= lock_after:
        row.locked_until = lock_until
        row.failed_attempts = 0
    session.flush()
    return _to_user(row)


def record_successful_login(session: Session, user_id: int) -> User:
    row = _row(session, user_id)
    row.failed_attempts = 0
    row.locked_until = None
    session.flush()
    return _to_user(row)
