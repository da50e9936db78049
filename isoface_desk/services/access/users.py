"""User management for administrators: add, change roles, disable, enable, reset password.

Users are never deleted: their signed records and audit events stay attributable. Every
change is a "user change" audit event naming what changed (never a password).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from isoface_desk.errors import InputError
from isoface_desk.services.access.passwords import check_policy, hash_password
from isoface_desk.services.access.permissions import ROLES, Permission
from isoface_desk.services.access.signing_keys import (
    KeyMaterial,
    UnlockedKey,
    issue_key,
    remember,
    unlocked_key,
)
from isoface_desk.services.context import Actor, ServiceBase
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import users as users_repo
from isoface_desk.storage.repositories.user_roles import roles_of, set_roles


@dataclass(frozen=True)
class UserInfo:
    """A user as the administration screen shows it (no password hash)."""

    id: int
    username: str
    display_name: str
    roles: frozenset[str]
    licence_number: str
    active: bool
    locked: bool


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    roles: frozenset[str]
    password: str
    licence_number: str = ""


def _info(user: users_repo.User, locked: bool) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=roles_of(user),
        licence_number=user.licence_number,
        active=user.active,
        locked=locked,
    )


def _check_new(new: NewUser) -> None:
    problems = []
    name = new.username.strip()
    if not name or len(name) > 80 or any(ch.isspace() for ch in name):
        problems.append("The user name must be 1 to 80 characters without spaces.")
    if not new.display_name.strip():
        problems.append("The user needs a display name.")
    unknown = sorted(set(new.roles) - set(ROLES))
    if unknown or not new.roles:
        problems.append(f"Choose one or more roles from: {', '.join(ROLES)}.")
    if "dermatologist" in new.roles and not new.licence_number.strip():
        problems.append("A dermatologist needs a professional licence number.")
    if problems:
        raise InputError(problems)


def is_demo_clinic(session: Session) -> bool:
    clinic = clinic_repo.get_clinic(session)
    return clinic is not None and clinic.settings.get("demo") is True


def insert_user(
    session: Session,
    new: NewUser,
    *,
    actor: str,
    endorser: UnlockedKey | None,
    material: KeyMaterial | None = None,
) -> tuple[users_repo.User, UnlockedKey]:
    """Create a user with their signing key in the caller's unit of work (also used by
    first-run setup, where `endorser` is None and the key is the clinic's root)."""
    _check_new(new)
    check_policy(new.password, new.username, demo=is_demo_clinic(session))
    roles = sorted(new.roles)
    user = users_repo.create_user(
        session,
        username=new.username.strip(),
        display_name=new.display_name.strip(),
        role=roles[0],
        password_hash=hash_password(new.password),
        licence_number=new.licence_number.strip(),
    )
    if len(roles) > 1:
        user = set_roles(session, user.id, roles)
    _user_change(
        session, actor, user.id, {"change": "add", "username": user.username, "roles": roles}
    )
    key = issue_key(
        session,
        user,
        new.password,
        actor=actor,
        endorser=endorser,
        material=material,
        clinic_name=_clinic_name(session),
    )
    return user, key


def _clinic_name(session: Session) -> str:
    clinic = clinic_repo.get_clinic(session)
    return clinic.name if clinic is not None else ""


class UserService(ServiceBase):
    def list_users(self, actor: Actor) -> list[UserInfo]:
        with self._read(actor, Permission.USER_MANAGE) as session:
            now = self.now()
            return [_info(u, u.is_locked(now)) for u in users_repo.list_users(session)]

    def add_user(self, actor: Actor, new: NewUser) -> UserInfo:
        """A new account with its own signing key, endorsed by the administrator's key."""
        endorser = self._endorser(actor)
        with self._unit(actor, Permission.USER_MANAGE) as session:
            user, _key = insert_user(session, new, actor=actor.username, endorser=endorser)
            return _info(user, False)

    def _endorser(self, actor: Actor) -> UnlockedKey:
        key = unlocked_key(self.engine, actor.user_id)
        if key is None:
            raise InputError(
                "Your signing key is not unlocked in this session: sign out and in again "
                "to add users or reset passwords."
            )
        return key

    def set_roles(self, actor: Actor, user_id: int, roles: Iterable[str]) -> UserInfo:
        wanted = frozenset(roles)
        if user_id == actor.user_id and "admin" not in wanted:
            raise InputError("You cannot remove your own administrator role.")
        with self._unit(actor, Permission.USER_MANAGE) as session:
            user = set_roles(session, user_id, wanted)
            _user_change(
                session, actor.username, user_id, {"change": "roles", "roles": sorted(wanted)}
            )
            return _info(user, user.is_locked(self.now()))

    def set_active(self, actor: Actor, user_id: int, active: bool) -> UserInfo:
        """Disable (active=False) or enable an account. Nobody can disable themselves."""
        if user_id == actor.user_id and not active:
            raise InputError("You cannot disable your own account.")
        with self._unit(actor, Permission.USER_MANAGE) as session:
            user = users_repo.update_user(session, user_id, active=active)
            change = "enable" if active else "disable"
            _user_change(session, actor.username, user_id, {"change": change})
            return _info(user, user.is_locked(self.now()))

    def reset_password(self, actor: Actor, user_id: int, new_password: str) -> UserInfo:
        """Give a user a new password (also unlocks a locked account). Their old key cannot
        be opened with it: it is retired and a new one issued (older records keep verifying
        with the retired certificate)."""
        endorser = self._endorser(actor)
        with self._unit(actor, Permission.USER_MANAGE) as session:
            target = users_repo.get_user(session, user_id)
            check_policy(new_password, target.username, demo=is_demo_clinic(session))
            user = users_repo.set_password_hash(session, user_id, hash_password(new_password))
            _user_change(session, actor.username, user_id, {"change": "password reset"})
            key = issue_key(
                session,
                user,
                new_password,
                actor=actor.username,
                endorser=endorser,
                clinic_name=_clinic_name(session),
            )
            if user_id == actor.user_id:
                remember(self.engine, key)
            return _info(user, False)

    def update_details(
        self, actor: Actor, user_id: int, *, display_name: str, licence_number: str
    ) -> UserInfo:
        """A user's display name and licence number (Administration › Users › Edit
        details…); the event names the changed fields, not their values."""
        name, licence = display_name.strip(), licence_number.strip()
        with self._unit(actor, Permission.USER_MANAGE) as session:
            before = users_repo.get_user(session, user_id)
            problems = [] if name else ["The user needs a display name."]
            if "dermatologist" in roles_of(before) and not licence:
                problems.append("A dermatologist needs a professional licence number.")
            if problems:
                raise InputError(problems)
            changed = [field for field, old, new in (
                ("display_name", before.display_name, name),
                ("licence_number", before.licence_number, licence)) if old != new]  # fmt: skip
            user = users_repo.update_user(
                session, user_id, display_name=name, licence_number=licence
            )
            if changed:
                _user_change(session, actor.username, user_id,
                             {"change": "details", "fields": changed})  # fmt: skip
            return _info(user, user.is_locked(self.now()))


def _user_change(session: Session, actor: str, user_id: int, details: dict[str, Any]) -> None:
    """The "user change" audit event on `user_id`, naming what changed (never a password)."""
    append_event(session, actor, "user change", "user", user_id, details)
