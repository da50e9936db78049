"""Sign-in, lockout with an injected clock, re-authentication, password policy, user
management and the idle-lock setting."""

from __future__ import annotations

import pytest

from isoface_desk.errors import AccessDenied, AuthenticationError, InputError, IsofaceError
from isoface_desk.services.access.auth import DEFAULT_IDLE_MINUTES, LOCK_AFTER_FAILURES
from isoface_desk.services.access.passwords import (
    DEMO_PASSWORD,
    hash_password,
    policy_problems,
    verify_password,
)
from isoface_desk.services.access.users import NewUser
from isoface_desk.storage.audit import AuditEvent, recent_events
from isoface_desk.storage.db import read_scope
from tests.services.conftest import PASSWORD, World, fresh_user

WRONG = "Not-the-password-1"


def events(world: World, limit: int = 50) -> list[AuditEvent]:
    with read_scope(world.services.engine) as session:
        return list(reversed(recent_events(session, limit)))


def actions_since(world: World, seq: int) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in events(world) if e.seq > seq]


def head(world: World) -> int:
    return events(world, 1)[-1].seq


def test_login_returns_the_actor_with_all_roles(shared_world: World) -> None:
    actor = shared_world.services.auth.login("first", PASSWORD)
    assert actor.username == "first" and actor.display_name == "Dr First"
    assert actor.roles == {"dermatologist", "admin"}
    assert actor.licence_number == "GMC 1000001"


def test_a_wrong_password_is_refused_and_audited(shared_world: World) -> None:
    start = head(shared_world)
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        shared_world.services.auth.login("auditor-user", WRONG)
    assert actions_since(shared_world, start) == [("auditor-user", "failed login")]
    shared_world.services.auth.login("auditor-user", PASSWORD)  # the count is reset


def test_an_unknown_user_is_refused_without_naming_anyone(shared_world: World) -> None:
    start = head(shared_world)
    with pytest.raises(AuthenticationError):
        shared_world.services.auth.login("nobody", PASSWORD)
    assert actions_since(shared_world, start) == [("?", "failed login")]


@pytest.mark.allow_log_warnings("isoface.auth")  # the lockout is logged
def test_five_failures_lock_for_fifteen_minutes(shared_world: World) -> None:
    world = shared_world
    auth, clock = world.services.auth, world.clock
    name = fresh_user(world, "nurse").username
    start = head(world)
    for _ in range(LOCK_AFTER_FAILURES - 1):
        with pytest.raises(AuthenticationError, match="Wrong"):
            auth.login(name, WRONG)
    with pytest.raises(AuthenticationError, match="locked until"):
        auth.login(name, WRONG)
    assert actions_since(world, start) == [(name, "failed login")] * 5 + [(name, "lockout")]
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AuthenticationError, match="locked until"):
        auth.login(name, PASSWORD)  # even the right password
    clock.advance(seconds=2)
    assert auth.login(name, PASSWORD).username == name
    assert actions_since(world, start)[-2:] == [(name, "failed login"), (name, "login")]


@pytest.mark.allow_log_warnings("isoface.auth")  # the lockout is logged
def test_failed_signing_confirmations_count_towards_the_lockout(shared_world: World) -> None:
    auth, derm = shared_world.services.auth, fresh_user(shared_world, "dermatologist")
    auth.confirm_password(derm, PASSWORD)
    for _ in range(LOCK_AFTER_FAILURES):
        with pytest.raises(AuthenticationError, match=r"Wrong password|locked"):
            auth.confirm_password(derm, WRONG)
    with pytest.raises(AuthenticationError, match="locked"):
        auth.confirm_password(derm, PASSWORD)


@pytest.mark.allow_log_warnings("isoface.auth")  # the lockout is logged
def test_an_admin_reset_unlocks(shared_world: World) -> None:
    world = shared_world
    auth, auditor = world.services.auth, fresh_user(world, "auditor")
    for _ in range(LOCK_AFTER_FAILURES):
        with pytest.raises(AuthenticationError):
            auth.login(auditor.username, WRONG)
    uid = auditor.user_id
    locked = {u.id: u.locked for u in world.services.users.list_users(world.first)}
    assert locked[uid]
    info = world.services.users.reset_password(world.actors["admin"], uid, "Fresh-orchard-99")
    assert not info.locked
    assert auth.login(auditor.username, "Fresh-orchard-99").user_id == uid


def test_no_password_ever_reaches_the_audit_chain(shared_world: World) -> None:
    world, nurse = shared_world, fresh_user(shared_world, "nurse")
    with pytest.raises(AuthenticationError):
        world.services.auth.login(nurse.username, WRONG)
    world.services.users.reset_password(world.first, nurse.user_id, "Secret-99-x")
    text = repr(events(world, 100_000))
    for secret in (PASSWORD, WRONG, "Secret-99-x"):
        assert secret not in text


def test_disabled_users_cannot_sign_in_and_are_never_deleted(shared_world: World) -> None:
    world, nurse = shared_world, fresh_user(shared_world, "nurse")
    users = world.services.users
    users.set_active(world.first, nurse.user_id, False)
    with pytest.raises(AuthenticationError, match="disabled"):
        world.services.auth.login(nurse.username, PASSWORD)
    listed = {u.username: u for u in users.list_users(world.first)}
    assert not listed[nurse.username].active
    users.set_active(world.first, nurse.user_id, True)
    world.services.auth.login(nurse.username, PASSWORD)


def test_admins_cannot_lock_themselves_out(shared_world: World) -> None:
    users, admin = shared_world.services.users, shared_world.actors["admin"]
    with pytest.raises(InputError):
        users.set_active(admin, admin.user_id, False)
    with pytest.raises(InputError):
        users.set_roles(admin, admin.user_id, {"nurse"})


@pytest.mark.parametrize(
    ("password", "username", "problem"),
    [
        ("short-1", "ann", "at least 10"),
        ("1234567890", "ann", "too common"),
        ("Password123", "ann", "too common"),
        ("my-ann-password", "ann", "user name"),
        (DEMO_PASSWORD, "ann", "too common"),
    ],
)
def test_password_policy(password: str, username: str, problem: str) -> None:
    assert any(problem in p for p in policy_problems(password, username))


def test_the_demo_password_needs_the_demo_flag() -> None:
    assert policy_problems(DEMO_PASSWORD, "derm", demo=True) == []
    assert policy_problems("1234567890", "derm", demo=True) != []


def test_new_users_follow_the_policy(shared_world: World) -> None:
    new = NewUser("weak", "Weak", frozenset({"nurse"}), DEMO_PASSWORD)
    with pytest.raises(InputError, match="too common"):
        shared_world.services.users.add_user(shared_world.first, new)


def test_dermatologists_need_a_licence_number(shared_world: World) -> None:
    new = NewUser("nolicence", "Dr No", frozenset({"dermatologist"}), PASSWORD)
    with pytest.raises(InputError, match="licence"):
        shared_world.services.users.add_user(shared_world.first, new)


def test_hashes_are_argon2id_and_salted() -> None:
    a, b = hash_password(PASSWORD), hash_password(PASSWORD)
    assert a.startswith("$argon2id$") and a != b
    assert verify_password(a, PASSWORD) and not verify_password(a, WRONG)
    assert not verify_password("not a hash", PASSWORD)


def test_idle_lock_setting(shared_world: World) -> None:
    world, auth = shared_world, shared_world.services.auth
    assert auth.idle_lock_minutes() == DEFAULT_IDLE_MINUTES
    auth.set_idle_lock_minutes(world.actors["admin"], 5)
    assert auth.idle_lock_minutes() == 5
    with pytest.raises(AccessDenied):
        auth.set_idle_lock_minutes(world.actors["nurse"], 30)
    with pytest.raises(InputError):
        auth.set_idle_lock_minutes(world.actors["admin"], 0)


def test_setup_runs_once(shared_world: World) -> None:
    from isoface_desk.services.clinic.setup import ClinicData, FirstUser, GenerateCertificate

    assert not shared_world.services.setup.needs_setup()
    with pytest.raises(IsofaceError, match="already set up"):
        shared_world.services.setup.complete_setup(
            ClinicData(name="Again", jurisdiction_profile="uk-mhra"),
            FirstUser("again", "Dr Again", PASSWORD, "GMC 3"),
            GenerateCertificate(),
        )
