"""A user's set of roles, kept in the `app_user.role` column.

A person may hold several roles (the first dermatologist is also the administrator). The
column holds them sorted and comma-separated ("admin,dermatologist"); the longest set,
all four roles, is 33 characters and fits the 40-character column, so no schema change is
needed. `users.create_user` takes one role; `set_roles` then widens it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from isoface_desk.errors import InputError, NotFound
from isoface_desk.storage.models import UserRow
from isoface_desk.storage.repositories.users import ROLES, User, get_user

SEPARATOR = ","


def encode_roles(roles: Iterable[str]) -> str:
    """The column text for a set of roles; InputError for an empty set or unknown role."""
    wanted = sorted(set(roles))
    unknown = [role for role in wanted if role not in ROLES]
    if unknown:
        raise InputError(f"Unknown role '{unknown[0]}': use one of {', '.join(ROLES)}.")
    if not wanted:
        raise InputError("A user needs at least one role.")
    return SEPARATOR.join(wanted)


def decode_roles(text: str) -> frozenset[str]:
    """The roles held in a column value (one role, or several comma-separated)."""
    return frozenset(part.strip() for part in text.split(SEPARATOR) if part.strip())


def roles_of(user: User) -> frozenset[str]:
    return decode_roles(user.role)


def set_roles(session: Session, user_id: int, roles: Iterable[str]) -> User:
    """Replace the roles of user `user_id`."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound(f"User {user_id} does not exist.")
    row.role = encode_roles(roles)
    session.flush()
    return get_user(session, user_id)
