"""Password hashing (argon2id via argon2-cffi) and the password policy.

Policy: at least 10 characters, not one of a short list of common passwords, and not
containing the user name. The demo database's shared password `demo-password` is on the
common list; only an explicit demo flag (a clinic set up as a demo) lets it through.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from isoface_desk.errors import InputError

MIN_LENGTH = 10
DEMO_PASSWORD = "demo-password"

#: Refused whatever the user name (compared case-insensitively, spaces ignored).
COMMON_PASSWORDS: frozenset[str] = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "1111111111",
        "0000000000",
        "1q2w3e4r5t",
        "qwertyuiop",
        "asdfghjkl;",
        "password1!",
        "password12",
        "password123",
        "passw0rd123",
        "letmein123",
        "iloveyou123",
        "welcome123",
        "welcome2024",
        "welcome2025",
        "changeme123",
        "administrator",
        "qwerty12345",
        "abc1234567",
        "football123",
        "dragon12345",
        "sunshine123",
        "princess123",
        "trustno1234",
        "dermatology",
        "isotretinoin",
        "isoface123",
        DEMO_PASSWORD,
    }
)


#: OWASP's argon2id configuration (19 MiB, 2 passes, 1 lane): about 30 ms on a desktop,
#: cheap enough to re-enter the password at every signature, costly for a guesser.
#: Hashes made with other parameters are upgraded at the next successful sign-in.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19_456
ARGON2_PARALLELISM = 1


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
    )


def hash_password(password: str) -> str:
    """An argon2id hash (salted; encodes its own parameters)."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if `password` matches; False for a mismatch or an unreadable hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters than the current ones."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


#: Verified against when the user name is unknown, so both paths cost the same time.
_DUMMY_HASH: list[str] = []


def burn_time(password: str) -> None:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not a real password"))
    verify_password(_DUMMY_HASH[0], password)


def policy_problems(password: str, username: str, *, demo: bool = False) -> list[str]:
    """Every reason `password` is refused for `username` (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"The password must have at least {MIN_LENGTH} characters.")
    folded = "".join(password.casefold().split())
    if folded in COMMON_PASSWORDS and not (demo and password == DEMO_PASSWORD):
        problems.append("This password is too common: choose another one.")
    name = username.strip().casefold()
    if len(name) >= 3 and name in password.casefold():
        problems.append("The password must not contain the user name.")
    return problems


def check_policy(password: str, username: str, *, demo: bool = False) -> None:
    """Raise InputError listing every policy problem of `password`."""
    problems = policy_problems(password, username, demo=demo)
    if problems:
        raise InputError(problems)
