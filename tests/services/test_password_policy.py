"""Passwords (issue 7): at least 10 characters, not common, not predictable, not the user
name; the same rules for a new user, a reset and the first administrator."""

from __future__ import annotations

import pytest

from isoface_desk.errors import InputError
from isoface_desk.services.access.passwords import policy_problems
from isoface_desk.services.access.users import NewUser
from tests.services.conftest import World


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Sh0rt!", "at least 10"),
        ("password1234", "too common"),
        ("Summer2026", "too common"),
        ("roaccutane", "too common"),
        ("aaaaaaaaaaaa", "too easy"),
        ("abababababab", "too easy"),
        ("3456789012", "too easy"),  # not on the list, but a run of digits
        ("poiuytrewq", "too easy"),  # the top keyboard row backwards
        ("Password!!2031", "too easy"),
        ("clinic-2026!", "too easy"),
        ("Isotretinoin#1", "too easy"),
        ("zoe-the-zoe-1", "user name"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, why: str) -> None:
    problems = policy_problems(password, "zoe")
    assert any(why in p for p in problems), problems


@pytest.mark.parametrize(
    "password",
    ["Plum-tree-42-orchard", "correct horse battery", "Lilac-harbour-2031", "kettle7-Maple-ink"],
)
def test_good_passwords_pass(password: str) -> None:
    assert policy_problems(password, "zoe") == []


def test_the_services_apply_the_policy(world: World) -> None:
    users, admin = world.services.users, world.actors["admin"]
    with pytest.raises(InputError, match="too easy"):
        users.add_user(admin, NewUser("kim", "Kim", frozenset({"nurse"}), "Welcome!!2026"))
    nurse = world.actors["nurse"]
    with pytest.raises(InputError, match="too common"):
        users.reset_password(admin, nurse.user_id, "qwerty123456")
