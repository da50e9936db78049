"""Sign-in: argon2 passwords, lockout after repeated failures, re-authentication for signing,
and the idle-lock setting.

Five failed attempts lock an account for 15 minutes. Every outcome is an audit event
("login", "failed login", "lockout"); a failure's count is committed before the error is
raised, so a locked account stays locked whatever the caller does. Passwords are never
logged, stored or put in an event. The clock is injectable (`now`), so tests unlock an
account by moving the clock, not by sleeping.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from isoface_desk.errors import AuthenticationError, InputError
from isoface_desk.services.access.passwords import (
    burn_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.access.signing_keys import (
    UnlockedKey,
    forget,
    issue_key,
    remember,
    rewrap,
    unlock,
)
from isoface_desk.services.context import Actor, ServiceBase, actor_from_user
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.db import read_scope, session_scope
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import keys as keys_repo
from isoface_desk.storage.repositories import users as users_repo

log = logging.getLogger("isoface.auth")

LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
IDLE_SETTING = "idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10
IDLE_RANGE = (1, 240)
UNKNOWN_ACTOR = "?"
WRONG = "Wrong user name or password."


@dataclass(frozen=True)
class _Outcome:
    actor: Actor | None
    error: str = ""
    key: UnlockedKey | None = None


class AuthService(ServiceBase):
    def login(self, username: str, password: str) -> Actor:
        """The Actor for a correct user name and password; AuthenticationError otherwise."""
        with session_scope(self.engine) as session:
            outcome = self._attempt(session, username.strip(), password, purpose="login")
        if outcome.actor is None:
            raise AuthenticationError(outcome.error)
        if outcome.key is not None:
            remember(self.engine, outcome.key)
        return outcome.actor

    def sign_out(self, actor: Actor) -> None:
        """Forget the person's unlocked key (sign-out or lock)."""
        forget(self.engine, actor.user_id)

    def confirm_password(self, actor: Actor, password: str) -> None:
        """Re-authenticate the signed-in person (before signing). Failures count towards
        the lockout like failed sign-ins."""
        with session_scope(self.engine) as session:
            outcome = self._attempt(session, actor.username, password, purpose="confirm")
        if outcome.actor is None:
            raise AuthenticationError(
                "Wrong password." if outcome.error == WRONG else outcome.error
            )
        if outcome.actor.user_id != actor.user_id:
            raise AuthenticationError(WRONG)

    def _attempt(self, session: Session, username: str, password: str, purpose: str) -> _Outcome:
        now = self.now()
        user = users_repo.get_user_by_username(session, username) if username else None
        if user is None:
            burn_time(password)
            append_event(session, UNKNOWN_ACTOR, "failed login", "user", "", {"reason": "unknown"})
            return _Outcome(None, WRONG)
        details = {"purpose": purpose}
        if not user.active:
            _failed_login(session, user, details, "disabled")
            return _Outcome(None, "This account is disabled. Ask an administrator.")
        if user.is_locked(now):
            _failed_login(session, user, details, "locked")
            return _Outcome(None, _locked_message(user.locked_until))
        if not verify_password(user.password_hash, password):
            return _Outcome(None, self._count_failure(session, user, details, now))
        users_repo.record_successful_login(session, user.id)
        if needs_rehash(user.password_hash):
            users_repo.set_password_hash(session, user.id, hash_password(password))
        actor = actor_from_user(user)
        key = None
        if purpose == "login":
            key = _session_key(session, user, actor, password)
            append_event(session, user.username, "login", "user", user.id, {}, sealer=key)
            log.info("user %d signed in", user.id)
        return _Outcome(actor, key=key)

    def _count_failure(
        self, session: Session, user: users_repo.User, details: dict[str, str], now: dt.datetime
    ) -> str:
        until = now + dt.timedelta(minutes=LOCK_MINUTES)
        after = users_repo.record_failed_login(
            session, user.id, lock_after=LOCK_AFTER_FAILURES, lock_until=until
        )
        _failed_login(session, user, details, "wrong password")
        if after.is_locked(now):
            append_event(
                session,
                user.username,
                "lockout",
                "user",
                user.id,
                {"minutes": LOCK_MINUTES, "failures": LOCK_AFTER_FAILURES},
            )
            log.warning("user %d locked after %d failed attempts", user.id, LOCK_AFTER_FAILURES)
            return _locked_message(after.locked_until)
        return WRONG

    def change_own_password(self, actor: Actor, old_password: str, new_password: str) -> None:
        """A signed-in person changes their own password: the current one is confirmed
        first (a wrong one counts towards the lockout), the policy applies to the new one,
        and the change is a "user change" event (never the password)."""
        from isoface_desk.services.access.passwords import check_policy

        self.confirm_password(actor, old_password)
        if new_password == old_password:
            raise InputError("The new password must differ from the current one.")
        check_policy(new_password, actor.username, demo=False)
        with session_scope(self.engine) as session:
            users_repo.set_password_hash(session, actor.user_id, hash_password(new_password))
            rewrap(session, actor.user_id, old_password, new_password)
            append_event(
                session,
                actor.username,
                "user change",
                "user",
                actor.user_id,
                {"change": "password"},
            )

    # ------------------------------------------------------------------ idle lock

    def idle_lock_minutes(self) -> int:
        """Minutes without input before the session locks (clinic setting, default 10)."""
        with read_scope(self.engine) as session:
            clinic = clinic_repo.get_clinic(session)
        value = clinic.settings.get(IDLE_SETTING) if clinic is not None else None
        return int(value) if isinstance(value, int) else DEFAULT_IDLE_MINUTES

    def set_idle_lock_minutes(self, actor: Actor, minutes: int) -> None:
        low, high = IDLE_RANGE
        if not low <= minutes <= high:
            raise InputError(f"The idle lock must be between {low} and {high} minutes.")
        with self._unit(actor, Permission.SETTINGS_MANAGE) as session:
            clinic_repo.update_settings(session, **{IDLE_SETTING: minutes})
            append_event(
                session, actor.username, "settings change", "clinic", "", {IDLE_SETTING: minutes}
            )


def _session_key(
    session: Session, user: users_repo.User, actor: Actor, password: str
) -> UnlockedKey | None:
    """The person's key unlocked for the session. In a database from before per-person
    keys (no key at all), the first administrator to sign in gets the root key."""
    key = unlock(session, user.id, password)
    if key is None and "admin" in actor.roles and not keys_repo.any_key(session):
        key = issue_key(session, user, password, actor=user.username, endorser=None)
    return key


def _locked_message(until: dt.datetime | None) -> str:
    when = until.astimezone().strftime("%H:%M") if until is not None else "later"
    return (
        f"Too many failed attempts: this account is locked until {when}. "
        "Try again then, or ask an administrator to reset the password."
    )


def _failed_login(
    session: Session, user: users_repo.User, details: dict[str, str], reason: str
) -> None:
    """The "failed login" audit event of a known user: the purpose and the reason."""
    append_event(session, user.username, "failed login", "user", user.id,
                 {**details, "reason": reason})  # fmt: skip
