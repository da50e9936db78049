"""The signed-in person (`Actor`), permission checks, and the unit-of-work base of services.

One user action = one unit of work: `ServiceBase._unit(actor, permission)` checks the
permission from the actor's roles (no database needed, so a refusal never waits on a
lock), opens one session, checks again against the database that the account is still
active and still holds the roles (an administrator may have disabled it meanwhile), and
commits at the end. Audit events are appended inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from isoface_desk.domain.catalog import Catalog, default_catalog
from isoface_desk.errors import AccessDenied
from isoface_desk.services.access.permissions import Permission, permissions_for, roles_with
from isoface_desk.storage.db import read_scope, session_scope
from isoface_desk.storage.handles import Engine, Session
from isoface_desk.storage.repositories.user_roles import roles_of
from isoface_desk.storage.repositories.users import User, get_user

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Actor:
    """Who is signed in. Made by `AuthService.login`; passed to every service call."""

    user_id: int
    username: str
    display_name: str
    roles: frozenset[str]
    licence_number: str = ""

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_for(self.roles)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions


def actor_from_user(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=roles_of(user),
        licence_number=user.licence_number,
    )


def require(actor: Actor, permission: Permission) -> None:
    """Raise AccessDenied unless one of the actor's roles grants `permission`."""
    if actor.may(permission):
        return
    allowed = ", ".join(roles_with(permission)) or "no role"
    raise AccessDenied(
        f"Your role does not allow this ({permission.value}; allowed for: {allowed}). "
        "Ask an administrator if you need access."
    )


def check_still_allowed(session: Session, actor: Actor, permission: Permission) -> User:
    """Re-check against the stored account: still active, still holding the permission."""
    user = get_user(session, actor.user_id)
    if not user.active or user.username != actor.username:
        raise AccessDenied("This account is disabled. Ask an administrator.")
    if permission not in permissions_for(roles_of(user)):
        raise AccessDenied(
            f"Your roles were changed and no longer allow this ({permission.value}). Sign in again."
        )
    return user


class ServiceBase:
    """Holds the engine and the clock; subclasses implement one user action per method."""

    def __init__(self, engine: Engine, *, now: Clock = utc_now) -> None:
        self.engine = engine
        self.now = now

    @contextmanager
    def _unit(self, actor: Actor, permission: Permission) -> Iterator[Session]:
        """A write unit of work for `actor`, refused with AccessDenied before any write."""
        require(actor, permission)
        with session_scope(self.engine) as session:
            check_still_allowed(session, actor, permission)
            yield session

    @contextmanager
    def _read(self, actor: Actor, permission: Permission) -> Iterator[Session]:
        """A read-only unit of work (no audit event can be written in it)."""
        require(actor, permission)
        with read_scope(self.engine) as session:
            check_still_allowed(session, actor, permission)
            yield session

    @property
    def database(self) -> str:
        """The open database's URL without its password: what fileio.checked_target refuses
        to write over, and what names its checkpoint folder."""
        return str(self.engine.url)

    def today(self) -> dt.date:
        """Today's date on the clinic's clock (local time)."""
        return self.now().astimezone().date()


class CatalogServiceBase(ServiceBase):
    """A service that reads the forms catalog: the one given (services/bundle gives every
    service the same one), else, for a service built on its own (a test, a child process),
    the configured forms folder's on first use."""

    def __init__(self, *args: Any, catalog: Catalog | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._catalog = catalog

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = default_catalog()
        return self._catalog
