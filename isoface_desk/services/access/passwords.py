"""Password hashing (argon2id via argon2-cffi) and the password policy.

Policy: at least 10 characters, not one of a list of common passwords, not predictable (a
repeated character, a keyboard or alphabet run, a common word with only digits and symbols
added), and not containing the user name. The demo database's shared password
`demo-password` is on the common list; only an explicit demo flag (a clinic set up as a
demo) lets it through.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from isoface_desk.errors import InputError

MIN_LENGTH = 10
DEMO_PASSWORD = "demo-password"
UNREADABLE = (
    "The password holds bytes that are not UTF-8 text (check the keyboard's or the "
    "terminal's encoding): it was not used."
)

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
        # More of the most used passwords of 10 characters or more (breach corpora).
        "qwerty123456",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "zaq12wsxcde3",
        "q1w2e3r4t5y6",
        "iloveyou1234",
        "password1234",
        "password12345",
        "qwertyuiop123",
        "football1234",
        "baseball123",
        "superman123",
        "starwars123",
        "pokemon123",
        "monkey12345",
        "shadow12345",
        "master12345",
        "123456789a",
        "a123456789",
        "abcd123456",
        "abc123456789",
        "0987654321",
        "9876543210",
        "p@ssw0rd123",
        "p@ssword123",
        "summer2024",
        "summer2025",
        "summer2026",
        "winter2025",
        "winter2026",
        "letmein1234",
        "welcome2026",
        "changeme1234",
        "clinic1234",
        "doctor1234",
        "nurse12345",
        "hospital123",
        "accutane123",
        "roaccutane",
        DEMO_PASSWORD,
    }
)

#: Runs a guesser tries first: any 10 or more characters along one of them (or backwards).
RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm",
        "1qaz2wsx3edc4rfv5tgb")  # fmt: skip
#: Words that make a password guessable when only digits and symbols are added to them.
WEAK_STEMS = (
    "password", "passw0rd", "p@ssw0rd", "welcome", "letmein", "qwerty", "admin", "isoface",
    "clinic", "dermatology", "isotretinoin", "changeme", "iloveyou",
)  # fmt: skip


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


def _require_text(password: str) -> None:
    """InputError for a password that cannot be stored: text with lone surrogates (what
    Python makes of bytes that are not UTF-8, e.g. a 0xFF typed in a Latin-1 terminal)."""
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(UNREADABLE) from None


def hash_password(password: str) -> str:
    """An argon2id hash (salted; encodes its own parameters)."""
    _require_text(password)
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if `password` matches; False for a mismatch or an unreadable hash; InputError
    for a password that is not text (see _require_text)."""
    _require_text(password)
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
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return [UNREADABLE]
    if len(password) < MIN_LENGTH:
        problems.append(f"The password must have at least {MIN_LENGTH} characters.")
    folded = "".join(password.casefold().split())
    if folded in COMMON_PASSWORDS and not (demo and password == DEMO_PASSWORD):
        problems.append("This password is too common: choose another one.")
    elif len(password) >= MIN_LENGTH and predictable(folded):
        problems.append("This password is too easy to guess (a repeated character, a run of "
                        "keys, or a common word with digits): choose another one.")  # fmt: skip
    name = username.strip().casefold()
    if len(name) >= 3 and name in password.casefold():
        problems.append("The password must not contain the user name.")
    return problems


def predictable(folded: str) -> bool:
    """A repeated character, a stretch of a keyboard or alphabet run, or a weak word with
    only digits and symbols around it (`folded`: lower case, no spaces)."""
    if len(set(folded)) <= 2:
        return True
    if any(folded in run * 2 or folded in (run * 2)[::-1] for run in RUNS):  # wrapping too
        return True
    for stem in WEAK_STEMS:
        rest = folded.replace(stem, "", 1) if stem in folded else None
        if rest is not None and not any(ch.isalpha() for ch in rest):
            return True
    return False


def check_policy(password: str, username: str, *, demo: bool = False) -> None:
    """Raise InputError listing every policy problem of `password`."""
    problems = policy_problems(password, username, demo=demo)
    if problems:
        raise InputError(problems)
